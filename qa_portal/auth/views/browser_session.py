"""What the signed session cookie holds: the server-side session's token and when the browser was last seen, or a
half-signed-in state between the password and the second factor; and Flask-Login's user loader that checks it."""
from datetime import datetime, timedelta, timezone

from flask import flash, request, session
from flask_babel import gettext as _
from flask_login import login_user

from qa_portal.auth import services
from qa_portal.auth.models import User
from qa_portal.core.models import utcnow
from qa_portal.extensions import db

TOKEN_KEY = "auth_token"
SEEN_KEY = "auth_seen"
PENDING_KEY = "auth_pending"
FLASK_LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember")
PENDING_MINUTES = 10  # the half-signed-in state lasts this long
SEEN_REFRESH_SECONDS = 60  # the idle clock is kept to the minute, so the cookie is not rewritten on every request


def _epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=timezone.utc).timestamp())


def _from_epoch(value) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), timezone.utc).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _fresh_session() -> None:
    """Forget everything in the session but the chosen language (no session fixation across sign-in steps)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def current_token() -> str | None:
    """The server-side session token this browser holds."""
    return session.get(TOKEN_KEY)


def sign_in_browser(user: User, token: str) -> None:
    """After the service opened a session (and the view committed): a fresh cookie naming it, and Flask-Login's
    signed-in user."""
    _fresh_session()
    session[TOKEN_KEY] = token
    session[SEEN_KEY] = _epoch(utcnow())
    login_user(user)


def replace_token(token: str | None) -> None:
    """Keep this browser signed in under a renewed session token."""
    if token:
        session[TOKEN_KEY] = token


def begin_pending(user: User, step: str, next_url: str | None) -> None:
    """The half-signed-in state after a correct password: it names the user and the step still due ("code" or
    "enrol"); it signs nobody in, so every other page still treats the visitor as anonymous."""
    _fresh_session()
    session[PENDING_KEY] = {"uid": user.id, "step": step, "at": _epoch(utcnow()), "next": next_url}


def pending_sign_in(step: str) -> tuple[User, str | None] | None:
    """The user half signed in for this step and where they were going, unless the state is missing or too old."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("step") != step:
        return None
    started = _from_epoch(pending.get("at"))
    if started is None or started + timedelta(minutes=PENDING_MINUTES) < utcnow():
        session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(User, pending.get("uid"))
    if user is None or not user.active:
        return None
    return user, pending.get("next")


def sign_out_browser() -> None:
    """Forget the session in this browser (the service has ended it on the server)."""
    _fresh_session()


REFUSAL_MESSAGES = {
    services.SessionRefusal.IDLE: lambda: _("You were signed out after a time without activity. Please sign in again."),
    services.SessionRefusal.EXPIRED: lambda: _("Your session reached its maximum length. Please sign in again."),
    services.SessionRefusal.SECOND_FACTOR: lambda: _("Your role now requires two-factor sign-in. Please sign in again."),
}


def load_session_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user only while the cookie's server-side session is alive (see
    services.check_session); a refused cookie is emptied so it is not tried again."""
    now = utcnow()
    check = services.check_session(user_id, session.get(TOKEN_KEY), _from_epoch(session.get(SEEN_KEY)))
    if check.user is None:
        for key in (TOKEN_KEY, SEEN_KEY, *FLASK_LOGIN_KEYS):
            session.pop(key, None)
        message = REFUSAL_MESSAGES.get(check.refusal)
        if message is not None and request.endpoint != "static":
            flash(message(), "info")
        return None
    if _epoch(now) - int(session.get(SEEN_KEY, 0)) >= SEEN_REFRESH_SECONDS:
        session[SEEN_KEY] = _epoch(now)
    return check.user
