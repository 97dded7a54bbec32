"""The council's decision rules (domain.md §5.3 D1–D5, P6): one test per rule, each with its exact message."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.core.models import utcnow
from qa_portal.decisions.services.council import DecisionRefused, declare_interests, record_decision
from qa_portal.decisions.models import Decision
from qa_portal.decisions.services.rules import add_months, add_years
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState, MemberStatus, PanelRole
from qa_portal.core.workflow import TransitionRefused
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from qa_portal.core.errors import DomainError
from tests.decisions.factories import council_member, final_report, outcome, pending_case, valid_input
from tests.reviews.factories import make_case
from tests.reviews.panel_factories import seat


def refusal(case, member, data) -> list[str]:
    """The messages of a refused decision (the case stays pending, nothing stored)."""
    with pytest.raises(DecisionRefused) as caught:
        record_decision(member, case, data)
    db.session.rollback()
    assert case.state == CaseState.DECISION_PENDING
    assert db.session.scalar(select(Decision.id).where(Decision.case_id == case.id)) is None
    return [message for _field, message in caught.value.problems]


def test_valid_decision_is_recorded_and_moves_the_case_to_decided(app):
    """A decision keeping every rule is stored with its criteria and conditions; the case moves to decided."""
    case = pending_case()
    member = council_member(case)
    decision = record_decision(member, case, valid_input(case, "positive_with_conditions"))
    db.session.commit()
    assert case.state == CaseState.DECIDED
    assert (decision.decided_by_id, decision.outcome.code, len(decision.conditions)) == (
        member.id, "positive_with_conditions", 1)
    assert [criterion.id for criterion in decision.criteria] == valid_input(case).criterion_ids
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "decision.record")) is not None


def test_d1_only_on_a_final_panel_report(app):
    """D1: the council decides only on a final panel report."""
    case = pending_case(report=False)
    final_report(case, final=False)
    member = council_member(case)
    assert "The council decides only on a final panel report; this case's report is not final." in refusal(
        case, member, valid_input(case))


def test_d1_workflow_refuses_decide_without_a_recorded_decision(app):
    """D1: `decide` through the workflow alone (no recorded decision) is refused with the reason."""
    case = pending_case()
    member = council_member(case)
    with pytest.raises(TransitionRefused) as caught:
        CASE_WORKFLOW.apply(case, CaseAction.DECIDE, member)
    assert caught.value.message == ("The decision cannot be recorded: No decision is recorded: the council records "
                                    "it on the case's decision form.")


def test_d2_outcome_must_come_from_the_calls_scheme(app):
    """D2: the outcome is one of the call's outcome scheme (here the pilot scheme, not ANQA 2025's)."""
    case = pending_case()
    data = valid_input(case, outcome_id=outcome("accredited_6_years", "anqa-2025").id)
    assert "Choose an outcome of the call's outcome scheme “Pilot”." in refusal(case, council_member(case), data)


def test_d2_reasons_are_required(app):
    """D2: the decision gives its reasons."""
    case = pending_case()
    assert "Write the reasons for the decision." in refusal(case, council_member(case), valid_input(case, reasons=" "))


def test_d2_reasons_cite_at_least_one_criterion(app):
    """D2: the reasons cite at least one criterion."""
    case = pending_case()
    assert "Cite at least one criterion the reasons rest on." in refusal(
        case, council_member(case), valid_input(case, criterion_ids=[]))


def test_d2_cited_criteria_belong_to_the_case(app):
    """D2: the cited criteria are criteria of the case's standard-set version."""
    case = pending_case()
    other = make_case(standards=1, criteria=1)
    other_criterion = other.standard_version.standards[0].criteria[0]
    assert "Cite only criteria of the case's standards." in refusal(
        case, council_member(case), valid_input(case, criterion_ids=[other_criterion.id]))


def test_d3_negative_outcome_has_no_validity(app):
    """D3: a negative outcome has no validity period."""
    case = pending_case()
    today = utcnow().date()
    data = valid_input(case, "negative", valid_from=today, valid_to=today + timedelta(days=300))
    assert "A negative outcome has no validity period: leave both dates empty." in refusal(
        case, council_member(case), data)


def test_d3_positive_outcome_needs_a_validity(app):
    """D3: a positive outcome has a validity period (both dates)."""
    case = pending_case()
    data = valid_input(case, valid_to=None)
    assert "“Positive” needs a validity period: give both dates." in refusal(case, council_member(case), data)


def test_d3_validity_ends_after_it_starts(app):
    """D3: valid_from comes before valid_to."""
    case = pending_case()
    today = utcnow().date()
    data = valid_input(case, valid_from=today, valid_to=today - timedelta(days=1))
    assert "The validity must end after it starts." in refusal(case, council_member(case), data)


def test_d3_validity_within_the_outcomes_maximum(app):
    """D3: the validity lasts at most the outcome's maximum (pilot positive: 5 years)."""
    case = pending_case()
    today = utcnow().date()
    latest = add_years(today, 5)
    data = valid_input(case, valid_from=today, valid_to=latest + timedelta(days=1))
    messages = refusal(case, council_member(case), data)
    assert any(message.startswith("“Positive” is valid for at most 5 years: the validity must end by ")
               and str(latest.year) in message for message in messages)


