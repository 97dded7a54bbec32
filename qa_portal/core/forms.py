"""Small helpers for forms shared by every domain: the one form runner, refusals on their fields, safe redirects."""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import flash, redirect, render_template
from flask_wtf import FlaskForm

from qa_portal.core.errors import DomainError
from qa_portal.extensions import db


def attach_error(form, error: DomainError) -> None:
    """Show a service's refusal next to the field it concerns (or above the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def attach_refusal(form, error: DomainError) -> None:
    """Attach every message of a refusal: one per (field, message) pair when the service listed several."""
    for field, message in getattr(error, "problems", None) or [(error.field, error.message)]:
        attach_error(form, DomainError(message, field=field or None))


class ButtonForm(FlaskForm):
    """A plain action button's form: only the CSRF token (the object and the action come from the URL), so
    run_service takes buttons too and shows a refusal with form_errors(form)."""


@dataclass(frozen=True)
class ServiceRun:
    """What happened to a submitted form: `ok` with the service's result, or the HTTP status to re-render with."""

    ok: bool
    status: int
    result: Any = None


def run_service(form, service: Callable[[], Any]) -> ServiceRun:
    """Validate the form, run one service call and commit; on a refusal roll back and put each message on its field.

    Not submitted → status 200; invalid → 400; refused → the refusal's status (409 "not now", 403 "not yours")."""
    if not form.validate_on_submit():
        return ServiceRun(False, 400 if form.is_submitted() else 200)
    try:
        result = service()
    except DomainError as error:
        db.session.rollback()
        attach_refusal(form, error)
        return ServiceRun(False, error.status_code)
    db.session.commit()
    return ServiceRun(True, 200, result)


def form_page(form, service: Callable[[], Any], template: str, success_message: str, success_url, **context):
    """The whole form page: run_service, then flash and redirect on success or re-render with the user's text.

    `success_url` is a URL or a function of the service's result."""
    run = run_service(form, service)
    if run.ok:
        flash(success_message, "success")
        return redirect(success_url(run.result) if callable(success_url) else success_url)
    return render_template(template, form=form, **context), run.status


def safe_next_url(target: str | None) -> str | None:
    """Accept only a local path as a post-login destination (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
