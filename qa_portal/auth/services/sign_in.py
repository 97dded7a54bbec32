"""The password step of sign-in, throttled per (account, client address), and the failures that throttle it."""
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from qa_portal.audit.services import record
from qa_portal.auth.models import LoginFailure, SignInStep, User
from qa_portal.auth.services.passwords import verify_password
from qa_portal.auth.services.accounts import find_user_by_email, normalise_email
from qa_portal.core.models import utcnow
from qa_portal.extensions import db

ADDRESS_LENGTH = 64


@dataclass
class SignInResult:
    """The password step's answer: the user, or how many seconds this (account, address) pair must still wait."""

    user: User | None = None
    retry_after: int | None = None


def failure_delay(failures: int) -> timedelta:
    """How long a pair waits after this many recent failures: nothing for the free ones, then the base delay
    doubling with each further failure, never more than the cap."""
    config = current_app.config
    extra = failures - config["QA_LOGIN_FREE_FAILURES"]
    if extra < 0:
        return timedelta(0)
    seconds = config["QA_LOGIN_BASE_DELAY_SECONDS"] * 2 ** min(extra, 32)
    return timedelta(seconds=min(seconds, config["QA_LOGIN_MAX_DELAY_SECONDS"]))


def _address(remote_addr: str | None) -> str | None:
    return remote_addr[:ADDRESS_LENGTH] if remote_addr else None


def seconds_to_wait(email: str, remote_addr: str | None, step: SignInStep = SignInStep.PASSWORD) -> int | None:
    """Seconds before this (account, client address) pair may try this step again, or None when it may now.

    Only failures from the same address count, so nobody elsewhere can make the account's owner wait."""
    now = utcnow()
    window = timedelta(minutes=current_app.config["QA_LOGIN_WINDOW_MINUTES"])
    count, latest = db.session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(
            LoginFailure.email == normalise_email(email),
            LoginFailure.remote_addr == _address(remote_addr),
            LoginFailure.step == step,
            LoginFailure.at > now - window,
        )
    ).one()
    if not count:
        return None
    remaining = (latest + failure_delay(count) - now).total_seconds()
    return math.ceil(remaining) if remaining > 0 else None


def record_failure(email: str, remote_addr: str | None, step: SignInStep) -> None:
    """Count one failed step for the (account, client address) pair."""
    db.session.add(LoginFailure(email=normalise_email(email), remote_addr=_address(remote_addr), step=step))
    db.session.flush()


def sign_in(email: str, password: str, remote_addr: str | None) -> SignInResult:
    """Check the password; record and audit failures; make a throttled pair wait without checking anything.

    Unknown, inactive and password-less accounts cost the same single hash check as a real one."""
    email = normalise_email(email)
    user = find_user_by_email(email)
    wait = seconds_to_wait(email, remote_addr)
    if wait is not None:
        record(None, "auth.login_throttled", user, f"Refused sign-in for {email} from a throttled address",
               {"email": email, "remote_addr": remote_addr, "retry_after": wait})
        return SignInResult(retry_after=wait)
    password_ok = verify_password(user.password_hash if user is not None else None, password)
    if user is None or not user.active or not password_ok:
        record_failure(email, remote_addr, SignInStep.PASSWORD)
        reason = "unknown account" if user is None else ("inactive" if not user.active else "wrong password")
        record(None, "auth.login_failed", user, f"Failed sign-in for {email}",
               {"email": email, "remote_addr": remote_addr, "reason": reason})
        return SignInResult()
    return SignInResult(user=user)


def purge_expired_login_failures(actor, now: datetime) -> int:
    """Delete failed sign-ins older than QA_LOGIN_FAILURE_RETENTION_DAYS (never younger than the throttle window, so
    no row that still counts goes); the audit log keeps every failure. Audits the purge when it removed rows."""
    config = current_app.config
    keep = max(timedelta(days=config["QA_LOGIN_FAILURE_RETENTION_DAYS"]),
               timedelta(minutes=config["QA_LOGIN_WINDOW_MINUTES"]))
    cutoff = now - keep
    removed = db.session.execute(delete(LoginFailure).where(LoginFailure.at < cutoff)).rowcount
    if removed:
        record(actor, "auth.login_failures_purged", None,
               f"Removed {removed} failed sign-ins from before {cutoff:%Y-%m-%d %H:%M}",
               {"removed": removed, "before": cutoff.isoformat()})
    return removed
