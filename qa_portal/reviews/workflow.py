"""The one writer of a review case's state: CaseState, CaseAction, one transition table, apply_action().

ser_in_preparation ─submit_ser─► ser_submitted ─accept_ser─► panel_formation ─start_review─► desk_review
ser_submitted ─return_ser (reasons)─► ser_in_preparation
desk_review ─start_site_visit─► site_visit ─close_site_visit─► report_drafting   (or skip_site_visit, justified)
report_drafting ─send_for_factual_check─► factual_accuracy ─finalise_report─► decision_pending ─decide─► decided
decided ─publish─► published ─start_follow_up─► follow_up ─close_case─► closed   (published ─close_case─► closed)
follow_up ─require_redecision─► decision_pending   (conditions not met)
published, follow_up, closed ─lodge_appeal─► appeal_lodged ─uphold_decision─► appeal_decided
appeal_lodged ─return_for_reconsideration─► decision_pending
appeal_lodged ─dismiss_appeal (inadmissible)─► published   (then back to follow_up or closed if it was lodged there)
any state before decided ─withdraw (reason)─► withdrawn

Guards are written where a rule exists today (the SER, reasons); later stages add theirs to the table.
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.reviews import permissions as perms
from qa_portal.reviews.models import CaseAction, CaseEvent, CaseState

__all__ = ["CaseState", "CaseAction", "TRANSITIONS", "available_actions", "apply_action", "ActionForbidden",
           "TransitionRefused", "STATE_LABELS", "ACTION_LABELS", "LIFECYCLE", "lifecycle_progress"]

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


class ActionForbidden(DomainError):
    """The user may not take this action on this case (HTTP 403)."""

    status_code = 403


class TransitionRefused(DomainError):
    """The action is not possible from the case's state, lacks its data, or its guard failed (HTTP 409)."""

    status_code = 409


@dataclass(frozen=True)
class Transition:
    """One row of the table: where the action may start, where it leads, who may take it, and its rules."""

    sources: frozenset
    target: CaseState
    permission: Callable  # (user, case) -> bool, from reviews.permissions
    guard: Callable | None = None  # (case, data) -> None, raises TransitionRefused with the reason
    requires_reason: bool = False  # a written reason (comment) is part of the action
    effect: Callable | None = None  # (case, actor, data) -> None, runs after the state changed
    danger: bool = False  # shown as a red button
    button: bool = True  # False when another page's form takes the action (a case-page button would only fail)


def _guard_submit_ser(case, _data: dict) -> None:
    """Every mandatory criterion needs a narrative, a self-rating, and evidence or a justification."""
    from qa_portal.reviews.self_evaluation import submission_problems

    problems = submission_problems(case)
    if problems:
        raise TransitionRefused(
            _("The self-evaluation cannot be submitted yet: %(problems)s", problems="; ".join(problems)))


def _effect_submit_ser(case, actor, _data: dict) -> None:
    """Submitting keeps a frozen copy of the SER as it stands."""
    from qa_portal.reviews.self_evaluation import freeze_submission

    freeze_submission(case, actor)


def _effect_return_ser(case, actor, data: dict) -> None:
    """Returning records the officer's reasons on the submitted copy, which stays readable."""
    from qa_portal.reviews.self_evaluation import mark_submission_returned

    mark_submission_returned(case, actor, data["reason"])


def _effect_accept_ser(case, actor, _data: dict) -> None:
    """Accepting marks the submitted copy as the one the panel reviews."""
    from qa_portal.reviews.self_evaluation import mark_submission_accepted

    mark_submission_accepted(case, actor)


def _later_stage(module: str, function: str) -> Callable:
    """The function of a stage module under qa_portal ("reviews.panel", "decisions.appeals"), imported on first
    use: the stages sit downstream of this table, so it must not import them when it loads."""
    from importlib import import_module

    return getattr(import_module(f"qa_portal.{module}"), function)


def _problems_guard(module: str, function: str, message: str) -> Callable:
    """A guard that asks <module>.<function>(case) for the rules still broken and refuses with them all."""
    def guard(case, _data: dict) -> None:
        problems = _later_stage(module, function)(case)
        if problems:
            raise TransitionRefused(str(message) % {"problems": "; ".join(str(problem) for problem in problems)})
    guard.__doc__ = f"Refuses while {module}.{function}(case) lists broken rules."
    return guard


def _delegated_guard(module: str, function: str) -> Callable:
    """A guard whose rules live in <module>.<function>(case, data), which raises TransitionRefused itself."""
    def guard(case, data: dict) -> None:
        _later_stage(module, function)(case, data)
    guard.__doc__ = f"Runs {module}.{function}(case, data)."
    return guard


def _stage_effect(module: str, function: str) -> Callable:
    """An effect that hands the moved case to <module>.<function>(case, actor) (deadlines, freezing, stamps)."""
    def effect(case, actor, _data: dict) -> None:
        _later_stage(module, function)(case, actor)
    effect.__doc__ = f"Runs {module}.{function}(case, actor) after the move."
    return effect


