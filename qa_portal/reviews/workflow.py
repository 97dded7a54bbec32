"""The lifecycles reviews owns, on the core engine (core/workflow.py), each machine the only writer of its status:
the review case (CASE_WORKFLOW, Case.state, with CaseEvent as its timeline), the panel report (REPORT_WORKFLOW), a
panel member's clearance (MEMBER_WORKFLOW) and the institution's objection to a member (OBJECTION_WORKFLOW); those
three keep their moves in core's generic StateChange timeline.

The case:

ser_in_preparation ─submit_ser─► ser_submitted ─accept_ser─► panel_formation ─start_review─► desk_review
ser_submitted ─return_ser (reasons)─► ser_in_preparation
desk_review ─start_site_visit─► site_visit ─close_site_visit─► report_drafting   (or skip_site_visit, justified)
report_drafting ─send_for_factual_check─► factual_accuracy ─finalise_report─► decision_pending
any state before decided ─withdraw (reason)─► withdrawn

This table holds the rows reviews owns: where each action may start, where it leads and who may take it. The rules
a stage checks on a move (guards) and what the move sets off (effects) are registered by the stage's own service
module, which imports this one (so nothing here imports a service): services/self_evaluation.py (submit, return
and accept the SER), services/panel.py (start_review), services/scoring.py (leaving the desk review),
services/site_visit.py (skip and close the visit), services/report.py (drafting, sending, finalising).

The decisions stage defines its own rows from decisions/subscribers.py at app start — decide, publish,
start_follow_up, require_redecision, close_case, lodge_appeal, uphold_decision, return_for_reconsideration,
dismiss_appeal — over the states decided, published, follow_up, closed, appeal_lodged and appeal_decided, which
CaseState holds so the column's CHECK constraint knows every state of SPEC §2.3.

The panel report: draft ─send─► sent ─finalise─► final, each set off by the case's own move (send_for_factual_check,
finalise_report) once services/report.py froze the version; never requested on its own (no permission: system).

A panel member: proposed ─declare_clear─► cleared (declared none, nothing detected); proposed, conflicted ─declare─►
conflicted; conflicted ─mitigate_conflict (reason)─► cleared; conflicted ─uphold_conflict (reason)─► removed;
proposed, conflicted, cleared ─remove (reason)─► removed. An objection: pending ─uphold (reason)─► upheld (the member
is removed) or ─reject (reason)─► rejected. Every panel move happens only while the case is in panel formation.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from qa_portal.core.models import utcnow
from qa_portal.core.workflow import Transition, TransitionRefused, Workflow
from qa_portal.extensions import db
from qa_portal.reviews.models import (
    CaseAction, CaseEvent, CaseState, MemberAction, MemberStatus, ObjectionAction, ObjectionRuling, ReportAction,
    ReportStatus,
)
from qa_portal.reviews.permissions import (
    can_coordinate_case, can_lead_panel_stage, can_rule_on_member, can_rule_on_objection,
    can_screen_ser, can_sign_declaration, can_submit_ser, can_withdraw_case,
)

__all__ = ["CASE_WORKFLOW", "STATE_LABELS", "WAITING_LABELS", "ACTION_LABELS", "LIFECYCLE", "BEFORE_DECISION", "lifecycle_progress",
           "REPORT_WORKFLOW", "REPORT_STATUS_LABELS", "MEMBER_WORKFLOW", "MEMBER_STATUS_LABELS", "OBJECTION_WORKFLOW",
           "OBJECTION_RULING_LABELS"]

STATE_LABELS = {
    CaseState.SER_IN_PREPARATION: _l("Self-evaluation in preparation"),
    CaseState.SER_SUBMITTED: _l("Self-evaluation submitted"),
    CaseState.PANEL_FORMATION: _l("Panel formation"),
    CaseState.DESK_REVIEW: _l("Desk review"),
    CaseState.SITE_VISIT: _l("Site visit"),
    CaseState.REPORT_DRAFTING: _l("Report drafting"),
    CaseState.FACTUAL_ACCURACY: _l("Factual-accuracy check"),
    CaseState.DECISION_PENDING: _l("Decision pending"),
    CaseState.DECIDED: _l("Decided"),
    CaseState.PUBLISHED: _l("Published"),
    CaseState.FOLLOW_UP: _l("Follow-up"),
    CaseState.CLOSED: _l("Closed"),
    CaseState.APPEAL_LODGED: _l("Appeal lodged"),
    CaseState.APPEAL_DECIDED: _l("Appeal decided"),
    CaseState.WITHDRAWN: _l("Withdrawn"),
}

# Who acts next in each state, for a viewer who has nothing to do on the case now ("Next steps").
WAITING_LABELS = {
    CaseState.SER_IN_PREPARATION: _l("Waiting for the institution to submit its self-evaluation."),
    CaseState.SER_SUBMITTED: _l("Waiting for the agency to screen the submitted self-evaluation."),
    CaseState.PANEL_FORMATION: _l("Waiting for the agency to form the review panel."),
    CaseState.DESK_REVIEW: _l("Waiting for the panel's desk review."),
    CaseState.SITE_VISIT: _l("Waiting for the panel's site visit to end."),
    CaseState.REPORT_DRAFTING: _l("Waiting for the panel to draft its report."),
    CaseState.FACTUAL_ACCURACY: _l("Waiting for the factual-accuracy check and the panel chair's final report."),
    CaseState.DECISION_PENDING: _l("Waiting for the council's decision."),
    CaseState.DECIDED: _l("Waiting for the agency to publish the decision."),
    CaseState.PUBLISHED: _l("The decision is published; nothing is waiting on you."),
    CaseState.FOLLOW_UP: _l("Waiting for the follow-up of the decision's conditions."),
    CaseState.CLOSED: _l("The case is closed."),
    CaseState.APPEAL_LODGED: _l("Waiting for the appeals body's decision on the appeal."),
    CaseState.APPEAL_DECIDED: _l("The appeal was decided; waiting for the agency's next step."),
    CaseState.WITHDRAWN: _l("The case was withdrawn."),
}

# Every action's label, the later stages' too: the timeline names each move it shows.
ACTION_LABELS = {
    CaseAction.SUBMIT_SER: _l("Submit the self-evaluation"),
    CaseAction.RETURN_SER: _l("Return the self-evaluation"),
    CaseAction.ACCEPT_SER: _l("Accept the self-evaluation"),
    CaseAction.START_REVIEW: _l("Start the desk review"),
    CaseAction.START_SITE_VISIT: _l("Start the site visit"),
    CaseAction.SKIP_SITE_VISIT: _l("Skip the site visit"),
    CaseAction.CLOSE_SITE_VISIT: _l("Close the site visit"),
    CaseAction.SEND_FOR_FACTUAL_CHECK: _l("Send for the factual-accuracy check"),
    CaseAction.FINALISE_REPORT: _l("Finalise the panel report"),
    CaseAction.DECIDE: _l("Record the decision"),
    CaseAction.PUBLISH: _l("Publish"),
    CaseAction.START_FOLLOW_UP: _l("Start the follow-up"),
    CaseAction.REQUIRE_REDECISION: _l("Send back for a new decision"),
    CaseAction.CLOSE_CASE: _l("Close the case"),
    CaseAction.LODGE_APPEAL: _l("Lodge an appeal"),
    CaseAction.UPHOLD_DECISION: _l("Uphold the decision"),
    CaseAction.RETURN_FOR_RECONSIDERATION: _l("Return for reconsideration"),
    CaseAction.DISMISS_APPEAL: _l("Dismiss the inadmissible appeal"),
    CaseAction.WITHDRAW: _l("Withdraw the case"),
}

# The main line of the lifecycle, for the progress bar (side states map onto it in lifecycle_progress).
LIFECYCLE = [
    CaseState.SER_IN_PREPARATION, CaseState.SER_SUBMITTED, CaseState.PANEL_FORMATION, CaseState.DESK_REVIEW,
    CaseState.SITE_VISIT, CaseState.REPORT_DRAFTING, CaseState.FACTUAL_ACCURACY, CaseState.DECISION_PENDING,
    CaseState.DECIDED, CaseState.PUBLISHED, CaseState.FOLLOW_UP, CaseState.CLOSED,
]
_SIDE_STATES = {CaseState.APPEAL_LODGED: CaseState.PUBLISHED, CaseState.APPEAL_DECIDED: CaseState.PUBLISHED}

# A case may be withdrawn until the council has decided.
BEFORE_DECISION = frozenset(LIFECYCLE[:LIFECYCLE.index(CaseState.DECIDED)])


def lifecycle_progress(state) -> tuple[int, int]:
    """(step, total) of the state on the lifecycle's main line, for the progress bar; withdrawn is 0."""
    state = CaseState(state)
    state = _SIDE_STATES.get(state, state)
    if state not in LIFECYCLE:
        return 0, len(LIFECYCLE)
    return LIFECYCLE.index(state) + 1, len(LIFECYCLE)


