"""Open tasks with due dates, read from the domains in one query per kind: the institution's SER, each panel member's
scoring, the institution's factual-accuracy check, each condition of a published decision not yet reported on, and
the appeals body's decision on an open appeal. A task is open until it is done, so reminders stop by themselves; an
extension is a new due date."""
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from qa_portal.auth.models import Role, UserRole
from qa_portal.core.models import utcnow
from qa_portal.decisions.models import Appeal, AppealStatus, ConditionFollowUp, Decision, DecisionCondition
from qa_portal.extensions import db
from qa_portal.pilots.models import InstitutionMembership
from qa_portal.reviews.models import Case, CaseState, MemberStatus, PanelMember, PanelReport, ReportStatus

TASK_LABELS = {
    "ser": _l("the self-evaluation report"),
    "scoring": _l("your scores for the desk review"),
    "factual": _l("the factual-accuracy check of the draft report"),
    "condition": _l("the report on a condition of the decision"),
    "appeal": _l("the decision on an appeal"),
}
# Tasks with a window rather than a duty: after the due date there is nothing left to do (no overdue reminders).
WINDOW_KINDS = {"factual"}
ENDPOINTS = {
    "ser": ("reviews.ser_page", "case_id"),
    "scoring": ("reviews.scoring_page", "case_id"),
    "factual": ("reviews.report_page", "case_id"),
    "condition": ("decisions.follow_up_page", "case_id"),
    "appeal": ("decisions.appeal_page", "object_id"),
}


