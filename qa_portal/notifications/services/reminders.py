"""The reminder pass: for every open task, the reminder of the latest offset (QA_REMINDER_DAYS, default 7 and 1 days
before, 1 and 7 days after the due date) that has come, once to each assignee; after the last offset, one
escalation to the case's coordinator. Idempotent — each (task, due date, offset, person) has a dedup key, so running
it twice queues once; a task that is done is no longer open (its reminders stop); an extension is a new due date,
whose reminders start afresh. Queries stay constant per batch of tasks (bench/notifications_reminders.py)."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import insert, select

from qa_portal.auth.models import Role, User, UserRole
from qa_portal.core.models import utcnow
from qa_portal.core.urls import public_url
from qa_portal.extensions import db
from qa_portal.notifications.models import MailPreference, OutboxMessage
from qa_portal.notifications.services.deadlines import WINDOW_KINDS, Task, open_tasks
from qa_portal.notifications.services.outbox import message_values, queue_message
from qa_portal.reviews.models import Case, CaseState, MemberStatus, PanelMember, PanelReport, PanelRole, ReportStatus

BATCH = 500


def due_offset(task: Task, now, offsets) -> int | None:
    """The latest offset (days from the due date) whose moment has come, or None before the first; window tasks
    (the factual-accuracy check) have no reminders after their due date."""
    usable = [offset for offset in sorted(offsets) if not (task.kind in WINDOW_KINDS and offset > 0)]
    passed = [offset for offset in usable if task.due_at + timedelta(days=offset) <= now]
    return passed[-1] if passed else None


def _planned(tasks, now, offsets) -> list[tuple[str, Task, int, str]]:
    """(dedup key, task, recipient id, kind) of every reminder and escalation due now."""
    planned = []
    last = max(offsets) if offsets else None
    for task in tasks:
        offset = due_offset(task, now, offsets)
        if offset is None:
            continue
        kind = "overdue" if offset > 0 else "reminder"
        for user_id in task.assignee_ids:
            planned.append((f"reminder:{task.key}:{offset}:{user_id}", task, user_id, kind))
        if offset == last and offset > 0 and task.kind not in WINDOW_KINDS:
            planned.append((f"escalation:{task.key}", task, task.coordinator_id, "escalation"))
    return planned


def _officer_ids() -> list[int]:
    return list(db.session.scalars(select(UserRole.user_id).where(UserRole.role == Role.OFFICER)))


def queue_reminders(tasks: list[Task], now=None) -> int:
    """Queue the reminders due now for these tasks (skipping those already queued), in a constant number of queries:
    existing keys, recipients and their preferences are read once per batch."""
    now = now or utcnow()
    offsets = current_app.config["QA_REMINDER_DAYS"]
    planned = _planned(tasks, now, offsets)
    if not planned:
        return 0
    officers = None
    expanded = []
    for key, task, user_id, kind in planned:
        if kind == "escalation" and user_id is None:  # nobody coordinates: every officer hears it
            officers = officers if officers is not None else _officer_ids()
            expanded += [(f"{key}:{officer_id}", task, officer_id, kind) for officer_id in officers]
        else:
            expanded.append((key, task, user_id, kind))
    keys = [key for key, *_rest in expanded]
    existing = set(db.session.scalars(select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(keys))))
    todo = [row for row in expanded if row[0] not in existing]
    user_ids = {user_id for _key, task, user_id, _kind in todo} | {task.coordinator_id for _k, task, _u, _kd in todo
                                                                   if task.coordinator_id}
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    preferences = {pref.user_id: pref for pref in
                   db.session.scalars(select(MailPreference).where(MailPreference.user_id.in_(user_ids)))}
    rows = []
    for key, task, user_id, kind in todo:
        endpoint, values = task.endpoint()
        link = public_url(endpoint, **values) if kind != "escalation" else public_url("reviews.case_detail",
                                                                                     case_id=task.case_id)
        assignees = [users[i].full_name for i in task.assignee_ids if i in users]
        row = message_values(kind, users.get(user_id), link=link, dedup_key=key, preference=preferences.get(user_id),
                             check_dedup=False, case_id=task.case_id,
                             params={"reference": task.reference, "task": task.label, "due": task.due_at,
                                     "person": ", ".join(assignees)})
        if row is not None:
            rows.append(row)
    if rows:  # one executemany: ORM objects would be inserted one statement each on SQLite
        db.session.execute(insert(OutboxMessage), rows)
    return len(rows)


def queue_comments_in(now) -> int:
    """When a factual-accuracy window has closed, the panel chair hears once that the institution's comments are in
    (to answer them and finalise the report)."""
    rows = db.session.execute(
        select(Case, PanelReport.id, PanelReport.factual_check_due_at, PanelMember.user_id)
        .join(PanelReport, PanelReport.case_id == Case.id)
        .join(PanelMember, PanelMember.case_id == Case.id)
        .where(Case.state == CaseState.FACTUAL_ACCURACY, PanelReport.status == ReportStatus.SENT,
               PanelReport.factual_check_due_at <= now, PanelMember.role == PanelRole.CHAIR,
               PanelMember.status == MemberStatus.CLEARED)).all()
    queued = 0
    for case, report_id, due, chair_id in rows:
        queued += queue_message("comments_in", db.session.get(User, chair_id), case=case,
                                link=public_url("reviews.report_page", case_id=case.id),
                                dedup_key=f"comments-in:{report_id}:{due:%Y%m%d%H%M}") is not None
    return queued


def run_reminder_pass(now=None) -> str:
    """Queue every reminder due now over all open tasks, batch by batch, and the chairs' notices of closed factual
    windows; a one-line summary."""
    now = now or utcnow()
    tasks = open_tasks()
    queued = 0
    for start in range(0, len(tasks), BATCH):
        queued += queue_reminders(tasks[start:start + BATCH], now)
    queued += queue_comments_in(now)
    return f"Reminders: {len(tasks)} open task(s) with due dates, {queued} reminder(s) queued."