_guard_start_review = _problems_guard(
    "reviews.panel", "start_review_problems", _l("The desk review cannot start yet: %(problems)s"))
_guard_leave_desk_review = _problems_guard(
    "reviews.scoring", "desk_review_problems", _l("The desk review is not finished: %(problems)s"))
_guard_skip_site_visit = _problems_guard(
    "reviews.site_visit", "skip_problems", _l("The site visit cannot be skipped yet: %(problems)s"))
_guard_close_site_visit = _problems_guard(
    "reviews.site_visit", "close_problems", _l("The site visit cannot be closed yet: %(problems)s"))
_guard_send_report = _problems_guard(
    "reviews.report", "send_problems", _l("The report cannot be sent for the factual-accuracy check yet: %(problems)s"))
_guard_finalise_report = _problems_guard(
    "reviews.report", "finalise_problems", _l("The report cannot be finalised yet: %(problems)s"))


def _guard_skip_after_desk_review(case, data: dict) -> None:
    """Skipping needs a finished desk review and an officer-approvable written justification."""
    _guard_leave_desk_review(case, data)
    _guard_skip_site_visit(case, data)


_guard_decide = _problems_guard(  # D1–D5: a final panel report and a recorded decision that keeps the rules
    "decisions.rules", "decide_problems", _l("The decision cannot be recorded: %(problems)s"))
_guard_publish = _problems_guard(  # D6: the decision is published together with the final panel report
    "decisions.publication", "publish_problems", _l("The decision cannot be published yet: %(problems)s"))


_BEFORE_DECISION = frozenset({
    CaseState.SER_IN_PREPARATION, CaseState.SER_SUBMITTED, CaseState.PANEL_FORMATION, CaseState.DESK_REVIEW,
    CaseState.SITE_VISIT, CaseState.REPORT_DRAFTING, CaseState.FACTUAL_ACCURACY, CaseState.DECISION_PENDING,
})

S = CaseState
TRANSITIONS: dict[CaseAction, Transition] = {
    CaseAction.SUBMIT_SER: Transition(frozenset({S.SER_IN_PREPARATION}), S.SER_SUBMITTED, perms.can_submit_ser,
                                      guard=_guard_submit_ser, effect=_effect_submit_ser),
    CaseAction.ACCEPT_SER: Transition(frozenset({S.SER_SUBMITTED}), S.PANEL_FORMATION, perms.can_screen_ser,
                                      effect=_effect_accept_ser),
    CaseAction.RETURN_SER: Transition(frozenset({S.SER_SUBMITTED}), S.SER_IN_PREPARATION, perms.can_screen_ser,
                                      requires_reason=True, effect=_effect_return_ser, danger=True),
    CaseAction.START_REVIEW: Transition(frozenset({S.PANEL_FORMATION}), S.DESK_REVIEW, perms.can_coordinate_case,
                                        guard=_guard_start_review,
                                        effect=_stage_effect("reviews.panel", "on_review_started")),
    CaseAction.START_SITE_VISIT: Transition(frozenset({S.DESK_REVIEW}), S.SITE_VISIT, perms.can_lead_panel_stage,
                                            guard=_guard_leave_desk_review),
    CaseAction.SKIP_SITE_VISIT: Transition(frozenset({S.DESK_REVIEW}), S.REPORT_DRAFTING, perms.can_coordinate_case,
                                           requires_reason=True, guard=_guard_skip_after_desk_review,
                                           effect=_stage_effect("reviews.report", "on_drafting_started")),
    CaseAction.CLOSE_SITE_VISIT: Transition(frozenset({S.SITE_VISIT}), S.REPORT_DRAFTING, perms.can_lead_panel_stage,
                                            guard=_guard_close_site_visit,
                                            effect=_stage_effect("reviews.report", "on_drafting_started")),
    CaseAction.SEND_FOR_FACTUAL_CHECK: Transition(frozenset({S.REPORT_DRAFTING}), S.FACTUAL_ACCURACY,
                                                  perms.can_lead_panel_stage, guard=_guard_send_report,
                                                  effect=_stage_effect("reviews.report", "on_sent")),
    CaseAction.FINALISE_REPORT: Transition(frozenset({S.FACTUAL_ACCURACY}), S.DECISION_PENDING,
                                           perms.can_lead_panel_stage, guard=_guard_finalise_report,
                                           effect=_stage_effect("reviews.report", "on_finalised")),
    CaseAction.DECIDE: Transition(frozenset({S.DECISION_PENDING}), S.DECIDED, perms.can_decide_case,
                                  guard=_guard_decide),
    CaseAction.PUBLISH: Transition(frozenset({S.DECIDED}), S.PUBLISHED, perms.can_coordinate_case,
                                   guard=_guard_publish,
                                   effect=_stage_effect("decisions.publication", "on_published")),
    CaseAction.START_FOLLOW_UP: Transition(frozenset({S.PUBLISHED, S.APPEAL_DECIDED}), S.FOLLOW_UP,
                                           perms.can_coordinate_case, guard=_problems_guard(  # D8: conditions
                                               "decisions.follow_up", "start_problems",
                                               _l("The follow-up cannot start: %(problems)s"))),
    CaseAction.REQUIRE_REDECISION: Transition(frozenset({S.FOLLOW_UP}), S.DECISION_PENDING,
                                              perms.can_coordinate_case, requires_reason=True,
                                              guard=_problems_guard(  # every condition verified, met or not
                                                  "decisions.follow_up", "redecision_problems",
                                                  _l("The case cannot go back to the council yet: %(problems)s"))),
    CaseAction.CLOSE_CASE: Transition(frozenset({S.PUBLISHED, S.FOLLOW_UP, S.APPEAL_DECIDED}), S.CLOSED,
                                      perms.can_coordinate_case, guard=_problems_guard(  # every condition met
                                          "decisions.follow_up", "close_problems",
                                          _l("The case cannot be closed yet: %(problems)s"))),
    CaseAction.LODGE_APPEAL: Transition(frozenset({S.PUBLISHED, S.FOLLOW_UP, S.CLOSED}), S.APPEAL_LODGED,
                                        perms.can_lodge_appeal, requires_reason=True,  # A1, decisions.appeals
                                        guard=_delegated_guard("decisions.appeals", "lodge_guard")),
    CaseAction.UPHOLD_DECISION: Transition(frozenset({S.APPEAL_LODGED}), S.APPEAL_DECIDED,
                                           perms.can_decide_appeal, requires_reason=True,  # A2–A3
                                           guard=_delegated_guard("decisions.appeals", "uphold_guard")),
    CaseAction.RETURN_FOR_RECONSIDERATION: Transition(frozenset({S.APPEAL_LODGED}), S.DECISION_PENDING,
                                                      perms.can_decide_appeal, requires_reason=True,  # A2–A3
                                                      guard=_delegated_guard("decisions.appeals", "return_guard")),
    # An appeal ruled inadmissible ends here: the decision stands, published; the effect takes the case on to the
    # state it was lodged from (follow_up or closed) by that state's own action, so every move stays in this table.
    CaseAction.DISMISS_APPEAL: Transition(frozenset({S.APPEAL_LODGED}), S.PUBLISHED, perms.can_coordinate_case,
                                          requires_reason=True, guard=_delegated_guard("decisions.appeals",
                                                                                       "dismiss_guard"),
                                          effect=_stage_effect("decisions.appeals", "on_dismissed"),
                                          button=False),  # the admissibility ruling dismisses in the same request
    CaseAction.WITHDRAW: Transition(_BEFORE_DECISION, S.WITHDRAWN, perms.can_withdraw_case,
                                    requires_reason=True, danger=True),
}
del S


