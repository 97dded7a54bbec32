"""Signed-in sessions kept on the server: started at sign-in, checked on every request, ended one by one or all at
once (sign-out, password change, deactivation, role change, second-factor reset, "Sign out everywhere else")."""
import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from qa_portal.audit.services import record
from qa_portal.auth.models import Role, User, UserSession
from qa_portal.core.models import utcnow
from qa_portal.extensions import db

USER_AGENT_LENGTH = 200


def token_hash(token: str) -> str:
    """The SHA-256 a session's token is stored as (the token itself lives only in the browser's cookie)."""
    return hashlib.sha256(token.encode()).hexdigest()


def two_factor_required(user: User) -> bool:
    """Users holding a role listed in QA_2FA_REQUIRED_ROLES must pass a second factor to sign in."""
    required = {Role(value) for value in current_app.config["QA_2FA_REQUIRED_ROLES"]}
    return bool(user.roles & required)


def start_session(user: User, remote_addr: str | None, user_agent: str | None, second_factor: str | None = None) -> str:
    """Open a session for a user who passed every step and return its secret token (for the session cookie only).

    Sessions past their absolute lifetime are swept out on the way; the sign-in is audited with its second factor."""
    now = utcnow()
    db.session.execute(delete(UserSession).where(UserSession.created_at < now - _max_age()))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(
        user=user, token_hash=token_hash(token), created_at=now, second_factor=second_factor is not None,
        remote_addr=(remote_addr or "")[:64] or None, user_agent=(user_agent or "")[:USER_AGENT_LENGTH] or None,
    ))
    user.last_login_at = now
    db.session.flush()
    record(user, "auth.login", user, f"Signed in as {user.email}",
           {"remote_addr": remote_addr, "second_factor": second_factor})
    return token


class SessionRefusal(enum.StrEnum):
    """Why a session cookie no longer signs anyone in."""

    ENDED = "ended"  # signed out, revoked, the account deactivated, or never a session
    IDLE = "idle"
    EXPIRED = "expired"
    SECOND_FACTOR = "second_factor"  # the user's roles now require a second factor this session did not pass


@dataclass
class SessionCheck:
    """A session cookie's verdict: the signed-in user, or the reason it was refused."""

    user: User | None = None
    refusal: SessionRefusal | None = None


def _max_age() -> timedelta:
    return timedelta(hours=current_app.config["QA_SESSION_MAX_HOURS"])


def check_session(user_id: str | None, token: str | None, last_seen: datetime | None) -> SessionCheck:
    """The user a session cookie signs in, if its server-side session still exists, belongs to that active user,
    has been used within the idle timeout, is younger than the absolute lifetime and passed any required second
    factor (one query)."""
    if not token or not user_id:
        return SessionCheck(refusal=SessionRefusal.ENDED)
    row = db.session.execute(
        select(UserSession, User).join(User, UserSession.user_id == User.id)
        .where(UserSession.token_hash == token_hash(token))
    ).first()
    if row is None or str(row.User.id) != str(user_id) or not row.User.active:
        return SessionCheck(refusal=SessionRefusal.ENDED)
    now = utcnow()
    if row.UserSession.created_at + _max_age() <= now:
        return SessionCheck(refusal=SessionRefusal.EXPIRED)
    idle = timedelta(minutes=current_app.config["QA_SESSION_IDLE_MINUTES"])
    if last_seen is None or last_seen + idle <= now:
        return SessionCheck(refusal=SessionRefusal.IDLE)
    if not row.UserSession.second_factor and two_factor_required(row.User):
        return SessionCheck(refusal=SessionRefusal.SECOND_FACTOR)
    return SessionCheck(user=row.User)


def end_session(user: User, token: str | None) -> None:
    """Sign out: end this session, so every copy of its cookie stops working; audited."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))
    record(user, "auth.logout", user, f"Signed out {user.email}")


def end_sessions(user: User, keep_token: str | None = None) -> int:
    """End every session of the user except the one holding keep_token; return how many ended (not audited here:
    the change that caused it is)."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_token:
        query = query.where(UserSession.token_hash != token_hash(keep_token))
    return db.session.execute(query).rowcount or 0


def renew_session(user: User, token: str) -> str:
    """Give the current session a fresh token and end every other one (after one's own password change): copies of
    the old cookie stop working, this browser stays signed in."""
    current = db.session.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
    end_sessions(user, keep_token=token)
    new_token = secrets.token_urlsafe(32)
    if current is not None:
        current.token_hash = token_hash(new_token)
    db.session.flush()
    return new_token


def sign_out_everywhere_else(actor: User, token: str) -> int:
    """End every session of one's own account except this browser's; audited with how many ended."""
    ended = end_sessions(actor, keep_token=token)
    db.session.flush()
    record(actor, "auth.sessions_ended", actor, f"Signed out everywhere else: {ended} session(s) ended",
           {"ended": ended})
    return ended


def visible_sessions(user: User):
    """The user's own live sessions, newest first (for the account page)."""
    return (select(UserSession).where(UserSession.user_id == user.id, UserSession.created_at > utcnow() - _max_age())
            .order_by(UserSession.created_at.desc()))
