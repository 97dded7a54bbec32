"""The council's work on a case: declarations of interest (and recusal), then recording the decision, which
moves the case `decision_pending → decided` through the workflow. A recorded decision is never edited."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import ActionForbidden
from qa_portal.decisions.models import CouncilDeclaration, Decision, DecisionCondition
from qa_portal.decisions.permissions import can_record_decision
from qa_portal.decisions.services.rules import DecisionInput, decision_problems, latest_decision
from qa_portal.extensions import db
from qa_portal.reviews.models import Case, CaseAction, CaseState
from qa_portal.reviews.workflow import CASE_WORKFLOW
from qa_portal.standards.models import Criterion

__all__ = ["DecisionRefused", "DecisionImmutable", "IMMUTABLE_MESSAGE", "declaration_of", "declare_interests",
           "record_decision"]

IMMUTABLE_MESSAGE = _l("A recorded decision cannot be changed; a change is a new decision linked to the old one.")


class DecisionRefused(DomainError):
    """The decision breaks one or more rules; `problems` lists each as (form field, message) (HTTP 409)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(message for _field, message in problems), field=problems[0][0] or None)
        self.problems = problems


class DecisionImmutable(DomainError):
    """Something tried to edit or delete a recorded decision (HTTP 409)."""


def declaration_of(case: Case, user) -> CouncilDeclaration | None:
    """The council member's declaration for this case, if made."""
    return db.session.scalar(select(CouncilDeclaration).where(CouncilDeclaration.case_id == case.id,
                                                              CouncilDeclaration.user_id == user.id))


def declare_interests(actor, case: Case, has_conflict: bool, recuse: bool, details: str) -> CouncilDeclaration:
    """Record (or restate, before the decision) a council member's interests; a conflict recuses them."""
    if case.state != CaseState.DECISION_PENDING:
        raise DomainError(_("Declarations are made while the case awaits its decision."))
    details = (details or "").strip()
    recused = bool(has_conflict or recuse)
    if recused and not details:
        raise DomainError(_("Describe the conflict or the reason for stepping aside."), field="details")
    declaration = declaration_of(case, actor) or CouncilDeclaration(case_id=case.id, user_id=actor.id)
    declaration.has_conflict, declaration.recused, declaration.details = bool(has_conflict), recused, details
    declaration.declared_at = utcnow()
    db.session.add(declaration)
    db.session.flush()
    record(actor, "decision.declare", case, f"{case.reference}: council declaration"
           + (" (recused)" if recused else " (no conflict)"), {"has_conflict": bool(has_conflict), "recused": recused})
    return declaration


def record_decision(actor, case: Case, data: DecisionInput) -> Decision:
    """Check every rule, store the decision (linked to the case's previous one, if any) and move the case to
    `decided` through the workflow; refused with every broken rule, or as immutable if one is already recorded."""
    if case.state != CaseState.DECISION_PENDING and latest_decision(case) is not None:
        raise DecisionImmutable(str(IMMUTABLE_MESSAGE))
    if not can_record_decision(actor, case):
        raise ActionForbidden(_("Only council members record decisions."))
    problems = decision_problems(case, actor, data)
    if problems:
        raise DecisionRefused(problems)
    previous = latest_decision(case)
    decision = Decision(
        case_id=case.id, outcome_id=data.outcome_id, valid_from=data.valid_from, valid_to=data.valid_to,
        reasons=data.reasons.strip(), meeting_date=data.meeting_date, hei_heard=bool(data.hei_heard),
        departure_reason=(data.departure_reason or "").strip(),
        decided_by_id=actor.id, decided_at=utcnow(), supersedes_id=previous.id if previous else None,
        criteria=list(db.session.scalars(select(Criterion).where(Criterion.id.in_(data.criterion_ids)))),
        conditions=[DecisionCondition(position=number, text=text.strip(), due_on=due_on)
                    for number, (text, due_on) in enumerate(data.conditions)],
    )
    db.session.add(decision)
    db.session.flush()
    CASE_WORKFLOW.apply(case, CaseAction.DECIDE, actor)
    record(actor, "decision.record", decision, f"{case.reference}: decision {decision.outcome.code}",
           {"outcome": decision.outcome.code, "valid_from": str(decision.valid_from or ""),
            "valid_to": str(decision.valid_to or ""), "conditions": len(decision.conditions),
            "criteria": [criterion.code for criterion in decision.criteria], "supersedes": decision.supersedes_id})
    return decision


# --- immutability: only publication may touch a recorded decision, once -------------------------------------

_PUBLICATION_FIELDS = {"published_at", "published_by_id", "published_by"}


def _publication_only(decision: Decision) -> bool:
    """True when the only change is the first stamping of the publication fields."""
    state = inspect(decision)
    for attribute in state.attrs:
        history = attribute.history
        if not history.has_changes():
            continue
        if attribute.key not in _PUBLICATION_FIELDS or any(value is not None for value in history.deleted):
            return False
    return True


@event.listens_for(Session, "before_flush")
def _refuse_decision_edits(session, _context, _instances) -> None:
    """Refuse (409) any change to a stored decision or its conditions other than its publication stamp."""
    for instance in session.dirty:
        if isinstance(instance, Decision) and session.is_modified(instance) and not _publication_only(instance):
            raise DecisionImmutable(str(IMMUTABLE_MESSAGE))
        if isinstance(instance, DecisionCondition) and session.is_modified(instance):
            raise DecisionImmutable(str(IMMUTABLE_MESSAGE))
    for instance in session.deleted:
        if isinstance(instance, (Decision, DecisionCondition)):
            raise DecisionImmutable(str(IMMUTABLE_MESSAGE))