def available_actions(user, case) -> list[CaseAction]:
    """The actions this user may take on the case now: the buttons on its page (guards are checked on use)."""
    return [action for action, transition in TRANSITIONS.items()
            if transition.button and case.state in transition.sources and transition.permission(user, case)]


def apply_action(case, action, actor, comment: str | None = None, **data):
    """Move the case by one action: permission (403), source state and reason (409), guard (409), then
    state, timeline event, effect and audit entry. The only code that assigns case.state."""
    try:
        action = CaseAction(action)
    except ValueError:
        raise TransitionRefused(_("“%(action)s” is not an action of a review case.", action=action)) from None
    transition = TRANSITIONS[action]
    if not transition.permission(actor, case):
        raise ActionForbidden(_("You may not %(action)s on this case.", action=str(ACTION_LABELS[action]).lower()))
    if case.state not in transition.sources:
        raise TransitionRefused(_("“%(action)s” is not possible while the case is in “%(state)s”.",
                                  action=ACTION_LABELS[action], state=STATE_LABELS[CaseState(case.state)]))
    comment = (comment or "").strip()
    if transition.requires_reason and not comment:
        raise TransitionRefused(_("Give the reasons for this step."), field="comment")
    data = {**data, "reason": comment}
    if transition.guard is not None:
        transition.guard(case, data)
    source = CaseState(case.state)
    case.state = transition.target
    event = CaseEvent(case=case, from_state=source, to_state=transition.target, action=action,
                      actor_id=getattr(actor, "id", None), at=utcnow(), comment=comment)
    db.session.add(event)
    db.session.flush()
    if transition.effect is not None:
        transition.effect(case, actor, data)
    record(actor, f"case.{action.value}", case,
           f"{case.reference}: {action.value} ({source.value} → {transition.target.value})",
           {"from": source.value, "to": transition.target.value, "comment": comment})
    return event


def lifecycle_progress(state) -> tuple[int, int]:
    """(step, total) of the state on the lifecycle's main line, for the progress bar; withdrawn is 0."""
    state = CaseState(state)
    state = _SIDE_STATES.get(state, state)
    if state not in LIFECYCLE:
        return 0, len(LIFECYCLE)
    return LIFECYCLE.index(state) + 1, len(LIFECYCLE)
