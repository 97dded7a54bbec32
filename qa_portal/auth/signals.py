"""Signals auth sends, so downstream packages (notifications) hear them without auth knowing who listens."""
from blinker import Namespace

_signals = Namespace()

# Sent when a set-password link is issued (a new account, or an administrator's new link): sender=the User; token
# and actor as keyword arguments. The link is shown to the administrator and e-mailed to the user.
set_password_link_issued = _signals.signal("auth.set-password-link-issued")
