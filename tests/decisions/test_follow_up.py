"""Follow-up of conditions (issue 7 item 6, D7–D8): follow-up only for a decision with conditions, the institution
reports by the due date, an officer gives a reasoned verdict once, the case closes only with every condition met,
goes back to the council only once every condition is verified, and only a conditional decision whose conditions are
all met is upgraded to positive — as a new decision linked to the old one, both in the register."""
import io
from datetime import timedelta

import pytest

from qa_portal.auth.models import Role
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.decisions.services import follow_up
from qa_portal.decisions.services.council import DecisionRefused, record_decision
from qa_portal.decisions.models import Appeal, AppealOutcome, ConditionVerdict, Decision
from qa_portal.decisions.services.publication import publish_cases
from qa_portal.extensions import db
from qa_portal.pilots.models import QaStatus
from qa_portal.reviews.models import CaseAction, CaseSpecification, CaseState
from qa_portal.core.workflow import TransitionRefused
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.decisions.factories import council_member, pending_case, published_case, valid_input
from tests.factories import make_user
from tests.pilots.factories import make_specification
from tests.reviews.factories import hei_user_for, tiny_pdf


def in_follow_up(due_in_days: tuple[int, ...] = (60, 90)):
    """A conditional decision (one condition per due offset from today, negative = already due) published and
    in follow-up; returns (case, decision, officer)."""
    case = pending_case()
    meeting = utcnow().date() - timedelta(days=200)
    conditions = [(f"Condition text {number}.", utcnow().date() + timedelta(days=days))
                  for number, days in enumerate(due_in_days, 1)]
    decision = record_decision(council_member(case), case, valid_input(
        case, "positive_with_conditions", meeting_date=meeting, conditions=conditions))
    officer = make_user(Role.OFFICER)
    publish_cases(officer, [case.id])
    CASE_WORKFLOW.apply(case, CaseAction.START_FOLLOW_UP, officer)
    db.session.commit()
    return case, decision, officer


def met_all_conditions(case, officer) -> None:
    """Report on and mark met every condition of the case's published decision (stored directly, any state)."""
    from qa_portal.decisions.models import ConditionFollowUp

    for condition in follow_up.followed_decision(case).conditions:
        db.session.add(ConditionFollowUp(condition=condition, report="Done.", reported_by_id=officer.id,
                                         verdict=ConditionVerdict.MET, verdict_reason="Checked.",
                                         verified_by_id=officer.id, verified_at=utcnow()))
    db.session.commit()
    db.session.expire_all()


def test_follow_up_starts_only_for_a_decision_with_conditions(app):
    """D8: a published positive decision has nothing to follow up — the case is closed directly."""
    case, decision = published_case("positive")
    officer = decision.published_by
    with pytest.raises(TransitionRefused, match="The published decision has no conditions to follow up: close the "
                                                "case instead."):
        CASE_WORKFLOW.apply(case, CaseAction.START_FOLLOW_UP, officer)
    db.session.rollback()
    CASE_WORKFLOW.apply(case, CaseAction.CLOSE_CASE, officer)
    assert case.state == CaseState.CLOSED


def test_institution_reports_with_a_content_checked_document(app):
    """The institution reports on a condition with text and a document stored like evidence (SHA-256, sniffed)."""
    case, decision, _officer = in_follow_up()
    condition = decision.conditions[0]
    report = follow_up.report_condition(hei_user_for(case), case, condition, "We did it.",
                                        (io.BytesIO(tiny_pdf("Minutes")), "minutes.pdf"))
    db.session.commit()
    assert follow_up.condition_status(condition) == "reported"
    assert report.mime_type == "application/pdf" and len(report.sha256) == 64 and report.original_name == "minutes.pdf"


def test_report_after_the_due_date_is_refused(app):
    """A report is made by the condition's due date; later it is refused with the date shown."""
    case, decision, _officer = in_follow_up((-1, 60))
    with pytest.raises(DomainError, match="The report on this condition was due by"):
        follow_up.report_condition(hei_user_for(case), case, decision.conditions[0], "Late.")
    assert follow_up.is_overdue(decision.conditions[0]) and not follow_up.is_overdue(decision.conditions[1])