def _case_event(case, action, source, target, actor, comment: str) -> CaseEvent:
    """The case's own timeline row for a move (who, from which state to which, when and why)."""
    event = CaseEvent(case=case, from_state=source, to_state=target, action=action,
                      actor_id=getattr(actor, "id", None), at=utcnow(), comment=comment)
    db.session.add(event)
    return event


S = CaseState
CASE_WORKFLOW = Workflow(
    name="case", state_attr="state", states=CaseState, actions=CaseAction, state_labels=STATE_LABELS,
    action_labels=ACTION_LABELS, describe=lambda case: case.reference, object_label=_l("this case"),
    timeline=_case_event,
    transitions={
        CaseAction.SUBMIT_SER: Transition(
            {S.SER_IN_PREPARATION}, S.SER_SUBMITTED, can_submit_ser,
            confirm=_l("Your self-evaluation and its evidence go to the agency as they are now and can no longer be "
                       "changed, unless the agency returns them. The case's officer is told and screens your "
                       "submission."),
            done=_l("Your self-evaluation was submitted to the agency.")),
        CaseAction.ACCEPT_SER: Transition({S.SER_SUBMITTED}, S.PANEL_FORMATION, can_screen_ser,
                                          done=_l("The self-evaluation was accepted; the panel can now be formed.")),
        CaseAction.RETURN_SER: Transition(
            {S.SER_SUBMITTED}, S.SER_IN_PREPARATION, can_screen_ser, requires_reason=True, danger=True,
            confirm=_l("The submitted copy stays on record and the self-evaluation goes back to the institution, "
                       "which is told your reasons and must submit again."),
            done=_l("The self-evaluation was returned to the institution with your reasons.")),
        CaseAction.START_REVIEW: Transition({S.PANEL_FORMATION}, S.DESK_REVIEW, can_coordinate_case,
                                            done=_l("The desk review has started: the panel members can now score.")),
        CaseAction.START_SITE_VISIT: Transition({S.DESK_REVIEW}, S.SITE_VISIT, can_lead_panel_stage,
                                                done=_l("The site visit has started.")),
        CaseAction.SKIP_SITE_VISIT: Transition({S.DESK_REVIEW}, S.REPORT_DRAFTING, can_coordinate_case,
                                               requires_reason=True,  # the officer's approval of the justification
                                               done=_l("The site visit was skipped; the panel can draft its report.")),
        CaseAction.CLOSE_SITE_VISIT: Transition({S.SITE_VISIT}, S.REPORT_DRAFTING, can_lead_panel_stage,
                                                done=_l("The site visit was closed; the panel can draft its report.")),
        CaseAction.SEND_FOR_FACTUAL_CHECK: Transition(
            {S.REPORT_DRAFTING}, S.FACTUAL_ACCURACY, can_lead_panel_stage,
            confirm=_l("This version of the panel report is frozen and sent to the institution, which is told and may "
                       "point out factual errors until the check's due date. The panel can no longer edit the draft "
                       "freely."),
            done=_l("The panel report was sent to the institution for the factual-accuracy check.")),
        CaseAction.FINALISE_REPORT: Transition(
            {S.FACTUAL_ACCURACY}, S.DECISION_PENDING, can_lead_panel_stage,
            confirm=_l("The panel report becomes final: its final version is frozen with a fingerprint and can no "
                       "longer change. The agency is told that the case awaits the council's decision."),
            done=_l("The panel report is final; the case now awaits the council's decision.")),
        CaseAction.WITHDRAW: Transition(
            BEFORE_DECISION, S.WITHDRAWN, can_withdraw_case, requires_reason=True, danger=True,
            confirm=_l("The review ends here and the case cannot be reopened. The institution, the panel and the "
                       "agency see it as withdrawn, with your reasons."),
            done=_l("The case was withdrawn.")),
    },
)
del S


