"""What a published decision means today, and so what the public is told about the micro-credentials it covers:
one SQL expression per question, computed in the query that lists them (never stored, so never stale).

A decision's standing: superseded (a later published decision replaced it), under appeal (an appeal is pending or
was returned for reconsideration and no new decision is published yet), not quality-assured (negative), expired
(its validity ended) or quality-assured (positive or conditional, in force). A micro-credential takes the standing of
the latest published decision on a case that reviewed one of its versions; with none, its stored review stage."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, case, exists, literal_column, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from qa_portal.core.models import utcnow
from qa_portal.decisions.models import Appeal, AppealStatus, Decision
from qa_portal.extensions import db
from qa_portal.pilots.models import Outcome, OutcomeKind, PublicQaStatus, SpecificationVersion
from qa_portal.reviews.models import CaseSpecification

__all__ = ["SUPERSEDED", "PENDING_APPEAL_STATUSES", "decision_standing", "decided_credential_status",
           "StatusChange", "status_history", "standing_of"]

SUPERSEDED = "superseded"  # a decision's standing only; a micro-credential takes its replacement's
# An appeal returned for reconsideration keeps the decision under appeal until the council's new one is published.
PENDING_APPEAL_STATUSES = (AppealStatus.LODGED, AppealStatus.ADMISSIBLE, AppealStatus.RETURNED)


def _constant(value: str):
    """Our own status word as an SQL string literal (typed without a parameter, so JSON builders accept it)."""
    return literal_column(f"'{value}'", String)


def decision_standing(decision=Decision, today: date | None = None) -> ColumnElement:
    """SQL: the standing of the decision row `decision` (the Decision entity or an alias of it) on `today`."""
    today = today or utcnow().date()
    later, appeal, outcome = aliased(Decision), aliased(Appeal), aliased(Outcome)
    replaced = exists().where(later.supersedes_id == decision.id, later.published_at.is_not(None)
                              ).correlate_except(later)
    appealed = exists().where(appeal.decision_id == decision.id, appeal.status.in_(PENDING_APPEAL_STATUSES)
                              ).correlate_except(appeal)
    negative = exists().where(outcome.id == decision.outcome_id, outcome.kind == OutcomeKind.NEGATIVE
                              ).correlate_except(outcome)
    return case((replaced, _constant(SUPERSEDED)), (appealed, _constant(PublicQaStatus.UNDER_APPEAL)),
                (negative, _constant(PublicQaStatus.NOT_QUALITY_ASSURED)),
                (decision.valid_to < today, _constant(PublicQaStatus.EXPIRED)),
                else_=_constant(PublicQaStatus.QUALITY_ASSURED))


def decided_credential_status(credential_id: ColumnElement, today: date) -> ColumnElement:
    """SQL (correlated scalar subquery): the standing of the latest published decision on a case that reviewed a
    version of the micro-credential `credential_id`; NULL when none is published. Registered with pilots."""
    decision = aliased(Decision)
    return (select(decision_standing(decision, today))
            .select_from(decision)
            .join(CaseSpecification, CaseSpecification.case_id == decision.case_id)
            .join(SpecificationVersion, SpecificationVersion.id == CaseSpecification.specification_version_id)
            .where(SpecificationVersion.micro_credential_id == credential_id, decision.published_at.is_not(None))
            .order_by(decision.published_at.desc(), decision.id.desc())
            .limit(1).correlate_except(decision, CaseSpecification, SpecificationVersion).scalar_subquery())


def standing_of(decision: Decision, today: date | None = None) -> str:
    """One decision's standing (a query; lists select decision_standing() with their rows instead)."""
    return db.session.scalar(select(decision_standing(Decision, today)).where(Decision.id == decision.id))


@dataclass(frozen=True)
class StatusChange:
    """From `on`, the micro-credential's public status was `status`, because of decision `decision_id`."""

    on: date
    status: str
    decision_id: int


def _kind_status(kind: OutcomeKind) -> str:
    return (PublicQaStatus.NOT_QUALITY_ASSURED if kind == OutcomeKind.NEGATIVE
            else PublicQaStatus.QUALITY_ASSURED).value


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.date()


def status_history(credential_id: int, today: date | None = None) -> list[StatusChange]:
    """The micro-credential's public statuses over time, oldest first (two queries): each published decision's
    outcome from its publication, an appeal from its lodging to its end, expiry the day after the validity ends."""
    today = today or utcnow().date()
    decisions = db.session.execute(
        select(Decision.id, Decision.published_at, Decision.valid_to, Outcome.kind)
        .join(Outcome, Outcome.id == Decision.outcome_id)
        .join(CaseSpecification, CaseSpecification.case_id == Decision.case_id)
        .join(SpecificationVersion, SpecificationVersion.id == CaseSpecification.specification_version_id)
        .where(SpecificationVersion.micro_credential_id == credential_id, Decision.published_at.is_not(None))
        .distinct().order_by(Decision.published_at, Decision.id)).all()
    appeals = {appeal.decision_id: appeal for appeal in db.session.scalars(
        select(Appeal).where(Appeal.decision_id.in_([row.id for row in decisions])))}
    events: list[StatusChange] = []
    for index, row in enumerate(decisions):
        ends = _day(decisions[index + 1].published_at) if index + 1 < len(decisions) else None
        own = _kind_status(row.kind)
        events.append(StatusChange(row.published_at.date(), own, row.id))
        appeal = appeals.get(row.id)
        if appeal is not None:
            events.append(StatusChange(appeal.lodged_at.date(), PublicQaStatus.UNDER_APPEAL.value, row.id))
            closed = appeal.decided_at if appeal.status == AppealStatus.UPHELD else (
                appeal.admissibility_at if appeal.status == AppealStatus.INADMISSIBLE else None)
            if closed is not None:
                events.append(StatusChange(closed.date(), own, row.id))
        if row.valid_to is not None and own != PublicQaStatus.NOT_QUALITY_ASSURED:
            expiry = row.valid_to + timedelta(days=1)
            if expiry <= today and (ends is None or expiry < ends):
                events.append(StatusChange(expiry, PublicQaStatus.EXPIRED.value, row.id))
        if ends is not None:
            events = [event for event in events if event.decision_id != row.id or event.on <= ends]
    history: list[StatusChange] = []
    for event in sorted(events, key=lambda item: item.on):  # stable: a day's events keep the decisions' order
        if not history or history[-1].status != event.status:
            history.append(event)
    return history
