"""Who may read the audit log (by role name: the audit log knows no other package, so auth can write to it)."""

AUDIT_READER_ROLES = ("admin", "officer")


def can_view_audit(user) -> bool:
    """Officers and administrators read the audit log; nobody edits it."""
    return user.is_authenticated and user.has_role(*AUDIT_READER_ROLES)