# --- the panel report --------------------------------------------------------------------------------------------

REPORT_STATUS_LABELS = {ReportStatus.DRAFT: _l("Draft"), ReportStatus.SENT: _l("Sent for the factual-accuracy check"),
                        ReportStatus.FINAL: _l("Final")}


def _require_frozen_final_version(report, data: dict) -> None:
    """A report is finalised with the final version just frozen from it (its SHA-256 becomes the report's)."""
    version = data.get("version")
    if version is None or not version.is_final or version.report_id != report.id:
        raise TransitionRefused(_("The report is finalised with its frozen final version."))


def _open_factual_window(report, _actor, data: dict) -> None:
    """Sending opens the institution's factual-accuracy window until the due date given."""
    report.factual_check_due_at = data["due_at"]


def _stamp_final(report, actor, data: dict) -> None:
    """Finalising records when, by whom, and the SHA-256 of the final frozen version."""
    report.finalised_at = utcnow()
    report.finalised_by_id = getattr(actor, "id", None)
    report.final_sha256 = data["version"].sha256


REPORT_WORKFLOW = Workflow(
    name="panel_report", state_attr="status", states=ReportStatus, actions=ReportAction,
    state_labels=REPORT_STATUS_LABELS,
    action_labels={ReportAction.SEND: _l("Send the report"), ReportAction.FINALISE: _l("Finalise the report")},
    describe=lambda report: report.case.reference, object_label=_l("this panel report"),
    transitions={
        ReportAction.SEND: Transition({ReportStatus.DRAFT}, ReportStatus.SENT, None,
                                      effects=[_open_factual_window]),
        ReportAction.FINALISE: Transition({ReportStatus.SENT}, ReportStatus.FINAL, None,
                                          guards=[_require_frozen_final_version], effects=[_stamp_final]),
    },
)


