"""My work for review cases: HEI users see their institution's open cases and SER deadlines; officers see the
cases they coordinate and every SER waiting for screening."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.core.dates import format_day
from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.home.services.work import MAX_ITEMS, PROVIDERS, WorkItem, more_item
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
        .order_by(Case.ser_due_at.is_(None), Case.ser_due_at, Case.id).limit(MAX_ITEMS + 1)).unique().all()
    items = [_item(case, _("Write and submit the self-evaluation.") if case.state == CaseState.SER_IN_PREPARATION
                   else str(STATE_LABELS[case.state])) for case in cases[:MAX_ITEMS]]
    return items + ([more_item(url_for("reviews.case_list"))] if len(cases) > MAX_ITEMS else [])


def officer_cases(user) -> list[WorkItem]:
    """Officers: every submitted SER waiting for screening, then the cases they coordinate (two queries, each
    stopping after MAX_ITEMS + 1 rows of an index)."""
    submitted = list(db.session.scalars(
        select(Case).where(Case.state == CaseState.SER_SUBMITTED).order_by(Case.id).limit(MAX_ITEMS + 1)).unique())
    coordinated = list(db.session.scalars(
        select(Case).where(Case.coordinator_id == user.id,
                           Case.state.not_in(FINISHED + (CaseState.SER_SUBMITTED,)))
        .order_by(Case.id).limit(MAX_ITEMS + 1)).unique())
    cases = submitted + coordinated
    items = [_item(case, _("Screen the submitted self-evaluation: accept it or return it with reasons.")
                   if case.state == CaseState.SER_SUBMITTED else str(STATE_LABELS[case.state]))
             for case in cases[:MAX_ITEMS]]
    return items + ([more_item(url_for("reviews.case_list"))] if len(cases) > MAX_ITEMS else [])


PROVIDERS[(Role.HEI, "cases")] = hei_cases
PROVIDERS[(Role.OFFICER, "cases")] = officer_cases
