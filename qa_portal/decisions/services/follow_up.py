"""Follow-up of a published decision's conditions (ESG 2.3, issue 7 item 6, rules D7–D8): the case enters follow-up
when its decision has conditions; the institution reports on each condition (text and an optional content-checked
document) by its due date; an officer marks each met or not met with a reason. Every condition met lets the officer
close the case or send it to the council for an upgrade (D7: only a conditional decision whose conditions are all
met becomes positive, as a new decision linked to the old one); a condition not met sends it back for a re-decision.
Conditions themselves are immutable: their follow-up lives in ConditionFollowUp."""
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from qa_portal.core.dates import format_day
from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.core.storage import store_upload
from qa_portal.extensions import db
from qa_portal.pilots.models import Outcome, OutcomeKind
from qa_portal.reviews.models import Case, CaseState
from qa_portal.decisions.models import (
    Appeal, AppealOutcome, ConditionFollowUp, ConditionVerdict, Decision, DecisionCondition,
)
from qa_portal.decisions.signals import condition_followed_up

__all__ = ["STATUS_LABELS", "followed_decision", "followed_up_decision", "successor_of", "condition_status",
           "is_overdue", "report_condition",
           "verify_condition", "start_problems", "close_problems", "redecision_problems", "upgrade_problems"]

STATUS_LABELS = {"open": _l("Open"), "reported": _l("Reported by the institution"), "met": _l("Met"),
                 "not_met": _l("Not met")}


def followed_decision(case: Case) -> Decision | None:
    """The case's latest published decision: the one whose conditions are followed up."""
    return db.session.scalar(select(Decision).where(Decision.case_id == case.id, Decision.published_at.is_not(None))
                             .order_by(Decision.id.desc()).limit(1))


def followed_up_decision(case: Case) -> Decision | None:
    """The case's latest published decision that has conditions: the one its follow-up page shows, whether still
    followed up or since replaced by a later decision linked to it (an upgrade, a re-decision)."""
    return db.session.scalar(select(Decision).where(
        Decision.case_id == case.id, Decision.published_at.is_not(None), Decision.conditions.any())
        .order_by(Decision.id.desc()).limit(1))


def successor_of(decision: Decision) -> Decision | None:
    """The later decision linked to this one (it names this one in supersedes_id), if the council recorded one."""
    return db.session.scalar(select(Decision).where(Decision.supersedes_id == decision.id))


def condition_status(condition: DecisionCondition) -> str:
    """open, reported, met or not_met."""
    follow_up = condition.follow_up
    if follow_up is None:
        return "open"
    return follow_up.verdict.value if follow_up.verdict else "reported"


def is_overdue(condition: DecisionCondition, today: date | None = None) -> bool:
    """A condition whose due date has passed and which is not met."""
    return condition_status(condition) != "met" and (today or utcnow().date()) > condition.due_on


def _condition_in_follow_up(case: Case, condition: DecisionCondition) -> None:
    """Refuse unless the case is in follow-up and the condition belongs to its followed decision."""
    decision = followed_decision(case)
    if case.state != CaseState.FOLLOW_UP or decision is None or condition.decision_id != decision.id:
        raise DomainError(_("Conditions are reported on and verified while the case is in follow-up."))


def report_condition(actor, case: Case, condition: DecisionCondition, text: str, upload=None) -> ConditionFollowUp:
    """The institution reports on a condition by its due date (again, until an officer has verified it), with an
    optional document (stream, filename) stored content-checked like evidence."""
    _condition_in_follow_up(case, condition)
    if condition.follow_up is not None and condition.follow_up.verdict is not None:
        raise DomainError(_("This condition has already been verified; its report can no longer change."))
    if utcnow().date() > condition.due_on:
        raise DomainError(_("The report on this condition was due by %(due)s.", due=format_day(condition.due_on)))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Describe what the institution has done to meet the condition."), field="report")
    follow_up = condition.follow_up or ConditionFollowUp(condition=condition)
    follow_up.report, follow_up.reported_by_id, follow_up.reported_at = text, actor.id, utcnow()
    if upload is not None:
        follow_up.keep_stored_file(store_upload(*upload))
    db.session.add(follow_up)
    db.session.flush()
    db.session.expire(condition, ["follow_up"])
    record(actor, "condition.report", case, f"{case.reference}: report on condition {condition.position + 1}",
           {"condition": condition.id, "document": follow_up.original_name or ""})
    condition_followed_up.send(condition)
    return follow_up