# --- a panel member's clearance and the institution's objections -------------------------------------------------

MEMBER_STATUS_LABELS = {
    MemberStatus.PROPOSED: _l("proposed — declaration awaited"),
    MemberStatus.CONFLICTED: _l("conflicted — ruling needed"),
    MemberStatus.CLEARED: _l("cleared"),
    MemberStatus.REMOVED: _l("removed"),
}
OBJECTION_RULING_LABELS = {ObjectionRuling.PENDING: _l("awaiting a ruling"), ObjectionRuling.UPHELD: _l("upheld"),
                           ObjectionRuling.REJECTED: _l("rejected")}


def _panel_being_formed(case_of):
    """A guard: the panel changes only while its case is in panel formation."""
    def guard(obj, _data: dict) -> None:
        if case_of(obj).state != CaseState.PANEL_FORMATION:
            raise TransitionRefused(_("The panel can change only while the case is in panel formation."))
    guard.__doc__ = "Refuses unless the case is in panel formation."
    return guard


_member_panel_being_formed = _panel_being_formed(lambda member: member.case)


def _clears(member) -> bool:
    """A signed declaration of no interest, with nothing the portal detected, clears the member."""
    return member.declaration.declares_none and not member.detected_conflict


def _require_declaration_for_mitigation(member, _data: dict) -> None:
    """A conflict is ruled mitigated only once the member has signed their declaration."""
    if member.declaration is None:
        raise TransitionRefused(_("%(name)s has not signed a declaration yet; a conflict can be ruled mitigated only "
                                  "after the declaration.", name=member.user.full_name), field="ruling")


def _signed_declaration(member):
    """The member's signed declaration; a declaration move is refused without one."""
    if member.declaration is None:
        raise TransitionRefused(_("%(name)s has not signed a declaration yet.", name=member.user.full_name))
    return member.declaration


def _require_clearing_declaration(member, _data: dict) -> None:
    """declare_clear: the signed declaration declares no interest and the portal detected none."""
    _signed_declaration(member)
    if not _clears(member):
        raise TransitionRefused(_("A declared or detected interest needs the agency's ruling."))


def _require_interest_to_rule_on(member, _data: dict) -> None:
    """declare: the signed declaration (or the portal's finding) leaves an interest for an officer to rule on."""
    _signed_declaration(member)
    if _clears(member):
        raise TransitionRefused(_("A declaration of no interest with nothing detected clears the member."))


def _stamp_conflict_ruling(member, actor, data: dict) -> None:
    """The officer's ruling on the conflict: the reason, who and when."""
    member.conflict_ruling_reason = data["reason"]
    member.conflict_ruling_by_id = getattr(actor, "id", None)
    member.conflict_ruling_at = utcnow()