def test_report_needs_text_and_a_case_in_follow_up(app):
    """An empty report is refused; so is reporting when the case is not in follow-up."""
    case, decision, _officer = in_follow_up()
    with pytest.raises(DomainError, match="Describe what the institution has done"):
        follow_up.report_condition(hei_user_for(case), case, decision.conditions[0], "  ")
    published, other = published_case("positive_with_conditions")
    with pytest.raises(DomainError, match="Conditions are reported on and verified while the case is in follow-up."):
        follow_up.report_condition(hei_user_for(published), published, other.conditions[0], "Early.")


def test_verdict_needs_a_reason_a_report_to_be_met_and_is_final(app):
    """An officer marks a condition met only on a report, always with a reason, and only once."""
    case, decision, officer = in_follow_up()
    condition = decision.conditions[0]
    with pytest.raises(DomainError, match="A condition is marked met only on the institution's report."):
        follow_up.verify_condition(officer, case, condition, True, "Looks fine.")
    follow_up.report_condition(hei_user_for(case), case, condition, "Done.")
    with pytest.raises(DomainError, match="Give the reason for the verdict."):
        follow_up.verify_condition(officer, case, condition, True, "")
    follow_up.verify_condition(officer, case, condition, True, "Evidence shows it.")
    db.session.commit()
    assert follow_up.condition_status(condition) == "met"
    with pytest.raises(DomainError, match="This condition has already been verified."):
        follow_up.verify_condition(officer, case, condition, False, "Changed my mind.")
    with pytest.raises(DomainError, match="already been verified; its report can no longer change"):
        follow_up.report_condition(hei_user_for(case), case, condition, "More.")


def test_conditions_are_never_edited_by_their_follow_up(app):
    """The follow-up lives beside the condition: the condition's text and due date stay as decided."""
    case, decision, officer = in_follow_up()
    condition = decision.conditions[0]
    text, due_on = condition.text, condition.due_on
    follow_up.report_condition(hei_user_for(case), case, condition, "Done.")
    follow_up.verify_condition(officer, case, condition, True, "Checked.")
    db.session.commit()
    db.session.expire_all()
    assert (condition.text, condition.due_on) == (text, due_on)


def test_case_closes_only_when_every_condition_is_met(app):
    """close_case from follow-up is refused while a condition is not met."""
    case, decision, officer = in_follow_up()
    hei = hei_user_for(case)
    follow_up.report_condition(hei, case, decision.conditions[0], "Done.")
    follow_up.verify_condition(officer, case, decision.conditions[0], True, "Checked.")
    with pytest.raises(TransitionRefused, match=r"The case cannot be closed yet: 1 condition\(s\) of the decision are "
                                                r"not met yet."):
        CASE_WORKFLOW.apply(case, CaseAction.CLOSE_CASE, officer)
    follow_up.report_condition(hei, case, decision.conditions[1], "Done too.")
    follow_up.verify_condition(officer, case, decision.conditions[1], True, "Checked.")
    CASE_WORKFLOW.apply(case, CaseAction.CLOSE_CASE, officer)
    assert case.state == CaseState.CLOSED


def test_unmet_condition_sends_the_case_back_once_every_condition_is_verified(app):
    """require_redecision needs every condition verified; a condition not met leads back to decision_pending."""
    case, decision, officer = in_follow_up()
    follow_up.verify_condition(officer, case, decision.conditions[0], False, "No report was made.")
    with pytest.raises(TransitionRefused, match=r"1 condition\(s\) still await the officer's verdict."):
        CASE_WORKFLOW.apply(case, CaseAction.REQUIRE_REDECISION, officer, comment="Condition 1 not met.")
    follow_up.report_condition(hei_user_for(case), case, decision.conditions[1], "Done.")
    follow_up.verify_condition(officer, case, decision.conditions[1], True, "Checked.")
    CASE_WORKFLOW.apply(case, CaseAction.REQUIRE_REDECISION, officer, comment="Condition 1 not met.")
    assert case.state == CaseState.DECISION_PENDING


def test_d7_upgrade_refused_while_a_condition_is_not_met(app):
    """D7: after a condition was not met, the council cannot upgrade the decision to positive."""
    case, decision, officer = in_follow_up((60,))
    follow_up.verify_condition(officer, case, decision.conditions[0], False, "Not done.")
    CASE_WORKFLOW.apply(case, CaseAction.REQUIRE_REDECISION, officer, comment="Condition 1 not met.")
    db.session.commit()
    with pytest.raises(DecisionRefused, match="Only a decision positive with conditions whose conditions are all met "
                                              "may be upgraded to a positive one."):
        record_decision(council_member(case), case, valid_input(case, "positive"))


