"""Signals decisions sends for changes that are not lifecycle moves (those send core.workflow.transitioned), so
downstream packages (notifications) hear them without decisions knowing who listens."""
from blinker import Namespace

_signals = Namespace()

# Sent by schedule_meeting once the meeting, its agenda and attendance are flushed: sender=the CouncilMeeting; actor
# as a keyword argument.
meeting_scheduled = _signals.signal("decisions.meeting-scheduled")
