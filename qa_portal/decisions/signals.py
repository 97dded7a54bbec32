"""Signals decisions sends for changes that are not lifecycle moves (those send core.workflow.transitioned), so
downstream packages (registry, notifications) hear them without decisions knowing who listens."""
from blinker import Namespace

_signals = Namespace()

# Sent by schedule_meeting once the meeting, its agenda and attendance are flushed: sender=the CouncilMeeting; actor
# as a keyword argument.
meeting_scheduled = _signals.signal("decisions.meeting-scheduled")
# Sent by report_condition and verify_condition after the follow-up is flushed, inside the same transaction:
# sender=the DecisionCondition whose status changed.
condition_followed_up = _signals.signal("decisions.condition-followed-up")
