"""My work for review cases: HEI users see their institution's open cases and SER deadlines; officers see the
cases they coordinate and every SER waiting for screening."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from qa_portal.core.dates import format_day
from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.home.services.work import PROVIDERS, WorkItem
from qa_portal.pilots.permissions import member_institution_ids
from qa_portal.reviews.models import Case, CaseState
from qa_portal.reviews.workflow import STATE_LABELS

FINISHED = (CaseState.CLOSED, CaseState.WITHDRAWN)


def _item(case: Case, detail: str) -> WorkItem:
    due = ""
    if case.state == CaseState.SER_IN_PREPARATION and case.ser_due_at is not None:
        due = format_day(case.ser_due_at)
    return WorkItem(title=f"{case.reference} · {case.institution.short_name}",
                    url=url_for("reviews.case_detail", case_id=case.id), detail=detail, due=due,
                    overdue=case.ser_overdue)


def hei_cases(user) -> list[WorkItem]:
    """HEI users: their institution's cases that are not finished, with the SER deadline while it is open."""
    institution_ids = member_institution_ids(user)
    if not institution_ids:
        return []
    cases = db.session.scalars(
        select(Case).where(Case.institution_id.in_(institution_ids), Case.state.not_in(FINISHED))
        .order_by(Case.ser_due_at.is_(None), Case.ser_due_at, Case.id)
    ).unique().all()
    return [_item(case, _("Write and submit the self-evaluation.") if case.state == CaseState.SER_IN_PREPARATION
                  else str(STATE_LABELS[case.state])) for case in cases]


def officer_cases(user) -> list[WorkItem]:
    """Officers: the cases they coordinate, and every submitted SER waiting for screening."""
    cases = db.session.scalars(
        select(Case).where(Case.state.not_in(FINISHED),
                           or_(Case.coordinator_id == user.id, Case.state == CaseState.SER_SUBMITTED))
        .order_by(Case.state != CaseState.SER_SUBMITTED, Case.id)
    ).unique().all()
    return [_item(case, _("Screen the submitted self-evaluation: accept it or return it with reasons.")
                  if case.state == CaseState.SER_SUBMITTED else str(STATE_LABELS[case.state])) for case in cases]


PROVIDERS[(Role.HEI, "cases")] = hei_cases
PROVIDERS[(Role.OFFICER, "cases")] = officer_cases
