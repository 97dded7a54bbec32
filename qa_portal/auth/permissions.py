"""Who may manage accounts, their own account and others' second factors."""
from qa_portal.auth.models import Role


def can_manage_users(user) -> bool:
    """Only administrators create, edit, deactivate users and assign roles."""
    return user.is_authenticated and user.has_role(Role.ADMIN)


def can_change_own_password(user) -> bool:
    """Every signed-in, active user may change their own password."""
    return user.is_authenticated and user.is_active


def can_manage_own_account(user) -> bool:
    """Every signed-in, active user manages their own sessions and two-factor sign-in."""
    return user.is_authenticated and user.is_active


def can_reset_second_factor(user, target) -> bool:
    """Administrators reset another user's two-factor sign-in (a lost phone); their own goes through their account."""
    return can_manage_users(user) and target is not None and target.id != user.id
