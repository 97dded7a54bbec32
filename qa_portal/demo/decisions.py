"""Demo helpers for decisions, for the lead's demo cases in decision_pending (not registered as a loader):
decide(case, council_user, outcome_code=...) records a council decision that keeps every rule (two conditions when
conditional; with overdue_condition the meeting was 45 days ago and the second condition fell due 5 days ago, still
within D4's window, so the demo's follow-up has an overdue condition without touching stored dates), publish(case,
officer) publishes it. Both flush; the demo command commits."""
from datetime import timedelta

from qa_portal.core.models import utcnow
from qa_portal.decisions.services.council import declaration_of, declare_interests, record_decision
from qa_portal.decisions.models import Decision
from qa_portal.decisions.services.publication import publish_cases
from qa_portal.decisions.services.rules import DecisionInput, add_months, add_years, final_report_of, scheme_of
from qa_portal.pilots.models import OutcomeKind

REASONS = {
    OutcomeKind.POSITIVE: "The panel's final report shows every mandatory criterion met; the council agrees with its "
                          "reasoning on learning outcomes and assessment.",
    OutcomeKind.CONDITIONAL: "The panel's final report shows the micro-credential sound overall, but identity checks "
                             "at assessment are not yet documented and learners do not see the marking rubric in "
                             "advance; the council sets a condition on each.",
    OutcomeKind.NEGATIVE: "The panel's final report shows the assessment does not test the stated learning outcomes; "
                          "the council cannot approve the micro-credential.",
}
CONDITION = "Document how learners' identity is verified at every assessment and show one run's records."
SECOND_CONDITION = "Publish the marking rubric of the final assessment to every learner before the course starts."
# The council's reason when it departs from the panel's recommended outcome (issue 15: a departure needs one).
DEPARTURE = ("The council weighed the panel's findings on assessment differently: the gaps it describes need to be "
             "closed within a set time, which only an outcome of this kind can require.")


def decide(case, council_user, outcome_code: str = "positive", overdue_condition: bool = False) -> Decision:
    """Record the council member's declaration (no conflict) and a decision with the outcome of that code, its
    longest validity from the council meeting (so a decision replaced today had a valid period of its own), two conditions when conditional (the first due halfway through the window, the
    second a quarter in — or, with overdue_condition, already past due after a meeting 45 days ago), and reasons
    citing the case's first criterion."""
    outcome = next(item for item in scheme_of(case).outcomes if item.code == outcome_code)
    if declaration_of(case, council_user) is None:
        declare_interests(council_user, case, has_conflict=False, recuse=False, details="")
    today = utcnow().date()
    meeting = today - timedelta(days=45 if overdue_condition else 1)
    criteria = [criterion for standard in case.standard_version.standards for criterion in standard.criteria]
    conditions = []
    if outcome.conditions_required:
        window = outcome.max_condition_window_months
        second_due = today - timedelta(days=5) if overdue_condition else add_months(meeting, window // 4 or 1)
        conditions = [(CONDITION, add_months(meeting, window // 2 or 1)), (SECOND_CONDITION, second_due)]
    negative = outcome.kind == OutcomeKind.NEGATIVE
    data = DecisionInput(
        outcome_id=outcome.id, valid_from=None if negative else meeting,
        valid_to=None if negative else add_years(meeting, outcome.max_validity_years), reasons=REASONS[outcome.kind],
        criterion_ids=[criteria[0].id], meeting_date=meeting, hei_heard=True, conditions=conditions,
        departure_reason=_departure_reason(case, outcome))
    return record_decision(council_user, case, data)


def _departure_reason(case, outcome) -> str:
    """The council's written reason when the outcome differs from the panel's recommendation, else nothing."""
    report = final_report_of(case)
    recommended = report.recommended_outcome_id if report is not None else None
    return DEPARTURE if recommended is not None and recommended != outcome.id else ""


def publish(case, officer) -> Decision:
    """Publish the case's decision with its final panel report."""
    return publish_cases(officer, [case.id])[0]
