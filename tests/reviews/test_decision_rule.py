"""Issue 15, item 2: one decision rule, enforced where it is printed — reviews/services/decision_rule.check_outcome
checks the panel's recommended outcome and the council's decision alike, and both pages show its verdict."""
import pytest
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.core.errors import DomainError
from qa_portal.decisions.models import Decision
from qa_portal.decisions.services.council import DecisionRefused, record_decision
from qa_portal.extensions import db
from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes
from qa_portal.reviews.models import CaseState, ConsensusJudgement, PanelRole
from qa_portal.reviews.services import report as reports
from qa_portal.reviews.services.decision_rule import check_outcome, names_criterion
from tests.decisions.factories import council_member, final_report, valid_input
from tests.decisions.factories import outcome as scheme_outcome
from tests.factories import login
from tests.reviews.factories import criteria_of, make_case
from tests.reviews.test_report import consensus, drafting_case, outcome
from tests.reviews.walk_setups import drafted_report


def _three_partially_compliant():
    """A case in drafting whose three mandatory criteria the panel judged partially compliant."""
    case, panel = drafting_case(standards=1, criteria=3)
    for criterion in criteria_of(case):
        consensus(case, criterion, "partially_compliant")
    return case, panel, drafted_report(case, outcome_code="positive_with_conditions")


def test_positive_saved_without_reason_while_three_mandatory_criteria_are_partially_compliant_is_refused(app):
    """The issue's scenario: "Positive" without a reason, three mandatory criteria partially compliant — refused
    (409, at the reason, naming each criterion) although the old rule only looked at non-compliant ones."""
    case, panel, report = _three_partially_compliant()
    chair = panel[PanelRole.CHAIR].user
    with pytest.raises(DomainError) as refused:
        reports.save_conclusion(chair, case, report, "Sound.", outcome(case, "positive").id, "")
    assert refused.value.status_code == 409 and refused.value.field == "recommendation_reason"
    assert all(criterion.code in refused.value.message for criterion in criteria_of(case))


def test_positive_despite_partial_compliance_needs_a_reason_naming_each_criterion(app):
    """A reason that names only two of the three criteria is still refused; one naming all three is accepted."""
    case, panel, report = _three_partially_compliant()
    first, second, third = [criterion.code for criterion in criteria_of(case)]
    positive = outcome(case, "positive").id
    with pytest.raises(DomainError) as refused:
        reports.save_conclusion(None, case, report, "Sound.", positive, f"{first} and {second} are minor gaps.")
    assert third in refused.value.message and first not in refused.value.message.split("naming")[-1]
    reports.save_conclusion(None, case, report, "Sound.", positive,
                            f"{first}, {second} and {third}: each gap is closed by the spring run.")
    assert report.recommended_outcome.code == "positive"


def test_conditional_recommendation_keeps_the_rule_and_the_report_shows_the_verdict(app, client):
    """The panel may recommend conditions without a reason (the council sets them); the report page shows the
    rule's verdict: the partially compliant criteria and that the recommendation keeps the rule."""
    case, panel, report = _three_partially_compliant()
    reports.save_conclusion(None, case, report, "Sound.", outcome(case, "positive_with_conditions").id, "")
    db.session.commit()
    assert reports.recommendation_verdict(case, report).ok
    login(client, panel[PanelRole.CHAIR].user)
    page = client.get(f"/cases/{case.id}/report").get_data(as_text=True)
    codes = ", ".join(criterion.code for criterion in criteria_of(case))
    assert f"mandatory criteria partially compliant: {codes}." in page and "keeps the decision rule" in page


def test_non_compliant_mandatory_makes_any_other_outcome_need_a_written_reason(app):
    """Non-compliant mandatory → negative unless a written reason: the verdict refuses a conditional outcome
    without one and accepts it with one; a negative outcome always keeps the rule."""
    case, _panel = drafting_case(standards=1, criteria=2)
    first, second = criteria_of(case)
    consensus(case, first, "non_compliant")
    consensus(case, second, "fully_compliant")
    conditional = outcome(case, "positive_with_conditions")
    assert not check_outcome(case, conditional, "").ok
    assert check_outcome(case, conditional, "The gap was closed after the visit.").ok
    assert check_outcome(case, outcome(case, "negative"), "").ok