def test_d4_conditional_outcome_needs_a_condition(app):
    """D4: a conditional outcome needs at least one condition with a due date."""
    case = pending_case()
    data = valid_input(case, "positive_with_conditions", conditions=[])
    assert "“Positive with conditions” needs at least one condition with a due date." in refusal(
        case, council_member(case), data)


def test_d4_condition_needs_text_and_due_date(app):
    """D4: each condition has a text and a due date."""
    case = pending_case()
    data = valid_input(case, "positive_with_conditions", conditions=[("Publish the assessment rules.", None)])
    assert "Condition 1 needs both a text and a due date." in refusal(case, council_member(case), data)


def test_d4_condition_due_within_the_outcomes_window(app):
    """D4: each condition is due within the outcome's window after the meeting (pilot: 12 months)."""
    case = pending_case()
    data = valid_input(case, "positive_with_conditions")
    data.conditions = [("Publish the assessment rules.", add_months(data.meeting_date, 12) + timedelta(days=1))]
    messages = refusal(case, council_member(case), data)
    assert any(message.startswith("Condition 1 must be due after the meeting and within the 12 months of "
                                  "“Positive with conditions”, by ") for message in messages)


def test_d4_non_conditional_outcome_takes_no_conditions(app):
    """D4: a non-conditional outcome has no conditions."""
    case = pending_case()
    data = valid_input(case, conditions=[("Publish the assessment rules.", utcnow().date() + timedelta(days=30))])
    assert "“Positive” takes no conditions: remove them." in refusal(case, council_member(case), data)


def test_d5_council_member_declares_interests_before_deciding(app):
    """D5: a council member without a declaration for the case cannot decide it."""
    case = pending_case()
    member = council_member(case, declared=False, full_name="Ani Council")
    assert "Ani Council has not declared their interests for this case." in refusal(case, member, valid_input(case))


def test_d5_a_declared_conflict_recuses_the_member(app):
    """D5: declaring a conflict recuses the member, who then cannot decide."""
    case = pending_case()
    member = council_member(case, declared=False, full_name="Ani Council")
    declaration = declare_interests(member, case, has_conflict=True, recuse=False, details="I teach there.")
    db.session.commit()
    assert declaration.recused
    assert "Ani Council is recused from this case and cannot decide it." in refusal(case, member, valid_input(case))


def test_d5_a_member_may_recuse_without_a_conflict_giving_the_reason(app):
    """D5: a member may step aside without a conflict, but must say why (a conflict too must be described)."""
    case = pending_case()
    member = council_member(case, declared=False)
    with pytest.raises(DomainError) as caught:
        declare_interests(member, case, has_conflict=False, recuse=True, details="")
    assert caught.value.message == "Describe the conflict or the reason for stepping aside."
    declare_interests(member, case, has_conflict=False, recuse=True, details="My sibling applied to this call.")
    db.session.commit()
    assert "is recused from this case" in refusal(case, member, valid_input(case))[0]


def test_p6_a_panel_member_of_the_case_cannot_decide_it(app):
    """P6 (D5): a member of the case's panel (any seat not removed) cannot decide it."""
    case = pending_case()
    member = council_member(case, full_name="Ani Council")
    seat(case, PanelRole.ACADEMIC, user=member)
    assert "Ani Council sits on this case's panel and cannot decide it." in refusal(case, member, valid_input(case))


def test_p6_a_removed_panel_member_may_decide(app):
    """P6: a seat that was removed does not bar the council member."""
    case = pending_case()
    member = council_member(case)
    seat(case, PanelRole.ACADEMIC, user=member, status=MemberStatus.REMOVED, removal_reason="Conflict found.")
    record_decision(member, case, valid_input(case))
    assert case.state == CaseState.DECIDED


def test_d5_meeting_date_is_recorded_and_not_in_the_future(app):
    """D5: the decision records the council meeting's date, which cannot lie in the future."""
    case = pending_case()
    member = council_member(case)
    assert "Give the date of the council meeting." in refusal(case, member, valid_input(case, meeting_date=None))
    tomorrow = utcnow().date() + timedelta(days=1)
    assert "The council meeting cannot be in the future." in refusal(
        case, member, valid_input(case, meeting_date=tomorrow))


def test_d5_whether_the_institution_was_heard_is_recorded(app):
    """D5: the decision says whether the institution was heard."""
    case = pending_case()
    assert "Say whether the institution was heard." in refusal(
        case, council_member(case), valid_input(case, hei_heard=None))


def test_decide_permission_is_the_council_role(app):
    """Only council members may take `decide` (403 for an officer)."""
    from qa_portal.auth.models import Role
    from qa_portal.core.workflow import ActionForbidden
    from tests.factories import make_user

    case = pending_case()
    with pytest.raises(ActionForbidden):
        record_decision(make_user(Role.OFFICER), case, valid_input(case))
