"""Small helpers for forms shared by every domain."""
from urllib.parse import urlsplit

from qa_portal.core.errors import DomainError


def attach_error(form, error: DomainError) -> None:
    """Show a service's refusal next to the field it concerns (or above the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def safe_next_url(target: str | None) -> str | None:
    """Accept only a local path as a post-login destination (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