def test_a_condition_covers_a_criterion_by_naming_its_code():
    """C1.1 is named by "C1.1" and "c1.1," but not by "C1.10" or "C1.1.2"."""
    assert names_criterion("Meet C1.1 by June.", "C1.1") and names_criterion("(c1.1, C2.3)", "C1.1")
    assert not names_criterion("Meet C1.10 by June.", "C1.1") and not names_criterion("See C1.1.2", "C1.1")


# --- the council's decision --------------------------------------------------------------------------------------

def _pending_with_three_partial(recommended: str = "positive_with_conditions"):
    """A case awaiting the council: three mandatory criteria partially compliant, the panel's final report
    recommending the given outcome, and a declared council member."""
    load_outcome_schemes()
    case = make_case(state=CaseState.DECISION_PENDING, standards=1, criteria=3)
    levels = {level.code: level for level in case.standard_version.levels}
    for criterion in criteria_of(case):
        db.session.add(ConsensusJudgement(case_id=case.id, criterion_id=criterion.id, rationale="Agreed.",
                                          level_id=levels["partially_compliant"].id))
    report = final_report(case)
    report.recommended_outcome = scheme_outcome(recommended)
    db.session.commit()
    return case, council_member(case)


def test_council_conditions_must_cover_each_partially_compliant_criterion(app):
    """The issue's council scenario: two conditions for three partially compliant criteria is refused, naming the
    one left uncovered; conditions naming all three are recorded."""
    case, member = _pending_with_three_partial()
    first, second, third = [criterion.code for criterion in criteria_of(case)]
    data = valid_input(case, "positive_with_conditions")
    due = data.conditions[0][1]
    data.conditions = [(f"Close the gap on {first}.", due), (f"Close the gap on {second}.", due)]
    with pytest.raises(DecisionRefused) as refused:
        record_decision(member, case, data)
    assert ("departure_reason", refused.value.problems[0][1]) in refused.value.problems
    assert third in " ".join(message for _field, message in refused.value.problems)
    db.session.rollback()
    data.conditions.append((f"Close the gap on {third}.", due))
    assert record_decision(member, case, data).outcome.code == "positive_with_conditions"


def test_council_departing_from_the_panels_recommendation_needs_a_reason(app):
    """Deciding other than the panel recommended is refused without the council's reason, and stored with it."""
    case, member = _pending_with_three_partial(recommended="positive_with_conditions")
    data = valid_input(case, "negative")
    with pytest.raises(DecisionRefused) as refused:
        record_decision(member, case, data)
    assert any("The panel recommended" in message for _field, message in refused.value.problems)
    db.session.rollback()
    data.departure_reason = "The gaps on assessment are too wide for conditions to close within the window."
    decision = record_decision(member, case, data)
    db.session.commit()
    assert db.session.scalar(select(Decision.departure_reason).where(Decision.id == decision.id)) \
        == data.departure_reason


def test_council_page_shows_the_panels_recommendation_at_the_top_and_the_rules_verdict(app, client):
    """The decision page opens with the panel's recommended outcome and the rule's reading of the judgements;
    a posted positive outcome without a reason comes back 409 with the rule's objection at the reason field."""
    case, member = _pending_with_three_partial(recommended="positive_with_conditions")
    login(client, member)
    page = client.get(f"/cases/{case.id}/decision").get_data(as_text=True)
    top = page.index('id="recommendation"')  # the panel's recommendation card (reviews/report/_recommendation.html)
    assert top < page.index("Record the council’s decision") and "mandatory criteria partially compliant" in page
    data = valid_input(case, "positive")
    response = client.post(f"/cases/{case.id}/decision", data={
        "outcome": str(data.outcome_id), "valid_from": data.valid_from.isoformat(),
        "valid_to": data.valid_to.isoformat(), "reasons": data.reasons, "criteria": [str(data.criterion_ids[0])],
        "meeting_date": data.meeting_date.isoformat(), "hei_heard": "yes", "departure_reason": "",
        "confirmed": "yes"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The panel recommended" in page and "needs a written reason for each of them" in page
    assert db.session.scalar(select(Decision).where(Decision.case_id == case.id)) is None
    assert member.has_role(Role.COUNCIL)
