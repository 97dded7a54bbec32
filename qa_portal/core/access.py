"""Route access markers and require(): every view is either public or signed-in plus a per-object check."""
from functools import wraps

from flask import abort
from flask_login import current_user

from qa_portal.extensions import login_manager

ACCESS_ATTR = "qa_access"


def public(view):
    """Mark a view as readable by anyone; the URL-map test keeps this list short and explicit."""
    setattr(view, ACCESS_ATTR, "public")
    return view


def login_required(view):
    """Send anonymous visitors to /login; the view itself then calls require(can_...)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    setattr(wrapped, ACCESS_ATTR, "login")
    return wrapped


def require(allowed: bool, message: str | None = None) -> None:
    """Abort with 403 unless the permission predicate allowed the action."""
    if not allowed:
        abort(403, description=message)
