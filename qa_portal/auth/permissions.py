"""Who may manage accounts and read the audit log."""
from qa_portal.auth.models import Role


def can_manage_users(user) -> bool:
    """Only administrators create, edit, deactivate users and assign roles."""
    return user.is_authenticated and user.has_role(Role.ADMIN)


def can_change_own_password(user) -> bool:
    """Every signed-in, active user may change their own password."""
    return user.is_authenticated and user.is_active
