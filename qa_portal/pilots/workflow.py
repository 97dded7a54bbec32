"""The pilot call's status machine: the only code that assigns `call.status`.

draft ─open─► open ─close─► closed ─complete_selection─► selection_done
"""
import enum
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import ApplicationStatus, Call, CallStatus, SelectionOutcome
from qa_portal.standards.models import VersionStatus


class CallAction(enum.StrEnum):
    OPEN = "open"
    CLOSE = "close"
    COMPLETE_SELECTION = "complete_selection"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[CallStatus]
    target: CallStatus
    stamp: str  # the *_at column set when the transition happens
    guard: Callable[[Call], str | None]  # returns the refusal message, or None when allowed


def _can_open(call: Call) -> str | None:
    if call.standard_version.status != VersionStatus.APPROVED:
        return _("The call's standard-set version %(label)s is no longer approved; bind the call to an approved "
                 "version before opening it.", label=call.standard_version.label)
    if not call.criteria:
        return _("Add at least one selection criterion before opening the call.")
    if call.closes_at <= utcnow():
        return _("The closing date has passed: move it to the future before opening the call.")
    return None


def _always(_call: Call) -> str | None:
    return None


def _can_complete_selection(call: Call) -> str | None:
    submitted = [a for a in call.applications if a.status == ApplicationStatus.SUBMITTED]
    undecided = [a for a in submitted if a.decision is None]
    if undecided:
        return _("Every submitted application needs a selection decision first (%(count)d without one).",
                 count=len(undecided))
    selected = [a for a in submitted if a.decision.outcome == SelectionOutcome.SELECTED]
    if len(selected) > call.max_pilots:
        return _("At most %(max)d applications may be selected; %(count)d are.", max=call.max_pilots,
                 count=len(selected))
    return None


TRANSITIONS: dict[CallAction, Transition] = {
    CallAction.OPEN: Transition(frozenset({CallStatus.DRAFT}), CallStatus.OPEN, "opened_at", _can_open),
    CallAction.CLOSE: Transition(frozenset({CallStatus.OPEN}), CallStatus.CLOSED, "closed_at", _always),
    CallAction.COMPLETE_SELECTION: Transition(
        frozenset({CallStatus.CLOSED}), CallStatus.SELECTION_DONE, "selection_completed_at", _can_complete_selection
    ),
}

ACTION_LABELS = {
    CallAction.OPEN: _l("Open the call"),
    CallAction.CLOSE: _l("Close the call"),
    CallAction.COMPLETE_SELECTION: _l("Complete selection"),
}


def refusal(call: Call, action: CallAction) -> str | None:
    """Why the action cannot happen to the call now (wrong status or failed guard), or None."""
    transition = TRANSITIONS[action]
    if call.status not in transition.sources:
        return _("A call that is %(status)s cannot be changed this way (%(action)s).",
                 status=call.status.value.replace("_", " "), action=action.value.replace("_", " "))
    return transition.guard(call)


def available_actions(call: Call) -> list[CallAction]:
    """The actions whose source status matches the call's status (guards are checked on use)."""
    return [action for action, transition in TRANSITIONS.items() if call.status in transition.sources]


def apply_call_action(call: Call, action: CallAction, actor) -> Call:
    """Move the call along the workflow, or raise DomainError (409) naming why it cannot."""
    message = refusal(call, action)
    if message:
        raise DomainError(message)
    transition = TRANSITIONS[action]
    before = call.status
    call.status = transition.target
    setattr(call, transition.stamp, utcnow())
    db.session.flush()
    record(actor, f"call.{action.value}", call, f"Call {call.id}: {before.value} → {call.status.value}",
           {"from": before.value, "to": call.status.value})
    return call