@dataclass
class Task:
    """An open task: what (kind), on which case, due when, whose (assignees), and who coordinates the case."""

    kind: str
    object_id: int
    case_id: int
    reference: str
    due_at: datetime
    coordinator_id: int | None
    institution_id: int | None = None
    assignee_ids: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Stable name of the task and its current due date (an extension makes a new key)."""
        return f"{self.kind}:{self.object_id}:{self.due_at:%Y%m%d%H%M}"

    @property
    def label(self):
        return TASK_LABELS[self.kind]

    @property
    def overdue(self) -> bool:
        return self.due_at < utcnow()

    def endpoint(self, viewer_id: int | None = None) -> tuple[str, dict]:
        """(endpoint, values) of the page where the task is done — or, for someone who watches it without doing it
        (the coordinator), the case page."""
        if viewer_id is not None and viewer_id not in self.assignee_ids:
            return "reviews.case_detail", {"case_id": self.case_id}
        endpoint, argument = ENDPOINTS[self.kind]
        if argument == "object_id":
            return endpoint, {"appeal_id": self.object_id}
        return endpoint, {"case_id": self.case_id}


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59))


_CASE_COLUMNS = (Case.id, Case.reference, Case.coordinator_id, Case.institution_id)


def _scope(query, user):
    """Restrict a query to the user's institutions' cases and the cases they coordinate (None: every task)."""
    if user is None:
        return query
    mine = select(InstitutionMembership.institution_id).where(InstitutionMembership.user_id == user.id)
    return query.where(or_(Case.institution_id.in_(mine), Case.coordinator_id == user.id))


def open_tasks(user=None, *, until: datetime | None = None) -> list[Task]:
    """Every open task with a due date (when a user is given: their own and those of the cases they coordinate; due
    before `until` when given), soonest first —
    one query per kind of task plus one for the assignees."""
    tasks: list[Task] = []
    due_filter = (lambda column: column <= until) if until is not None else (lambda column: column.is_not(None))

    rows = db.session.execute(_scope(select(*_CASE_COLUMNS, Case.ser_due_at).where(
        Case.state == CaseState.SER_IN_PREPARATION, Case.ser_due_at.is_not(None), due_filter(Case.ser_due_at)), user))
    tasks += [Task("ser", case_id, case_id, reference, due, coordinator_id, institution_id)
              for case_id, reference, coordinator_id, institution_id, due in rows]

    query = (select(*_CASE_COLUMNS, PanelMember.id, PanelMember.user_id, PanelMember.scoring_due_at)
             .join(PanelMember, PanelMember.case_id == Case.id)
             .where(Case.state == CaseState.DESK_REVIEW, PanelMember.status == MemberStatus.CLEARED,
                    PanelMember.scores_submitted_at.is_(None), PanelMember.scoring_due_at.is_not(None),
                    due_filter(PanelMember.scoring_due_at)))
    if user is not None:
        query = query.where(or_(PanelMember.user_id == user.id, Case.coordinator_id == user.id))
    tasks += [Task("scoring", member_id, case_id, reference, due, coordinator_id, institution_id, [member_user_id])
              for case_id, reference, coordinator_id, institution_id, member_id, member_user_id, due
              in db.session.execute(query)]

    rows = db.session.execute(_scope(
        select(*_CASE_COLUMNS, PanelReport.id, PanelReport.factual_check_due_at)
        .join(PanelReport, PanelReport.case_id == Case.id)
        .where(Case.state == CaseState.FACTUAL_ACCURACY, PanelReport.status == ReportStatus.SENT,
               PanelReport.factual_check_due_at.is_not(None), due_filter(PanelReport.factual_check_due_at)), user))
    tasks += [Task("factual", report_id, case_id, reference, due, coordinator_id, institution_id)
              for case_id, reference, coordinator_id, institution_id, report_id, due in rows]

    query = _scope(
        select(*_CASE_COLUMNS, DecisionCondition.id, DecisionCondition.due_on)
        .join(Decision, Decision.case_id == Case.id).join(DecisionCondition, DecisionCondition.decision_id == Decision.id)
        .outerjoin(ConditionFollowUp, ConditionFollowUp.condition_id == DecisionCondition.id)
        .where(Decision.published_at.is_not(None), ConditionFollowUp.id.is_(None),
               Case.state.in_((CaseState.PUBLISHED, CaseState.FOLLOW_UP))), user)
    if until is not None:
        query = query.where(DecisionCondition.due_on <= until.date())
    tasks += [Task("condition", condition_id, case_id, reference, _end_of(due), coordinator_id, institution_id)
              for case_id, reference, coordinator_id, institution_id, condition_id, due in db.session.execute(query)]

    query = (select(*_CASE_COLUMNS, Appeal.id, Appeal.decision_due_on).join(Appeal, Appeal.case_id == Case.id)
             .where(Appeal.status.in_((AppealStatus.LODGED, AppealStatus.ADMISSIBLE))))
    if user is not None and not user.has_role(Role.APPEALS):
        query = query.where(Case.coordinator_id == user.id)
    if until is not None:
        query = query.where(Appeal.decision_due_on <= until.date())
    tasks += [Task("appeal", appeal_id, case_id, reference, _end_of(due), coordinator_id, institution_id)
              for case_id, reference, coordinator_id, institution_id, appeal_id, due in db.session.execute(query)]

    _fill_assignees(tasks, user)
    return sorted(tasks, key=lambda task: (task.due_at, task.reference, task.kind))


def _fill_assignees(tasks: list[Task], user) -> None:
    """The institution's users for its tasks, the appeals body for appeals (two queries in all)."""
    institution_ids = {task.institution_id for task in tasks if task.kind in ("ser", "factual", "condition")}
    members: dict[int, list[int]] = {}
    if institution_ids:
        for institution_id, user_id in db.session.execute(
                select(InstitutionMembership.institution_id, InstitutionMembership.user_id)
                .where(InstitutionMembership.institution_id.in_(institution_ids))
                .order_by(InstitutionMembership.user_id)):
            members.setdefault(institution_id, []).append(user_id)
    appeals_body = []
    if any(task.kind == "appeal" for task in tasks):
        appeals_body = list(db.session.scalars(select(UserRole.user_id).where(UserRole.role == Role.APPEALS)))
    for task in tasks:
        if task.kind in ("ser", "factual", "condition"):
            task.assignee_ids = members.get(task.institution_id, [])
        elif task.kind == "appeal":
            task.assignee_ids = appeals_body
        if user is not None and task.kind != "scoring":
            task.assignee_ids = [user.id] if user.id in task.assignee_ids else task.assignee_ids
