"""Who may read the audit log."""
from qa_portal.auth.models import Role


def can_view_audit(user) -> bool:
    """Officers and administrators read the audit log; nobody edits it."""
    return user.is_authenticated and user.has_role(Role.ADMIN, Role.OFFICER)
