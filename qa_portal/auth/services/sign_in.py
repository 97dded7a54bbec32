"""Sign-in with per-account throttling, and sign-out."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from qa_portal.audit.services import record
from qa_portal.auth.models import LoginFailure, User
from qa_portal.auth.passwords import verify_password
from qa_portal.auth.services.accounts import find_user_by_email, normalise_email
from qa_portal.core.models import utcnow
from qa_portal.extensions import db


@dataclass
class SignInResult:
    user: User | None = None
    throttled_until: datetime | None = None


def throttled_until(email: str) -> datetime | None:
    """When the account's lock ends, if it has had the configured number of failures in the window."""
    config = current_app.config
    window = timedelta(minutes=config["QA_LOGIN_WINDOW_MINUTES"])
    now = utcnow()
    count, latest = db.session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(
            LoginFailure.email == normalise_email(email), LoginFailure.at > now - window
        )
    ).one()
    if count >= config["QA_LOGIN_MAX_FAILURES"]:
        return latest + window
    return None


def sign_in(email: str, password: str, remote_addr: str | None) -> SignInResult:
    """Check credentials; record and audit failures; refuse a throttled account without checking."""
    email = normalise_email(email)
    locked_until = throttled_until(email)
    user = find_user_by_email(email)
    if locked_until is not None:
        record(None, "auth.login_throttled", user, f"Refused sign-in for throttled account {email}",
               {"email": email, "remote_addr": remote_addr})
        return SignInResult(throttled_until=locked_until)
    if user is None or not user.active or not verify_password(user.password_hash, password):
        db.session.add(LoginFailure(email=email, remote_addr=remote_addr))
        reason = "unknown account" if user is None else ("inactive" if not user.active else "wrong password")
        record(None, "auth.login_failed", user, f"Failed sign-in for {email}",
               {"email": email, "remote_addr": remote_addr, "reason": reason})
        return SignInResult()
    user.last_login_at = utcnow()
    record(user, "auth.login", user, f"Signed in as {email}", {"remote_addr": remote_addr})
    return SignInResult(user=user)


def sign_out(user: User) -> None:
    """Audit a sign-out."""
    record(user, "auth.logout", user, f"Signed out {user.email}")
