"""notifications at app start: it hears every lifecycle move and the domain signals that concern someone, and queues
their messages in the same transaction; the reminder pass and the digest join the daily maintenance."""
from flask_login import current_user

from qa_portal.auth.signals import set_password_link_issued
from qa_portal.core.contributions import contribute
from qa_portal.core.maintenance import daily_maintenance
from qa_portal.core.workflow import transitioned
from qa_portal.decisions.signals import meeting_scheduled
from qa_portal.notifications.permissions import can_view_mail_log
from qa_portal.notifications.services import events
from qa_portal.notifications.services.digest import queue_digests
from qa_portal.notifications.services.reminders import run_reminder_pass
from qa_portal.reviews.signals import member_proposed, objection_raised


@transitioned.connect
def queue_transition_messages(workflow, obj=None, action=None, actor=None, **_extra):
    """Queue the messages of a lifecycle move (EVENTS in notifications/services/events.py)."""
    events.notify_transition(workflow.name, action.value, obj, actor)


@member_proposed.connect
def queue_expert_proposed(member, actor=None, **_extra):
    """Tell a proposed expert, with the link to their declaration."""
    events.expert_proposed(member, actor)


@objection_raised.connect
def queue_objection_raised(objection, actor=None, **_extra):
    """Tell the coordinating officer about the institution's objection."""
    events.objection_raised(objection, actor)


@meeting_scheduled.connect
def queue_meeting_agenda(meeting, actor=None, **_extra):
    """Tell the council members recorded as present about the meeting and its agenda."""
    events.meeting_scheduled(meeting, actor)


@set_password_link_issued.connect
def queue_set_password_link(user, token=None, actor=None, **_extra):
    """Mail the set-password link to the user as well as showing it to the administrator."""
    events.set_password_link(user, token, actor)


@daily_maintenance.connect
def queue_due_reminders(_app, now=None, **_extra) -> str:
    """Queue the reminders and escalations due today (idempotent)."""
    return run_reminder_pass(now)


@daily_maintenance.connect
def queue_daily_digests(_app, now=None, **_extra) -> str:
    """Gather the messages held for daily-digest readers into one message each."""
    return f"{queue_digests()} daily digest(s) queued."


def _may_view_mail_log(case=None, **_context) -> bool:
    return can_view_mail_log(current_user, case)


contribute("case_detail.cards", "notifications/_case_mail_log_card.html", order=90, when=_may_view_mail_log)
contribute("my_work.top", "notifications/_my_deadlines.html", order=10)
