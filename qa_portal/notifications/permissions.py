"""Who may read the outbox, a case's mail log, the deadlines across cases, and their own mail settings."""
from qa_portal.auth.models import Role


def can_read_outbox(user) -> bool:
    """Administrators read every queued and sent message (the development mailbox when no SMTP server is set)."""
    return user.is_authenticated and user.has_role(Role.ADMIN)


def can_view_mail_log(user, case) -> bool:
    """Officers see what was sent to whom about a case, and its delivery state (never the bodies of others' mail)."""
    return user.is_authenticated and user.has_role(Role.OFFICER, Role.ADMIN)


def can_view_deadlines(user) -> bool:
    """Officers see the deadlines of every case (overdue, next 14 days, by coordinator)."""
    return user.is_authenticated and user.has_role(Role.OFFICER)


def can_manage_mail_settings(user) -> bool:
    """Every signed-in user chooses how they get their mail and holds their own calendar feed."""
    return user.is_authenticated