def _stamp_removal(member, _actor, data: dict) -> None:
    """A member taken off the panel keeps the seat and its history, with the reason and the date."""
    member.removal_reason = data["reason"]
    member.removed_at = utcnow()


M = MemberStatus
MEMBER_WORKFLOW = Workflow(
    name="panel_member", state_attr="status", states=MemberStatus, actions=MemberAction,
    state_labels=MEMBER_STATUS_LABELS,
    action_labels={MemberAction.DECLARE: _l("Sign the declaration"),
                   MemberAction.DECLARE_CLEAR: _l("Sign a declaration of no interest"),
                   MemberAction.MITIGATE_CONFLICT: _l("Rule the conflict mitigated"),
                   MemberAction.UPHOLD_CONFLICT: _l("Uphold the conflict"),
                   MemberAction.REMOVE: _l("Remove from the panel")},
    describe=lambda member: f"{member.case.reference}: {member.user.full_name}",
    object_label=_l("this panel member"), reason_field="reason",
    transitions={
        MemberAction.DECLARE: Transition({M.PROPOSED, M.CONFLICTED}, M.CONFLICTED, can_sign_declaration,
                                         guards=[_member_panel_being_formed, _require_interest_to_rule_on]),
        MemberAction.DECLARE_CLEAR: Transition({M.PROPOSED}, M.CLEARED, can_sign_declaration,
                                               guards=[_member_panel_being_formed, _require_clearing_declaration]),
        MemberAction.MITIGATE_CONFLICT: Transition({M.CONFLICTED}, M.CLEARED, can_rule_on_member, requires_reason=True,
                                                   guards=[_member_panel_being_formed,
                                                           _require_declaration_for_mitigation],
                                                   effects=[_stamp_conflict_ruling]),
        MemberAction.UPHOLD_CONFLICT: Transition({M.CONFLICTED}, M.REMOVED, can_rule_on_member, requires_reason=True,
                                                 guards=[_member_panel_being_formed],
                                                 effects=[_stamp_removal, _stamp_conflict_ruling], danger=True,
                                                 confirm=_l("The member leaves the panel for this conflict and "
                                                            "cannot be restored to the seat. The member and the "
                                                            "institution see the ruling with your reasons.")),
        MemberAction.REMOVE: Transition({M.PROPOSED, M.CONFLICTED, M.CLEARED}, M.REMOVED, can_rule_on_member,
                                        requires_reason=True, guards=[_member_panel_being_formed],
                                        effects=[_stamp_removal], danger=True,
                                        confirm=_l("The member is taken off the panel for good; the seat keeps its "
                                                   "history with your reasons, which the member sees.")),
    },
)
del M


def _stamp_objection_ruling(objection, actor, data: dict) -> None:
    """The officer's ruling on the objection: the reason, who and when."""
    objection.ruling_reason = data["reason"]
    objection.ruled_by_id = getattr(actor, "id", None)
    objection.ruled_at = utcnow()


def _remove_objected_member(objection, actor, data: dict) -> None:
    """An upheld objection takes the member off the panel with the officer's reason (unless already removed)."""
    member = objection.member
    if member.status != MemberStatus.REMOVED:
        MEMBER_WORKFLOW.apply(member, MemberAction.REMOVE, actor, data["reason"])


O = ObjectionRuling
OBJECTION_WORKFLOW = Workflow(
    name="panel_objection", state_attr="ruling", states=ObjectionRuling, actions=ObjectionAction,
    state_labels=OBJECTION_RULING_LABELS,
    action_labels={ObjectionAction.UPHOLD: _l("Uphold the objection"),
                   ObjectionAction.REJECT: _l("Reject the objection")},
    describe=lambda objection: f"{objection.member.case.reference}: objection to {objection.member.user.full_name}",
    object_label=_l("this objection"), reason_field="reason",
    transitions={
        ObjectionAction.UPHOLD: Transition({O.PENDING}, O.UPHELD, can_rule_on_objection, requires_reason=True,
                                           guards=[_panel_being_formed(lambda objection: objection.member.case)],
                                           effects=[_stamp_objection_ruling, _remove_objected_member]),
        ObjectionAction.REJECT: Transition({O.PENDING}, O.REJECTED, can_rule_on_objection, requires_reason=True,
                                           guards=[_panel_being_formed(lambda objection: objection.member.case)],
                                           effects=[_stamp_objection_ruling]),
    },
)
del O
