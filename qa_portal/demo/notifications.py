"""Demo notifications: the demo's own changes already queued their messages; this adds the reminder pass and one
example of every other kind, so /admin/outbox shows a message of every kind, with one sent
and one waiting for a retry; Emil Employer reads a daily digest."""
from datetime import timedelta

from sqlalchemy import select

from qa_portal.core.models import utcnow
from qa_portal.core.urls import public_url
from qa_portal.demo.accounts import demo_user
from qa_portal.extensions import db
from qa_portal.notifications.kinds import KINDS
from qa_portal.notifications.models import MailPreference, MailStatus, OutboxMessage
from qa_portal.notifications.services.digest import queue_digests
from qa_portal.notifications.services.outbox import queue_message
from qa_portal.notifications.services.reminders import run_reminder_pass
from qa_portal.reviews.models import Case

# kind → (recipient's demo email, endpoint) for the examples of kinds the demo's own steps did not queue.
EXAMPLES = {
    "expert_proposed": ("academic@example.org", "reviews.case_list"),
    "conflict_flagged": ("officer@example.org", "reviews.case_list"),
    "conflict_ruled": ("academic@example.org", "reviews.case_list"),
    "objection_raised": ("officer@example.org", "reviews.case_list"),
    "objection_ruled": ("hei-a@example.org", "reviews.case_list"),
    "panel_confirmed": ("hei-a@example.org", "reviews.case_list"),
    "scoring_started": ("chair@example.org", "reviews.case_list"),
    "ser_submitted": ("officer@example.org", "reviews.case_list"),
    "ser_returned": ("hei-b@example.org", "reviews.case_list"),
    "ser_accepted": ("hei-a@example.org", "reviews.case_list"),
    "factual_check": ("hei-a@example.org", "reviews.case_list"),
    "comments_in": ("chair@example.org", "reviews.case_list"),
    "report_final": ("council@example.org", "reviews.case_list"),
    "decision_published": ("hei-a@example.org", "decisions.register_index"),
    "appeal_lodged": ("appeals@example.org", "decisions.appeal_list"),
    "appeal_decided": ("hei-b@example.org", "reviews.case_list"),
    "call_opened": ("hei-b@example.org", "pilots.public_call_list"),
    "consultation_opened": ("hei-b@example.org", "standards.consultation_list"),
    "set_password": ("new-officer@example.org", "auth.login"),
    "reminder": ("hei-b@example.org", "home.my_work"),
    "overdue": ("hei-b@example.org", "home.my_work"),
    "escalation": ("officer@example.org", "home.my_work"),
    "digest": ("employer@example.org", "home.my_work"),
}


def _queued_kinds() -> set[str]:
    return set(db.session.scalars(select(OutboxMessage.kind).distinct()))


def load() -> bool:
    """Reminders due now, then one example of each kind still missing; idempotent (nothing when every kind is in)."""
    if _queued_kinds() >= set(KINDS):
        return False
    employer = demo_user("employer@example.org")
    if employer is not None and db.session.get(MailPreference, employer.id) is None:
        db.session.add(MailPreference(user_id=employer.id, daily_digest=True, opted_out=["calls"]))
    run_reminder_pass()
    case = db.session.scalar(select(Case).order_by(Case.id).limit(1))
    present = _queued_kinds()
    for kind, (email, endpoint) in EXAMPLES.items():
        if kind in present:
            continue
        params = {"role": "academic", "title": "Micro-credentials pilot 2027", "task": "the self-evaluation report",
                  "due": utcnow() + timedelta(days=7), "email": email, "hours": 72, "count": 1, "person": "Anna",
                  "items": [{"subject": "Example", "link": public_url("home.my_work")}]}
        queue_message(kind, demo_user(email), case=case if kind not in ("call_opened", "set_password") else None,
                      link=public_url(endpoint), params=params, preference=None)
    db.session.flush()
    queue_digests()
    sample = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == MailStatus.QUEUED)
                                .order_by(OutboxMessage.id).limit(2)).all()
    if len(sample) == 2:
        sample[0].status, sample[0].sent_at, sample[0].attempts = MailStatus.SENT, utcnow(), 1
        sample[1].attempts, sample[1].last_error = 1, "SMTPServerDisconnected: Connection unexpectedly closed"
        sample[1].next_attempt_at = utcnow() + timedelta(minutes=1)
    db.session.flush()
    return True
