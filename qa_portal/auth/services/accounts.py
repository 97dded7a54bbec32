"""Account services: create and edit users, roles, activation, passwords, the interface language."""
from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.auth.models import Role, User, UserRole
from qa_portal.auth.services.passwords import hash_password, password_problems, verify_password
from qa_portal.auth.services.sessions import end_sessions, renew_session
from qa_portal.auth.services.tokens import make_set_password_token
from qa_portal.auth.signals import set_password_link_issued
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db


class AccountInvalid(DomainError):
    """What was entered for an account breaks a rule (a taken email, a weak or wrong password, dropping one's own
    admin role): bad input, answered with 400 and the message at its field."""

    status_code = 400


def normalise_email(email: str) -> str:
    """Emails are stored trimmed and lower-case, so one person has one account."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The account with this email, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _ensure_email_free(email: str, user: User | None = None) -> None:
    existing = find_user_by_email(email)
    if existing is not None and existing is not user:
        raise AccountInvalid(_("Another account already uses this email address."), field="email")


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
    token = make_set_password_token(user)
    set_password_link_issued.send(user, token=token, actor=actor)
    return user, token


def update_user(actor, user: User, email: str, full_name: str, roles: set[Role], actor_token: str | None = None) -> User:
    """Change an account's email, name and roles; an admin cannot remove their own admin role. A change of roles
    ends the user's sessions (but the acting admin's own, named by actor_token)."""
    email = normalise_email(email)
    _ensure_email_free(email, user)
    if user.id == getattr(actor, "id", None) and Role.ADMIN not in roles:
        raise AccountInvalid(_("You cannot remove your own administrator role."), field="roles")
    before = {"email": user.email, "full_name": user.full_name, "roles": sorted(user.roles)}
    roles_changed = set(roles) != user.roles
    user.email, user.full_name = email, full_name.strip()
    _set_roles(user, set(roles))
    db.session.flush()
    after = {"email": user.email, "full_name": user.full_name, "roles": sorted(roles)}
    ended = end_sessions(user, keep_token=actor_token) if roles_changed else 0
    record(actor, "user.update", user, f"Updated account {email}",
           {"before": before, "after": after, "sessions_ended": ended})
    return user


def set_user_active(actor, user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account; nobody can deactivate themselves. Deactivation ends every session of
    the account for good: reactivating it does not bring an old cookie back."""
    if not active and user.id == getattr(actor, "id", None):
        raise DomainError(_("You cannot deactivate your own account."))
    user.active = active
    ended = 0 if active else end_sessions(user)
    db.session.flush()
    action = "user.activate" if active else "user.deactivate"
    record(actor, action, user, f"{'Activated' if active else 'Deactivated'} account {user.email}",
           {"sessions_ended": ended})
    return user


def issue_set_password_link(actor, user: User) -> str:
    """Sign a fresh one-time set-password token for the user and audit that it was issued."""
    record(actor, "user.set_password_link", user, f"Issued a set-password link for {user.email}")
    token = make_set_password_token(user)
    set_password_link_issued.send(user, token=token, actor=actor)
    return token


def _store_password(user: User, new_password: str) -> None:
    problems = password_problems(new_password, user.email)
    if problems:
        raise AccountInvalid(" ".join(problems), field="new_password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()


def change_password(user: User, current_password: str, new_password: str, token: str | None) -> str | None:
    """Change one's own password after proving the current one. Every other session ends; this one continues under
    the fresh token returned (so copies of its old cookie stop working too)."""
    if not verify_password(user.password_hash, current_password):
        raise AccountInvalid(_("Your current password is not correct."), field="current_password")
    _store_password(user, new_password)
    new_token = renew_session(user, token) if token else None
    db.session.flush()
    record(user, "user.change_password", user, "Changed own password; other sessions ended")
    return new_token


def set_password_with_token(user: User, new_password: str) -> None:
    """Set the password of the user a valid set-password link named (which spends the link); every session of the
    account ends."""
    _store_password(user, new_password)
    end_sessions(user)
    db.session.flush()
    record(user, "user.set_password", user, "Set password through a one-time link")


def set_locale(user: User, locale: str) -> None:
    """Remember a signed-in user's interface language."""
    user.locale = locale
    db.session.flush()
