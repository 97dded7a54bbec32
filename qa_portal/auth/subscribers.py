"""Accounts' part of the daily maintenance pass: expired failed sign-ins are removed."""
from qa_portal.auth.services import purge_expired_login_failures
from qa_portal.core.maintenance import daily_maintenance


@daily_maintenance.connect
def purge_login_failures(_app, now=None, **_extra) -> str:
    """Remove failed sign-ins past their retention (they no longer throttle anyone)."""
    removed = purge_expired_login_failures(None, now)
    return f"{removed} expired failed sign-in(s) removed."