def verify_condition(actor, case: Case, condition: DecisionCondition, met: bool, reason: str) -> ConditionFollowUp:
    """An officer marks a condition met (only once reported) or not met, with a reason; a verdict is final."""
    _condition_in_follow_up(case, condition)
    follow_up = condition.follow_up
    if follow_up is not None and follow_up.verdict is not None:
        raise DomainError(_("This condition has already been verified."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the verdict."), field="reason")
    if met and follow_up is None:
        raise DomainError(_("A condition is marked met only on the institution's report."))
    if follow_up is None:
        follow_up = ConditionFollowUp(condition=condition, report=str(_("No report was made.")))
    follow_up.verdict, follow_up.verdict_reason, follow_up.verified_by_id, follow_up.verified_at = (
        ConditionVerdict.MET if met else ConditionVerdict.NOT_MET, reason, actor.id, utcnow())
    db.session.add(follow_up)
    db.session.flush()
    db.session.expire(condition, ["follow_up"])
    record(actor, "condition.verify", case, f"{case.reference}: condition {condition.position + 1} "
           + follow_up.verdict.value, {"condition": condition.id, "verdict": follow_up.verdict.value})
    condition_followed_up.send(condition)
    return follow_up


# --- the rules behind the workflow's guards of start_follow_up, close_case and require_redecision --------------------------------

def start_problems(case: Case) -> list[str]:
    """D8: follow-up starts only for a published decision with conditions."""
    decision = followed_decision(case)
    if decision is None or not decision.conditions:
        return [_("The published decision has no conditions to follow up: close the case instead.")]
    return []


def close_problems(case: Case) -> list[str]:
    """A case closes only when every condition of its published decision is met (none is trivially met)."""
    decision = followed_decision(case)
    if decision is None:
        return [_("The case has no published decision.")]
    waiting = [condition for condition in decision.conditions if condition_status(condition) != "met"]
    if waiting:
        return [_("%(count)d condition(s) of the decision are not met yet.", count=len(waiting))]
    return []


def redecision_problems(case: Case) -> list[str]:
    """The council is asked again only once every condition has an officer's verdict (met or not met)."""
    decision = followed_decision(case)
    if decision is None or not decision.conditions:
        return [_("The published decision has no conditions to follow up.")]
    unverified = [condition for condition in decision.conditions if condition_status(condition) in ("open", "reported")]
    if unverified:
        return [_("%(count)d condition(s) still await the officer's verdict.", count=len(unverified))]
    return []


def upgrade_problems(case: Case, outcome: Outcome) -> list[tuple[str, str]]:
    """D7: after follow-up, only a conditional decision whose conditions are all met may become positive (a new
    decision linked to the old one); a reconsideration returned on appeal is not an upgrade."""
    previous = followed_decision(case)
    if previous is None or outcome.kind != OutcomeKind.POSITIVE:
        return []
    returned = db.session.scalar(select(Appeal.id).where(Appeal.decision_id == previous.id,
                                                         Appeal.outcome == AppealOutcome.RETURN))
    if returned is not None:
        return []
    if previous.outcome.kind != OutcomeKind.CONDITIONAL or not previous.conditions or any(
            condition_status(condition) != "met" for condition in previous.conditions):
        return [("outcome", _("Only a decision positive with conditions whose conditions are all met may be upgraded "
                              "to a positive one."))]
    return []

