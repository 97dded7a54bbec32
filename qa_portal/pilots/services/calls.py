"""Pilot calls: create and edit a draft call, and move it through its workflow."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.extensions import db
from qa_portal.pilots.models import Call, CallAction, CallStatus, OutcomeScheme, SelectionCriterion
from qa_portal.pilots.workflow import CALL_WORKFLOW
from qa_portal.standards.models import StandardVersion, VersionStatus


@dataclass
class CriterionData:
    name: str
    description: str
    weight: int


@dataclass
class CallData:
    title: str
    description: str
    eligibility: str
    standard_version_id: int
    outcome_scheme_id: int
    opens_at: datetime
    closes_at: datetime
    max_pilots: int
    criteria: list[CriterionData]


def _validated(data: CallData) -> tuple[StandardVersion, OutcomeScheme]:
    if not (data.title or "").strip():
        raise DomainError(_("Give the call a title."), field="title")
    version = db.session.get(StandardVersion, data.standard_version_id) if data.standard_version_id else None
    if version is None:
        raise DomainError(_("Choose the standard-set version the call applies."), field="standard_version_id")
    if version.status != VersionStatus.APPROVED:
        raise DomainError(
            _("A call can only be bound to an approved standard-set version; %(label)s is %(status)s.",
              label=version.label, status=version.status.value),
            field="standard_version_id",
        )
    scheme = db.session.get(OutcomeScheme, data.outcome_scheme_id) if data.outcome_scheme_id else None
    if scheme is None:
        raise DomainError(_("Choose the outcome scheme the call's decisions will use."), field="outcome_scheme_id")
    if data.closes_at <= data.opens_at:
        raise DomainError(_("The closing date-time must be after the opening date-time."), field="closes_at")
    if data.max_pilots is None or data.max_pilots < 1:
        raise DomainError(_("At least one pilot must be selectable."), field="max_pilots")
    names = [criterion.name.strip().lower() for criterion in data.criteria]
    if len(set(names)) != len(names):
        raise DomainError(_("Two selection criteria have the same name."), field="criteria")
    for criterion in data.criteria:
        if not criterion.name.strip():
            raise DomainError(_("Every selection criterion needs a name."), field="criteria")
        if criterion.weight is None or not 1 <= criterion.weight <= 100:
            raise DomainError(_("A criterion's weight must be a whole number from 1 to 100."), field="criteria")
    return version, scheme


def _apply(call: Call, data: CallData) -> None:
    call.title = data.title.strip()
    call.description = (data.description or "").strip()
    call.eligibility = (data.eligibility or "").strip()
    call.standard_version_id = data.standard_version_id
    call.outcome_scheme_id = data.outcome_scheme_id
    call.opens_at, call.closes_at = data.opens_at, data.closes_at
    call.max_pilots = data.max_pilots
    call.criteria.clear()
    db.session.flush()
    for position, criterion in enumerate(data.criteria):
        call.criteria.append(SelectionCriterion(
            position=position, name=criterion.name.strip(), description=(criterion.description or "").strip(),
            weight=criterion.weight,
        ))


def _summary(call: Call) -> dict:
    return {"title": call.title, "standard_version_id": call.standard_version_id,
            "outcome_scheme_id": call.outcome_scheme_id, "opens_at": call.opens_at, "closes_at": call.closes_at,
            "max_pilots": call.max_pilots,
            "criteria": [{"name": c.name, "weight": c.weight} for c in call.criteria]}


def create_call(actor, data: CallData) -> Call:
    """Create a draft call bound to an approved standard-set version and an outcome scheme."""
    _validated(data)
    call = Call(status=CallStatus.DRAFT, created_by_id=getattr(actor, "id", None))
    db.session.add(call)
    _apply(call, data)
    db.session.flush()
    record(actor, "call.create", call, f"Created call {call.title}", _summary(call))
    return call


def update_call(actor, call: Call, data: CallData) -> Call:
    """Edit a call while it is a draft; once open its terms are fixed."""
    if call.status != CallStatus.DRAFT:
        raise DomainError(_("Only a draft call can be edited; this call is %(status)s.",
                            status=call.status.value.replace("_", " ")))
    _validated(data)
    before = _summary(call)
    _apply(call, data)
    db.session.flush()
    record(actor, "call.update", call, f"Updated call {call.title}", {"before": before, "after": _summary(call)})
    return call


def change_call_status(actor, call: Call, action: CallAction) -> Call:
    """Open or close a call through its workflow (complete_selection goes through pilots.services.selection)."""
    if action == CallAction.COMPLETE_SELECTION:
        raise DomainError(_("Complete the selection from the selection page."))
    CALL_WORKFLOW.apply(call, action, actor)
    return call
