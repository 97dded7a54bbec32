"""Account services: create and edit users, passwords, sign-in with per-account throttling."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from qa_portal.audit.services import record
from qa_portal.auth.models import LoginFailure, Role, User, UserRole
from qa_portal.auth.passwords import hash_password, password_problems, verify_password
from qa_portal.auth.tokens import make_set_password_token
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db


def normalise_email(email: str) -> str:
    """Emails are stored trimmed and lower-case, so one person has one account."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The account with this email, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _ensure_email_free(email: str, user: User | None = None) -> None:
    existing = find_user_by_email(email)
    if existing is not None and existing is not user:
        raise DomainError(_("Another account already uses this email address."), field="email")


def _set_roles(user: User, roles: set[Role]) -> None:
    current = {link.role: link for link in user.role_links}
    for role, link in current.items():
        if role not in roles:
            user.role_links.remove(link)
    for role in roles - set(current):
        user.role_links.append(UserRole(role=role))


def create_user(actor, email: str, full_name: str, roles: set[Role]) -> tuple[User, str]:
    """Create an account without a password and return it with its one-time set-password token."""
    email = normalise_email(email)
    _ensure_email_free(email)
    user = User(email=email, full_name=full_name.strip(), active=True)
    _set_roles(user, set(roles))
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", user, f"Created account {email}", {"roles": sorted(roles)})
    return user, make_set_password_token(user)


def update_user(actor, user: User, email: str, full_name: str, roles: set[Role]) -> User:
    """Change an account's email, name and roles; an admin cannot remove their own admin role."""
    email = normalise_email(email)
    _ensure_email_free(email, user)
    if user.id == getattr(actor, "id", None) and Role.ADMIN not in roles:
        raise DomainError(_("You cannot remove your own administrator role."), field="roles")
    before = {"email": user.email, "full_name": user.full_name, "roles": sorted(user.roles)}
    user.email, user.full_name = email, full_name.strip()
    _set_roles(user, set(roles))
    db.session.flush()
    after = {"email": user.email, "full_name": user.full_name, "roles": sorted(roles)}
    record(actor, "user.update", user, f"Updated account {email}", {"before": before, "after": after})
    return user


def set_user_active(actor, user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account; nobody can deactivate themselves."""
    if not active and user.id == getattr(actor, "id", None):
        raise DomainError(_("You cannot deactivate your own account."))
    user.active = active
    db.session.flush()
    action = "user.activate" if active else "user.deactivate"
    record(actor, action, user, f"{'Activated' if active else 'Deactivated'} account {user.email}")
    return user


def issue_set_password_link(actor, user: User) -> str:
    """Sign a fresh one-time set-password token for the user and audit that it was issued."""
    record(actor, "user.set_password_link", user, f"Issued a set-password link for {user.email}")
    return make_set_password_token(user)


def _store_password(user: User, new_password: str) -> None:
    problems = password_problems(new_password, user.email)
    if problems:
        raise DomainError(" ".join(problems), field="new_password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change one's own password after proving the current one."""
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_("Your current password is not correct."), field="current_password")
    _store_password(user, new_password)
    db.session.flush()
    record(user, "user.change_password", user, "Changed own password")


def set_password_with_token(user: User, new_password: str) -> None:
    """Set the password of the user a valid set-password link named (which spends the link)."""
    _store_password(user, new_password)
    db.session.flush()
    record(user, "user.set_password", user, "Set password through a one-time link")


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


def set_locale(user: User, locale: str) -> None:
    """Remember a signed-in user's interface language."""
    user.locale = locale
    db.session.flush()


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
