"""The lifecycles decisions owns on the core engine, each the only writer of its status column; both keep their moves
in core's generic StateChange timeline. (decisions' rows of the review case's own table are in subscribers.py.)

An appeal (ESG 2.7, A1–A3):
lodged ─rule_admissible (reason)─► admissible ─uphold (reasons)─► upheld
                                   admissible ─return_for_reconsideration (reasons)─► returned
lodged ─rule_inadmissible (late, unauthorised or out of scope; reason)─► inadmissible
Named CHECK constraints on the appeals table tie the status to the admissibility ruling and the outcome.

A complaint (A4): open ─answer (the answer)─► answered.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from qa_portal.core.models import utcnow
from qa_portal.core.workflow import Transition, TransitionRefused, Workflow
from qa_portal.decisions.models import (
    Admissibility, AppealAction, AppealOutcome, AppealStatus, ComplaintAction, ComplaintStatus,
)
from qa_portal.decisions.permissions import can_answer_complaint, can_decide_this_appeal, can_rule_on_admissibility

__all__ = ["APPEAL_WORKFLOW", "APPEAL_STATUS_LABELS", "COMPLAINT_WORKFLOW", "COMPLAINT_STATUS_LABELS",
           "INADMISSIBLE_RULINGS"]

APPEAL_STATUS_LABELS = {
    AppealStatus.LODGED: _l("Lodged"),
    AppealStatus.ADMISSIBLE: _l("Admissible"),
    AppealStatus.INADMISSIBLE: _l("Inadmissible"),
    AppealStatus.UPHELD: _l("Decision upheld"),
    AppealStatus.RETURNED: _l("Returned to the council for reconsideration"),
}
INADMISSIBLE_RULINGS = frozenset({Admissibility.LATE, Admissibility.UNAUTHORISED, Admissibility.OUT_OF_SCOPE,
                                  Admissibility.BEFORE_COURT})


def _require_inadmissible_ruling(appeal, data: dict) -> None:
    """rule_inadmissible names why: late, unauthorised, out of scope or the same matter before a court."""
    if data.get("admissibility") not in INADMISSIBLE_RULINGS:
        raise TransitionRefused(_("Choose admissible, late, unauthorised or out of scope."), field="admissibility")


def _ruling(admissibility=None):
    """An effect recording the officer's admissibility ruling (this one, or the one the data names) with the
    reason, who and when."""
    def effect(appeal, actor, data: dict) -> None:
        appeal.admissibility = Admissibility(admissibility or data["admissibility"])
        appeal.admissibility_reason = data["reason"]
        appeal.admissibility_by_id = getattr(actor, "id", None)
        appeal.admissibility_at = utcnow()
    effect.__doc__ = "Records the admissibility ruling, its reason, who and when."
    return effect


def _outcome(outcome: AppealOutcome):
    """An effect recording the appeals body's outcome with its reasons, who decided and when."""
    def effect(appeal, actor, data: dict) -> None:
        appeal.outcome = outcome
        appeal.outcome_reasons = data["reason"]
        appeal.decided_by_id = getattr(actor, "id", None)
        appeal.decided_at = utcnow()
    effect.__doc__ = f"Records the outcome {outcome.value}, its reasons, who and when."
    return effect


A = AppealStatus
APPEAL_WORKFLOW = Workflow(
    name="appeal", state_attr="status", states=AppealStatus, actions=AppealAction,
    state_labels=APPEAL_STATUS_LABELS,
    action_labels={AppealAction.RULE_ADMISSIBLE: _l("Record the appeal admissible"),
                   AppealAction.RULE_INADMISSIBLE: _l("Record the appeal inadmissible"),
                   AppealAction.UPHOLD: _l("Uphold the decision"),
                   AppealAction.RETURN: _l("Return for reconsideration")},
    describe=lambda appeal: f"{appeal.case.reference}: appeal {appeal.id}", object_label=_l("this appeal"),
    reason_field="reason",
    transitions={
        AppealAction.RULE_ADMISSIBLE: Transition({A.LODGED}, A.ADMISSIBLE, can_rule_on_admissibility,
                                                 requires_reason=True, effects=[_ruling(Admissibility.ADMISSIBLE)]),
        AppealAction.RULE_INADMISSIBLE: Transition({A.LODGED}, A.INADMISSIBLE, can_rule_on_admissibility,
                                                   requires_reason=True, guards=[_require_inadmissible_ruling],
                                                   effects=[_ruling()]),
        AppealAction.UPHOLD: Transition({A.ADMISSIBLE}, A.UPHELD, can_decide_this_appeal, requires_reason=True,
                                        effects=[_outcome(AppealOutcome.UPHOLD)]),
        AppealAction.RETURN: Transition({A.ADMISSIBLE}, A.RETURNED, can_decide_this_appeal, requires_reason=True,
                                        effects=[_outcome(AppealOutcome.RETURN)]),
    },
)
del A


COMPLAINT_STATUS_LABELS = {ComplaintStatus.OPEN: _l("Open"), ComplaintStatus.ANSWERED: _l("Answered")}


def _stamp_answer(complaint, actor, data: dict) -> None:
    """The officer's answer closes the complaint: its text, who and when."""
    complaint.answer = data["reason"]
    complaint.answered_by_id = getattr(actor, "id", None)
    complaint.answered_at = utcnow()


COMPLAINT_WORKFLOW = Workflow(
    name="complaint", state_attr="status", states=ComplaintStatus, actions=ComplaintAction,
    state_labels=COMPLAINT_STATUS_LABELS, action_labels={ComplaintAction.ANSWER: _l("Answer the complaint")},
    describe=lambda complaint: f"complaint {complaint.id}", object_label=_l("this complaint"), reason_field="answer",
    transitions={
        ComplaintAction.ANSWER: Transition({ComplaintStatus.OPEN}, ComplaintStatus.ANSWERED, can_answer_complaint,
                                           requires_reason=True, effects=[_stamp_answer]),
    },
)
