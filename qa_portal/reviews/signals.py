"""Signals reviews sends for changes that are not lifecycle moves (those send core.workflow.transitioned), so
downstream packages (notifications) hear them without reviews knowing who listens."""
from blinker import Namespace

_signals = Namespace()

# Sent by propose_member once the seat is flushed: sender=the PanelMember; actor as a keyword argument.
member_proposed = _signals.signal("reviews.member-proposed")
# Sent by raise_objection once the objection is flushed: sender=the PanelObjection; actor as a keyword argument.
objection_raised = _signals.signal("reviews.objection-raised")
