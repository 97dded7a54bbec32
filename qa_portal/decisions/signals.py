"""Signals decisions sends to downstream domains (the registry subscribes); decisions never imports them."""
from blinker import Namespace

_signals = Namespace()

# Sent by report_condition and verify_condition after the follow-up is flushed, inside the same transaction:
# sender=the DecisionCondition whose status changed.
condition_followed_up = _signals.signal("decisions.condition-followed-up")
