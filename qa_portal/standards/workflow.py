"""The one writer of a standard-set version's status: a transition table, and apply_action() that uses it.

draft ─open_consultation─► consultation ─approve─► approved ─(newer version approved)─► superseded
draft, consultation, approved ─withdraw (reason)─► withdrawn
"""
import enum
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.standards.models import ConsultationComment, StandardVersion, VersionStatus
from qa_portal.standards.permissions import (
    can_approve_standard_version, can_open_consultation, can_withdraw_standard_version,
)


class VersionAction(enum.StrEnum):
    OPEN_CONSULTATION = "open_consultation"
    APPROVE = "approve"
    WITHDRAW = "withdraw"
    SUPERSEDE = "supersede"


ACTION_LABELS = {
    VersionAction.OPEN_CONSULTATION: _l("Open consultation"),
    VersionAction.APPROVE: _l("Approve"),
    VersionAction.WITHDRAW: _l("Withdraw"),
    VersionAction.SUPERSEDE: _l("Supersede"),
}

STATUS_LABELS = {
    VersionStatus.DRAFT: _l("Draft"),
    VersionStatus.CONSULTATION: _l("In consultation"),
    VersionStatus.APPROVED: _l("Approved"),
    VersionStatus.SUPERSEDED: _l("Superseded"),
    VersionStatus.WITHDRAWN: _l("Withdrawn"),
}


class TransitionRefused(DomainError):
    """The action is not allowed from the version's status, or its guard failed."""

    status_code = 409


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: VersionStatus
    # None: only the system applies it (supersede happens when a newer version is approved).
    permission: Callable | None


TRANSITIONS: dict[VersionAction, Transition] = {
    VersionAction.OPEN_CONSULTATION: Transition(
        frozenset({VersionStatus.DRAFT}), VersionStatus.CONSULTATION, can_open_consultation),
    VersionAction.APPROVE: Transition(
        frozenset({VersionStatus.CONSULTATION}), VersionStatus.APPROVED, can_approve_standard_version),
    VersionAction.WITHDRAW: Transition(
        frozenset({VersionStatus.DRAFT, VersionStatus.CONSULTATION, VersionStatus.APPROVED}),
        VersionStatus.WITHDRAWN, can_withdraw_standard_version),
    VersionAction.SUPERSEDE: Transition(
        frozenset({VersionStatus.APPROVED}), VersionStatus.SUPERSEDED, None),
}


def available_actions(user, version: StandardVersion) -> list[VersionAction]:
    """The actions this user may apply to the version now (the buttons on its page)."""
    return [action for action, transition in TRANSITIONS.items()
            if transition.permission is not None and version.status in transition.sources
            and transition.permission(user, version)]


def _require_content(version: StandardVersion) -> None:
    if not version.standards:
        raise TransitionRefused(_("Add at least one standard first."))
    empty = [standard.code for standard in version.standards if not standard.criteria]
    if empty:
        raise TransitionRefused(_("Every standard needs at least one criterion (missing: %(codes)s).",
                                  codes=", ".join(empty)))
    if not any(not level.not_applicable for level in version.levels):
        raise TransitionRefused(_("The compliance scale needs at least one level."))


def _guard_open_consultation(version: StandardVersion, _data: dict) -> None:
    _require_content(version)


def _guard_approve(version: StandardVersion, _data: dict) -> None:
    _require_content(version)
    if not version.decision_rule.strip():
        raise TransitionRefused(_("Write the decision rule before approving."))
    unanswered = db.session.scalar(
        select(db.func.count(ConsultationComment.id)).where(
            ConsultationComment.version_id == version.id, ConsultationComment.response.is_(None))
    )
    if unanswered:
        raise TransitionRefused(_("Answer every consultation comment before approving (%(count)s unanswered).",
                                  count=unanswered))


def _guard_withdraw(_version: StandardVersion, data: dict) -> None:
    if not (data.get("reason") or "").strip():
        raise TransitionRefused(_("Give the reason for withdrawing this version."), field="reason")


GUARDS = {
    VersionAction.OPEN_CONSULTATION: _guard_open_consultation,
    VersionAction.APPROVE: _guard_approve,
    VersionAction.WITHDRAW: _guard_withdraw,
}


def _effects(version: StandardVersion, action: VersionAction, actor, data: dict) -> None:
    now = utcnow()
    if action == VersionAction.OPEN_CONSULTATION:
        version.consultation_opened_at = now
    elif action == VersionAction.APPROVE:
        version.approved_at = now
        version.approved_by_id = getattr(actor, "id", None)
    elif action == VersionAction.WITHDRAW:
        version.withdrawn_at = now
        version.withdrawn_reason = data["reason"].strip()
    elif action == VersionAction.SUPERSEDE:
        version.superseded_at = now


def _transition(version: StandardVersion, action: VersionAction, actor, data: dict) -> StandardVersion:
    source = version.status
    target = TRANSITIONS[action].target
    _effects(version, action, actor, data)
    version.status = target
    db.session.flush()
    record(actor, f"standards.version.{action.value}", version,
           f"{version.label}: {source.value} → {target.value}",
           {"from": source.value, "to": target.value, **({"reason": data["reason"]} if data.get("reason") else {})})
    return version


def apply_action(version: StandardVersion, action: VersionAction | str, actor, **data) -> StandardVersion:
    """Move a version to its next status if the table allows it from here, the actor may, and the guard passes."""
    action = VersionAction(action)
    transition = TRANSITIONS[action]
    if transition.permission is None:
        raise TransitionRefused(_("This change happens automatically and cannot be requested."))
    if not transition.permission(actor, version):
        raise TransitionRefused(_("You are not allowed to do this."))
    if version.status not in transition.sources:
        raise TransitionRefused(_("A version that is %(status)s cannot be changed this way (%(action)s).",
                                  status=STATUS_LABELS[version.status], action=ACTION_LABELS[action]))
    GUARDS[action](version, data)
    _transition(version, action, actor, data)
    if action == VersionAction.APPROVE:
        _supersede_older(version, actor)
    return version


def _supersede_older(version: StandardVersion, actor) -> None:
    """Approving a version supersedes every earlier approved version of the same set."""
    older = db.session.scalars(
        select(StandardVersion).where(
            StandardVersion.standard_set_id == version.standard_set_id,
            StandardVersion.status == VersionStatus.APPROVED,
            StandardVersion.number < version.number,
        )
    ).all()
    for previous in older:
        _transition(previous, VersionAction.SUPERSEDE, actor, {})
