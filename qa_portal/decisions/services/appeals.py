"""Appeals (ESG 2.7, domain.md §5.3 A1–A3): the institution lodges an appeal against a published decision within
the window, with grounds and documents; an officer records admissibility with a reason; the appeals body for the
case (independent of its panel and council) upholds the decision or returns it for reconsideration, within
QA_APPEAL_DECISION_DAYS. An appeal ruled inadmissible is dismissed in the same step: the case leaves appeal_lodged
and returns to where the appeal found it. The appeal moves only through its workflow (decisions/workflow.py), the
case only through the case workflow; every step is audited."""
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from qa_portal.core.dates import format_day
from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.core.storage import store_upload
from qa_portal.core.workflow import ActionForbidden, TransitionRefused
from qa_portal.decisions.models import (
    Admissibility, Appeal, AppealAction, AppealDocument, AppealGround, AppealOutcome, AppealStatus, Decision,
)
from qa_portal.decisions.permissions import can_lodge_case_appeal, is_appeals_member, took_part_in_case
from qa_portal.decisions.services.register import appeal_deadline
from qa_portal.decisions.workflow import APPEAL_WORKFLOW
from qa_portal.extensions import db
from qa_portal.pilots.permissions import is_officer
from qa_portal.reviews.models import Case, CaseAction, CaseEvent, CaseState
from qa_portal.reviews.workflow import CASE_WORKFLOW

__all__ = ["GROUND_LABELS", "ADMISSIBILITY_LABELS", "OUTCOME_LABELS", "AppealRefused", "appealed_decision",
           "appeal_of", "is_overdue", "lodge_appeal", "record_admissibility", "decide_appeal", "lodge_guard",
           "uphold_guard", "return_guard", "dismiss_guard", "on_dismissed", "state_before_appeal"]

GROUND_LABELS = {
    AppealGround.EVIDENCE_MISREAD: _l("Evidence misread"),
    AppealGround.CRITERIA_MISAPPLIED: _l("Criteria misapplied"),
    AppealGround.PROCESS_NOT_FOLLOWED: _l("Process not followed"),
}
ADMISSIBILITY_LABELS = {
    Admissibility.ADMISSIBLE: _l("Admissible"),
    Admissibility.LATE: _l("Inadmissible: late"),
    Admissibility.UNAUTHORISED: _l("Inadmissible: not lodged by the institution"),
    Admissibility.OUT_OF_SCOPE: _l("Inadmissible: out of scope"),
    Admissibility.BEFORE_COURT: _l("Inadmissible: the same matter is before a court"),
}
OUTCOME_LABELS = {
    AppealOutcome.UPHOLD: _l("Decision upheld"),
    AppealOutcome.RETURN: _l("Returned to the council for reconsideration"),
}
# The appeals body's outcome: the appeal's move, and the case's move it sets off.
_APPEAL_ACTIONS = {AppealOutcome.UPHOLD: AppealAction.UPHOLD, AppealOutcome.RETURN: AppealAction.RETURN}
_CASE_ACTIONS = {AppealOutcome.UPHOLD: CaseAction.UPHOLD_DECISION,
                 AppealOutcome.RETURN: CaseAction.RETURN_FOR_RECONSIDERATION}


def appealed_decision(case: Case) -> Decision | None:
    """The case's latest published decision: what an appeal is lodged against."""
    return db.session.scalar(select(Decision).where(Decision.case_id == case.id, Decision.published_at.is_not(None))
                             .order_by(Decision.id.desc()).limit(1))


def appeal_of(decision: Decision) -> Appeal | None:
    """The appeal lodged against this decision, if any."""
    return db.session.scalar(select(Appeal).where(Appeal.decision_id == decision.id))


def is_overdue(appeal: Appeal, today: date | None = None) -> bool:
    """A3: an open appeal not decided by its due date."""
    return appeal.is_open and (today or utcnow().date()) > appeal.decision_due_on


def _lodge_problems(decision: Decision | None, grounds: list[str], statement: str) -> list:
    """A1: (field, message) for each rule a new appeal breaks."""
    if decision is None:
        return [(None, _("There is no published decision on this case to appeal against."))]
    if appeal_of(decision) is not None:
        return [(None, _("An appeal against this decision has already been lodged."))]
    problems = []
    deadline = appeal_deadline(decision)
    if utcnow().date() > deadline:
        problems.append((None, _("The appeal window closed on %(deadline)s: appeals are lodged within %(days)d days "
                                 "of the decision's publication.", deadline=format_day(deadline),
                                 days=current_app.config["QA_APPEAL_WINDOW_DAYS"])))
    if not grounds:
        problems.append(("grounds", _("Choose at least one ground of appeal.")))
    elif any(ground not in set(AppealGround) for ground in grounds):
        problems.append(("grounds", _("Choose grounds from the list.")))
    if not statement.strip():
        problems.append(("statement", _("State why the decision should be reconsidered.")))
    return problems


