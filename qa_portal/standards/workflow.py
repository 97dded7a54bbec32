"""The standard-set version's lifecycle: its transition table on the core engine (the only writer of its status).

draft ─open_consultation─► consultation ─approve─► approved ─(newer version approved)─► superseded
draft, consultation, approved ─withdraw (reason)─► withdrawn
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from qa_portal.core.models import utcnow
from qa_portal.core.workflow import Transition, TransitionRefused, Workflow
from qa_portal.extensions import db
from qa_portal.standards.models import ConsultationComment, StandardVersion, VersionAction, VersionStatus
from qa_portal.standards.permissions import (
    can_approve_standard_version, can_open_consultation, can_withdraw_standard_version,
)

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


def _require_content(version: StandardVersion, _data: dict) -> None:
    """A version needs standards, a criterion in each, and a compliance scale before it leaves the draft."""
    if not version.standards:
        raise TransitionRefused(_("Add at least one standard first."))
    empty = [standard.code for standard in version.standards if not standard.criteria]
    if empty:
        raise TransitionRefused(_("Every standard needs at least one criterion (missing: %(codes)s).",
                                  codes=", ".join(empty)))
    if not any(not level.not_applicable for level in version.levels):
        raise TransitionRefused(_("The compliance scale needs at least one level."))


def _require_decision_rule(version: StandardVersion, _data: dict) -> None:
    """The decision rule is written before approval (ESG 2.5: explicit, published criteria)."""
    if not version.decision_rule.strip():
        raise TransitionRefused(_("Write the decision rule before approving."))


def _require_answered_comments(version: StandardVersion, _data: dict) -> None:
    """Every consultation comment has the agency's answer before approval (ESG 2.2)."""
    unanswered = db.session.scalar(
        select(db.func.count(ConsultationComment.id)).where(
            ConsultationComment.version_id == version.id, ConsultationComment.response.is_(None))
    )
    if unanswered:
        raise TransitionRefused(_("Answer every consultation comment before approving (%(count)s unanswered).",
                                  count=unanswered))


def _stamp_consultation(version: StandardVersion, _actor, _data: dict) -> None:
    """Opening the consultation records when it opened."""
    version.consultation_opened_at = utcnow()


def _stamp_approval(version: StandardVersion, actor, _data: dict) -> None:
    """Approval records when and by whom, and supersedes every earlier approved version of the set."""
    version.approved_at = utcnow()
    version.approved_by_id = getattr(actor, "id", None)
    older = db.session.scalars(
        select(StandardVersion).where(
            StandardVersion.standard_set_id == version.standard_set_id,
            StandardVersion.status == VersionStatus.APPROVED,
            StandardVersion.number < version.number,
        )
    ).all()
    for previous in older:
        VERSION_WORKFLOW.apply(previous, VersionAction.SUPERSEDE, actor, system=True)


def _stamp_withdrawal(version: StandardVersion, _actor, data: dict) -> None:
    """Withdrawal keeps the reason and the date; the version stays readable, marked withdrawn."""
    version.withdrawn_at = utcnow()
    version.withdrawn_reason = data["reason"]


def _stamp_supersession(version: StandardVersion, _actor, _data: dict) -> None:
    """Supersession records when a newer version took over."""
    version.superseded_at = utcnow()


S = VersionStatus
VERSION_WORKFLOW = Workflow(
    name="standards.version", state_attr="status", states=VersionStatus, actions=VersionAction,
    state_labels=STATUS_LABELS, action_labels=ACTION_LABELS, describe=lambda version: version.label,
    object_label=_l("this version"), reason_field="reason",
    transitions={
        VersionAction.OPEN_CONSULTATION: Transition(
            {S.DRAFT}, S.CONSULTATION, can_open_consultation, guards=(_require_content,),
            effects=(_stamp_consultation,)),
        VersionAction.APPROVE: Transition(
            {S.CONSULTATION}, S.APPROVED, can_approve_standard_version,
            guards=(_require_content, _require_decision_rule, _require_answered_comments),
            effects=(_stamp_approval,),
            confirm=_l("The version becomes public and can no longer be changed; new review cases use it and the "
                       "previous approved version is superseded. Everyone reads it on the public standards page.")),
        VersionAction.WITHDRAW: Transition(
            {S.DRAFT, S.CONSULTATION, S.APPROVED}, S.WITHDRAWN, can_withdraw_standard_version,
            requires_reason=True, danger=True, effects=(_stamp_withdrawal,),
            confirm=_l("This version is withdrawn for good, with your reasons: its public page says so and no new "
                       "review case can use it.")),
        VersionAction.SUPERSEDE: Transition(  # the system's move when a newer version is approved
            {S.APPROVED}, S.SUPERSEDED, None, effects=(_stamp_supersession,)),
    },
)
del S