def test_d7_upgrade_of_a_met_conditional_decision_is_a_new_linked_decision(app, client):
    """D7: with every condition met, the council records a positive decision linked to the conditional one; the old
    one is unchanged and both stay in the register."""
    case, decision, officer = in_follow_up((60,))
    met_all_conditions(case, officer)
    CASE_WORKFLOW.apply(case, CaseAction.REQUIRE_REDECISION, officer, comment="All met: upgrade.")
    db.session.commit()
    upgraded = record_decision(council_member(case), case, valid_input(case, "positive"))
    publish_cases(officer, [case.id])
    db.session.commit()
    assert upgraded.supersedes_id == decision.id
    assert db.session.get(Decision, decision.id).outcome.code == "positive_with_conditions"
    old_page = client.get(f"/register/{decision.id}").get_data(as_text=True)
    assert "Met" in old_page and f"/register/{upgraded.id}" in old_page
    assert f"/register/{decision.id}" in client.get(f"/register/{upgraded.id}").get_data(as_text=True)


def test_d7_only_a_conditional_decision_is_upgraded_but_appeal_reconsideration_is_not_an_upgrade(app):
    """D7: a negative decision is not upgraded to positive — unless the appeals body returned it for
    reconsideration, which is a fresh decision, not an upgrade."""
    case, decision = published_case("negative")
    case.state = CaseState.DECISION_PENDING
    db.session.commit()
    member = council_member(case)
    with pytest.raises(DecisionRefused, match="Only a decision positive with conditions"):
        record_decision(member, case, valid_input(case, "positive"))
    db.session.rollback()
    db.session.add(Appeal(case_id=case.id, decision_id=decision.id, statement="Misapplied.", status="returned",
                          decision_due_on=utcnow().date(), admissibility="admissible", admissibility_reason="In time.",
                          outcome=AppealOutcome.RETURN, outcome_reasons="Reconsider."))
    db.session.commit()
    assert record_decision(member, case, valid_input(case, "positive")).supersedes_id == decision.id


def test_register_shows_each_condition_status(app, client):
    """The register's decision page shows each condition's status (reported, met, overdue)."""
    case, decision, officer = in_follow_up((-1, 60))
    follow_up.report_condition(hei_user_for(case), case, decision.conditions[1], "Done.")
    db.session.commit()
    page = client.get(f"/register/{decision.id}").get_data(as_text=True)
    assert "Open · overdue" in page and "Reported by the institution" in page


def test_catalogue_shows_qa_status_and_links_to_the_published_decision(app, client):
    """Publishing a positive or conditional decision marks the reviewed micro-credentials quality-assured; the public
    catalogue page links to the decision in the register."""
    case = pending_case()
    version = make_specification(case.institution, published=True, title_en="Data literacy for teachers")
    db.session.add(CaseSpecification(case_id=case.id, specification_version_id=version.id))
    db.session.commit()
    url = f"/catalogue/{version.micro_credential_id}/v{version.number}"
    assert "/register/" not in client.get(url).get_data(as_text=True)
    decision = record_decision(council_member(case), case, valid_input(case, "positive_with_conditions"))
    publish_cases(make_user(Role.OFFICER), [case.id])
    db.session.commit()
    assert version.micro_credential.qa_status == QaStatus.QUALITY_ASSURED
    page = client.get(url).get_data(as_text=True)
    assert f"/register/{decision.id}" in page and "Quality-assured by the agency" in page


def test_a_negative_decision_leaves_the_qa_status(app):
    """A published negative decision does not mark the micro-credential quality-assured."""
    case = pending_case()
    version = make_specification(case.institution, published=True)
    db.session.add(CaseSpecification(case_id=case.id, specification_version_id=version.id))
    db.session.commit()
    before = version.micro_credential.qa_status
    record_decision(council_member(case), case, valid_input(case, "negative"))
    publish_cases(make_user(Role.OFFICER), [case.id])
    assert version.micro_credential.qa_status == before

