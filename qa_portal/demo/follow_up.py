"""Demo helpers for the follow-up of conditions, for the lead's demo cases (not registered as a loader):
report_conditions(case, hei_user) has the institution report on each condition still open and not yet due;
verify(case, officer, met=True) has an officer mark each reported condition met (or not met); upgrade(case,
council_user, officer=None) sends a case whose conditions are all met back to the council (by the officer, else the
case's coordinator), records the council's positive decision linked to the conditional one and publishes it.
All go through the real services and workflow; they flush, the demo commits."""
from qa_portal.core.models import utcnow
from qa_portal.decisions.services.council import declaration_of, declare_interests, record_decision
from qa_portal.decisions.services.follow_up import condition_status, followed_decision, report_condition, verify_condition
from qa_portal.decisions.models import Decision
from qa_portal.decisions.services.publication import publish_cases
from qa_portal.decisions.services.rules import DecisionInput, add_years, scheme_of
from qa_portal.pilots.models import OutcomeKind
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW

REPORT = ("The institution has done what the condition asks; the attached minutes and the revised regulation "
          "show it in force since this term.")
VERDICT_MET = "The report and its evidence show the condition met."
VERDICT_NOT_MET = "The report does not show the condition met."
SEND_BACK = "Every condition is met: the council may upgrade the conditional decision."
UPGRADE_REASONS = ("The institution met every condition of the conditional decision in time; the criteria the "
                   "conditions addressed are now met.")


def report_conditions(case, hei_user) -> int:
    """Report on each open (or reported, unverified) condition not yet due; returns how many were reported."""
    today = utcnow().date()
    count = 0
    for condition in followed_decision(case).conditions:
        if condition_status(condition) in ("open", "reported") and condition.due_on >= today:
            report_condition(hei_user, case, condition, REPORT)
            count += 1
    return count


def verify(case, officer, met: bool = True) -> int:
    """Mark each reported condition met (or not met) with a reason; returns how many were verified."""
    count = 0
    for condition in followed_decision(case).conditions:
        if condition_status(condition) == "reported":
            verify_condition(officer, case, condition, met, VERDICT_MET if met else VERDICT_NOT_MET)
            count += 1
    return count


def upgrade(case, council_user, officer=None) -> Decision:
    """Send the case (all conditions met) back to the council, record the positive decision linked to the
    conditional one (D7) and publish it; returns the new decision."""
    officer = officer or case.coordinator
    previous = followed_decision(case)
    CASE_WORKFLOW.apply(case, CaseAction.REQUIRE_REDECISION, officer, comment=SEND_BACK)
    if declaration_of(case, council_user) is None:
        declare_interests(council_user, case, has_conflict=False, recuse=False, details="")
    positive = next(outcome for outcome in scheme_of(case).outcomes if outcome.kind == OutcomeKind.POSITIVE)
    today = utcnow().date()
    decision = record_decision(council_user, case, DecisionInput(
        outcome_id=positive.id, valid_from=today, valid_to=add_years(today, positive.max_validity_years),
        reasons=UPGRADE_REASONS, criterion_ids=[criterion.id for criterion in previous.criteria],
        meeting_date=today, hei_heard=True))
    publish_cases(officer, [case.id])
    return decision