class AppealRefused(DomainError):
    """The appeal step breaks one or more rules; `problems` lists each as (form field, message) (HTTP 409)."""

    def __init__(self, problems: list):
        super().__init__("; ".join(str(message) for _field, message in problems), field=problems[0][0] or None)
        self.problems = problems


def lodge_appeal(actor, case: Case, grounds: list[str], statement: str, uploads=()) -> Appeal:
    """A1: the institution lodges an appeal against the published decision within the window, with grounds, a
    statement and documents (content-checked); the case moves to appeal_lodged."""
    if not can_lodge_case_appeal(actor, case):
        raise ActionForbidden(_("Only the institution's own users may appeal against its decision."))
    decision = appealed_decision(case)
    grounds = sorted(set(grounds or []))
    problems = _lodge_problems(decision, grounds, statement or "")
    if problems:
        raise AppealRefused(problems)
    now = utcnow()
    appeal = Appeal(case_id=case.id, decision_id=decision.id, lodged_by_id=actor.id, lodged_at=now, grounds=grounds,
                    statement=statement.strip(),
                    decision_due_on=now.date() + timedelta(days=current_app.config["QA_APPEAL_DECISION_DAYS"]))
    for stream, filename in uploads:
        document = AppealDocument()
        document.keep_stored_file(store_upload(stream, filename))
        appeal.documents.append(document)
    db.session.add(appeal)
    db.session.flush()
    CASE_WORKFLOW.apply(case, CaseAction.LODGE_APPEAL, actor, comment=appeal.statement)
    record(actor, "appeal.lodge", appeal, f"{case.reference}: appeal lodged against decision {decision.id}",
           {"grounds": grounds, "documents": len(appeal.documents), "due": str(appeal.decision_due_on)})
    return appeal


def record_admissibility(actor, appeal: Appeal, admissibility: str, reason: str) -> Appeal:
    """A1: an officer records once whether the appeal is admissible (or late, unauthorised, out of scope), with
    the reason; an inadmissible appeal is dismissed at once (dismiss_appeal), so the case leaves appeal_lodged."""
    if not is_officer(actor):
        raise ActionForbidden(_("Only officers record whether an appeal is admissible."))
    if appeal.status != AppealStatus.LODGED:
        raise DomainError(_("The admissibility of this appeal is already recorded."))
    if admissibility not in set(Admissibility):
        raise DomainError(_("Choose admissible, late, unauthorised or out of scope."), field="admissibility")
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for the admissibility ruling."), field="reason")
    action = (AppealAction.RULE_ADMISSIBLE if admissibility == Admissibility.ADMISSIBLE
              else AppealAction.RULE_INADMISSIBLE)
    APPEAL_WORKFLOW.apply(appeal, action, actor, reason, admissibility=admissibility)
    if appeal.status == AppealStatus.INADMISSIBLE:
        label = ADMISSIBILITY_LABELS[appeal.admissibility]
        CASE_WORKFLOW.apply(appeal.case, CaseAction.DISMISS_APPEAL, actor,
                            comment=f"{label}: {appeal.admissibility_reason}")
    return appeal


def _decide_problems(appeal: Appeal) -> list[str]:
    """A3's precondition: only an admissible, undecided appeal."""
    if appeal.status in (AppealStatus.UPHELD, AppealStatus.RETURNED):
        return [_("This appeal is already decided.")]
    if appeal.status != AppealStatus.ADMISSIBLE:
        return [_("Only an admissible appeal can be decided.")]
    return []


def decide_appeal(actor, appeal: Appeal, outcome: str, reasons: str) -> Appeal:
    """A2–A3: a member of the case's appeals body upholds the decision (appeal_decided, it stays published) or
    returns it for reconsideration (decision_pending), with reasons."""
    if not is_appeals_member(actor):
        raise ActionForbidden(_("Only members of the appeals body decide appeals."))
    if took_part_in_case(actor, appeal.case_id):
        raise ActionForbidden(_("You sat on this case's panel or took part in its council decision, so you may not "
                                "decide its appeal."))
    problems = _decide_problems(appeal)
    if problems:
        raise DomainError(problems[0])
    if outcome not in set(AppealOutcome):
        raise DomainError(_("Choose whether to uphold the decision or return it for reconsideration."),
                          field="outcome")
    if not (reasons or "").strip():
        raise DomainError(_("Give the appeals body's reasons."), field="reasons")
    APPEAL_WORKFLOW.apply(appeal, _APPEAL_ACTIONS[outcome], actor, reasons)
    CASE_WORKFLOW.apply(appeal.case, _CASE_ACTIONS[outcome], actor, comment=appeal.outcome_reasons)
    return appeal


