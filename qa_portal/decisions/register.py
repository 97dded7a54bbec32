"""The public register: published decisions only, searchable by institution, outcome, validity on a date and call;
each decision's page at a permanent URL with its history (the decision it replaced and the one replacing it)."""
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager

from qa_portal.extensions import db
from qa_portal.pilots.models import Application, Institution, Outcome, OutcomeKind
from qa_portal.reviews.models import Case
from qa_portal.decisions.models import Decision

__all__ = ["REGISTER_FILTERS", "register_query", "published_decision", "later_decision", "appeal_deadline"]

REGISTER_FILTERS = ("institution", "outcome", "valid_on", "call")


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def register_query(filters: dict):
    """Published decisions matching the filters, newest first, case, institution and outcome loaded in the query."""
    query = (select(Decision).join(Decision.case).join(Case.institution).join(Decision.outcome)
             .options(contains_eager(Decision.case).contains_eager(Case.institution),
                      contains_eager(Decision.outcome))
             .where(Decision.published_at.is_not(None))
             .order_by(Decision.published_at.desc(), Decision.id.desc()))
    if filters.get("institution", "").isdigit():
        query = query.where(Institution.id == int(filters["institution"]))
    if filters.get("outcome") in {kind.value for kind in OutcomeKind}:
        query = query.where(Outcome.kind == filters["outcome"])
    valid_on = _date(filters.get("valid_on", ""))
    if valid_on is not None:
        query = query.where(and_(Decision.valid_from <= valid_on, Decision.valid_to >= valid_on))
    if filters.get("call", "").isdigit():
        query = query.where(Case.application_id.in_(
            select(Application.id).where(Application.call_id == int(filters["call"]))))
    return query


def published_decision(decision_id: int) -> Decision | None:
    """The decision if it is published; None (a 404) otherwise."""
    decision = db.session.get(Decision, decision_id)
    return decision if decision is not None and decision.is_published else None


def later_decision(decision: Decision) -> Decision | None:
    """The published decision that replaced this one, if any."""
    return db.session.scalar(select(Decision).where(Decision.supersedes_id == decision.id,
                                                    Decision.published_at.is_not(None)))


def appeal_deadline(decision: Decision) -> date | None:
    """The last day to lodge an appeal: QA_APPEAL_WINDOW_DAYS after publication."""
    if decision.published_at is None:
        return None
    return decision.published_at.date() + timedelta(days=current_app.config["QA_APPEAL_WINDOW_DAYS"])