# --- the appeal's rules on the case workflow (decisions/subscribers.py registers them) ----------------------

def _refuse(message: str, problems: list[str]) -> None:
    """Raise the workflow's refusal naming every broken rule."""
    if problems:
        raise TransitionRefused(message % {"problems": "; ".join(str(problem) for problem in problems)})


def lodge_guard(case: Case, _data: dict) -> None:
    """lodge_appeal: an appeal against the case's published decision is stored, with grounds, inside the window."""
    decision = appealed_decision(case)
    appeal = appeal_of(decision) if decision is not None else None
    problems = ([_("no appeal against the published decision is recorded")] if appeal is None
                else _stored_appeal_problems(appeal))
    _refuse(_("The appeal cannot be lodged: %(problems)s"), problems)


def _stored_appeal_problems(appeal: Appeal) -> list[str]:
    """A1 re-checked on the stored appeal: lodged within the window, with grounds."""
    problems = []
    if appeal.lodged_at.date() > appeal_deadline(appeal.decision):
        problems.append(_("it was lodged after the appeal window closed"))
    if not appeal.grounds:
        problems.append(_("it states no grounds"))
    return problems


def _decided_guard(outcome: AppealOutcome):
    """A guard for uphold/return: the case's admissible appeal carries this outcome from an independent member."""
    def guard(case: Case, _data: dict) -> None:
        appeal = db.session.scalar(select(Appeal).where(Appeal.case_id == case.id).order_by(Appeal.id.desc())
                                   .limit(1))
        if appeal is None or appeal.admissibility != Admissibility.ADMISSIBLE:
            problems = [_("only an admissible appeal can be decided")]
        elif appeal.outcome != outcome or appeal.decided_by is None:
            problems = [_("the appeals body has not recorded this outcome")]
        elif took_part_in_case(appeal.decided_by, case.id):
            problems = [_("the member who decided sat on the case's panel or council decision")]
        else:
            problems = []
        _refuse(_("The appeal cannot be decided: %(problems)s"), problems)
    guard.__doc__ = f"Refuses {outcome.value} unless the case's admissible appeal records it independently."
    return guard


uphold_guard = _decided_guard(AppealOutcome.UPHOLD)
return_guard = _decided_guard(AppealOutcome.RETURN)


def _latest_appeal(case: Case) -> Appeal | None:
    """The case's most recent appeal."""
    return db.session.scalar(select(Appeal).where(Appeal.case_id == case.id).order_by(Appeal.id.desc()).limit(1))


def dismiss_guard(case: Case, _data: dict) -> None:
    """dismiss_appeal: only an appeal an officer recorded inadmissible (late, unauthorised, out of scope) is
    dismissed; an admissible one goes to the appeals body."""
    appeal = _latest_appeal(case)
    if appeal is None or appeal.admissibility is None:
        problems = [_("no officer has recorded the appeal inadmissible")]
    elif appeal.admissibility == Admissibility.ADMISSIBLE:
        problems = [_("the appeal was recorded admissible, so the appeals body decides it")]
    else:
        problems = []
    _refuse(_("The appeal cannot be dismissed: %(problems)s"), problems)


def state_before_appeal(case: Case) -> CaseState | None:
    """The state the case was in when its latest appeal was lodged (from its last lodge_appeal event)."""
    return db.session.scalar(select(CaseEvent.from_state).where(
        CaseEvent.case_id == case.id, CaseEvent.action == CaseAction.LODGE_APPEAL)
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()).limit(1))


_RESUME = {CaseState.FOLLOW_UP: CaseAction.START_FOLLOW_UP, CaseState.CLOSED: CaseAction.CLOSE_CASE}


def on_dismissed(case: Case, actor) -> None:
    """After dismissal (the case is published again) take the case back to the state the appeal found it in —
    follow_up or closed — through that state's own action, guarded and audited like any other move."""
    action = _RESUME.get(state_before_appeal(case))
    if action is not None:
        CASE_WORKFLOW.apply(case, action, actor, comment=_("The inadmissible appeal was dismissed; the case returns to "
                                                           "where it was when the appeal was lodged."))
