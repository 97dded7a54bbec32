"""The panel report: generated from the consensus, edited by the chair and secretary, checked against the decision
rule, sent with a frozen version and a working-day deadline, versioned on every later save."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes
from qa_portal.reviews.services import report as reports
from qa_portal.reviews.models import (
    CaseState, ConsensusJudgement, PanelReport, PanelReportVersion, PanelRole, ReportStatus,
)
from qa_portal.reviews.services.self_evaluation import version_levels
from qa_portal.core.workflow import TransitionRefused
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.factories import login, make_user
from tests.reviews.factories import criteria_of, hei_user_for, make_case, make_evidence
from tests.reviews.panel_factories import cleared_panel, seat
from tests.reviews.walk_setups import drafted_report

ROLES = (PanelRole.CHAIR, PanelRole.ACADEMIC, PanelRole.STUDENT, PanelRole.SECRETARY)


def drafting_case(standards: int = 2, criteria: int = 2, **fields):
    """A case in report drafting with a cleared panel (chair, academic, student, secretary) and outcome schemes."""
    load_outcome_schemes()
    case = make_case(CaseState.REPORT_DRAFTING, standards=standards, criteria=criteria, **fields)
    return case, cleared_panel(case, ROLES)


def add_evidence(case, title: str = "Council minutes"):
    """An evidence file uploaded for the case (its SER reopened for the upload, then its state restored)."""
    state, case.state = case.state, CaseState.SER_IN_PREPARATION
    evidence = make_evidence(case, title=title)
    case.state = state
    db.session.commit()
    return evidence


def levels_of(case) -> dict:
    """The case's levels by code."""
    return {level.code: level for level in version_levels(case)}


def consensus(case, criterion, code: str, rationale: str = "Agreed after the visit.") -> None:
    db.session.add(ConsensusJudgement(case_id=case.id, criterion_id=criterion.id, level_id=levels_of(case)[code].id,
                                      rationale=rationale))
    db.session.commit()


def outcome(case, code: str):
    return next(o for o in reports.outcome_choices(case) if o.code == code)


# --- generation ----------------------------------------------------------------------------------------------

def test_drafting_generates_a_section_per_standard_prefilled_from_the_consensus(app):
    """Each standard gets a section whose findings quote every criterion's consensus level and rationale, and
    whose judgement is the worst consensus level among its criteria."""
    case, panel = drafting_case(standards=2, criteria=2)
    c11, c12, c21, c22 = criteria_of(case)
    consensus(case, c11, "fully_compliant", "Policy approved by the senate in 2025.")
    consensus(case, c12, "partially_compliant", "Stakeholders were consulted only once.")
    consensus(case, c21, "substantially_compliant")
    consensus(case, c22, "fully_compliant")
    reports.on_drafting_started(case, panel[PanelRole.CHAIR].user)
    db.session.commit()
    report = reports.report_of(case)
    assert [s.standard.code for s in report.sections] == ["S1", "S2"]
    first, second = report.sections
    assert "C1.1 — Fully compliant: Policy approved by the senate in 2025." in first.findings
    assert "C1.2 — Partially compliant: Stakeholders were consulted only once." in first.findings
    assert first.level.code == "partially_compliant"
    assert second.level.code == "substantially_compliant"


def test_standard_judgement_ignores_not_applicable_criteria(app):
    """A not-applicable consensus does not count towards the standard's judgement; all not applicable → none."""
    case, panel = drafting_case(standards=2, criteria=2)
    c11, c12, c21, c22 = criteria_of(case)
    na = next(level.code for level in version_levels(case) if level.not_applicable)
    consensus(case, c11, na)
    consensus(case, c12, "substantially_compliant")
    consensus(case, c21, na)
    consensus(case, c22, na)
    reports.on_drafting_started(case, None)
    first, second = reports.report_of(case).sections
    assert first.level.code == "substantially_compliant"
    assert second.level is None


def test_drafting_is_idempotent(app):
    """Starting the draft twice keeps one report with one section per standard and the chair's edits."""
    case, panel = drafting_case()
    report = drafted_report(case)
    report.sections[0].strengths = "Kept."
    db.session.commit()
    reports.on_drafting_started(case, None)
    db.session.commit()
    assert db.session.scalar(select(func.count(PanelReport.id)).where(PanelReport.case_id == case.id)) == 1
    assert len(reports.report_of(case).sections) == 2
    assert reports.report_of(case).sections[0].strengths == "Kept."


# --- editing -------------------------------------------------------------------------------------------------

def _section_post(case, level_code="fully_compliant", findings="Revised findings."):
    return {"findings": findings, "strengths": "Strong outcomes.", "areas_for_improvement": "Feedback loop.",
            "recommendations": "Publish the analysis.", "level": str(levels_of(case)[level_code].id)}


def test_chair_and_secretary_edit_sections_other_members_officers_and_the_institution_get_403(app, client):
    """Only the chair and the secretary edit the report; an academic member, an officer and the HEI get 403."""
    case, panel = drafting_case()
    drafted_report(case)
    url = f"/cases/{case.id}/report/sections/1"
    for role in (PanelRole.CHAIR, PanelRole.SECRETARY):
        login(client, panel[role].user)
        assert client.get(url).status_code == 200
        assert client.post(url, data=_section_post(case, findings=f"By the {role}.")).status_code == 302
        client.post("/logout")
    assert reports.report_of(case).sections[0].findings == "By the secretary."
    assert reports.report_of(case).sections[0].strengths == "Strong outcomes."
    for user in (panel[PanelRole.ACADEMIC].user, make_user(Role.OFFICER), hei_user_for(case)):
        login(client, user)
        assert client.get(url).status_code == 403
        assert client.post(url, data=_section_post(case)).status_code == 403
        client.post("/logout")


def test_a_section_needs_findings_and_a_level_of_the_cases_scale(app):
    """Saving a section without findings, or with a level of another scale, is refused (409) on the field."""
    case, panel = drafting_case()
    report = drafted_report(case)
    chair = panel[PanelRole.CHAIR].user
    other_level = levels_of(make_case())["fully_compliant"]
    with pytest.raises(reports.DomainError) as error:
        reports.save_section(chair, case, report.sections[0], {"findings": "  "}, None)
    assert error.value.field == "findings"
    with pytest.raises(reports.DomainError) as error:
        reports.save_section(chair, case, report.sections[0], {"findings": "Text."}, other_level.id)
    assert error.value.field == "level"


def test_outcomes_come_from_the_calls_scheme_and_the_pilot_scheme_without_an_application(app):
    """A case's recommended outcome is chosen from its call's scheme; a case without an application uses "pilot"."""
    from qa_portal.pilots.models import OutcomeScheme
    from tests.pilots.calls_factories import make_application, make_call

    case, _panel = drafting_case()
    assert [o.code for o in reports.outcome_choices(case)] == ["positive", "positive_with_conditions", "negative"]
    call = make_call()
    call.outcome_scheme = db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == "anqa-2025"))
    application = make_application(call, case.institution, [])
    case.application_id = application.id
    db.session.commit()
    db.session.refresh(case)
    assert "accredited_6_years" in [o.code for o in reports.outcome_choices(case)]
    with pytest.raises(reports.DomainError) as error:  # the pilot scheme's outcome is not the call's
        reports.save_conclusion(None, case, drafted_report(case, outcome_code="rejected"), "Text.",
                                db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == "pilot"))
                                .outcomes[0].id, "")
    assert error.value.field == "recommended_outcome"


# --- decision rule -------------------------------------------------------------------------------------------

def _non_compliant_case(mandatory: bool = True):
    case, panel = drafting_case(standards=1, criteria=2)
    first, second = criteria_of(case)
    first.mandatory = mandatory
    db.session.commit()
    consensus(case, first, "non_compliant")
    consensus(case, second, "fully_compliant")
    return case, panel, drafted_report(case, outcome_code="negative")


@pytest.mark.parametrize("code", ["positive", "positive_with_conditions"])
def test_positive_or_conditional_despite_a_non_compliant_mandatory_criterion_needs_the_chairs_reason(app, code):
    """Recommending a positive or conditional outcome with a non-compliant mandatory criterion is refused (409)
    naming the criterion, until the chair writes a reason."""
    case, panel, report = _non_compliant_case()
    chair = panel[PanelRole.CHAIR].user
    with pytest.raises(reports.DomainError) as error:
        reports.save_conclusion(chair, case, report, "Conclusion.", outcome(case, code).id, "")
    assert error.value.status_code == 409 and error.value.field == "recommendation_reason"
    assert "C1.1" in error.value.message
    reports.save_conclusion(chair, case, report, "Conclusion.", outcome(case, code).id, "The gap was closed.")
    assert report.recommendation_reason == "The gap was closed."


def test_negative_recommendation_or_non_mandatory_gap_needs_no_reason(app):
    """A negative recommendation, or a non-compliant criterion that is not mandatory, follows the rule: no reason."""
    case, panel, report = _non_compliant_case()
    reports.save_conclusion(None, case, report, "Conclusion.", outcome(case, "negative").id, "")
    case, panel, report = _non_compliant_case(mandatory=False)
    reports.save_conclusion(None, case, report, "Conclusion.", outcome(case, "positive").id, "")
    assert report.recommended_outcome.code == "positive"


def test_conclusion_page_refuses_a_departing_recommendation_with_409_and_keeps_the_text(app, client):
    """The conclusion form answers 409 naming the criteria and keeps what the chair typed."""
    case, panel, report = _non_compliant_case()
    login(client, panel[PanelRole.CHAIR].user)
    response = client.post(f"/cases/{case.id}/report/conclusion", data={
        "overall_conclusion": "My careful conclusion.", "recommended_outcome": str(outcome(case, "positive").id),
        "recommendation_reason": ""})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "C1.1" in page and "My careful conclusion." in page
    db.session.refresh(report)
    assert report.recommended_outcome.code == "negative"


# --- sending and versions ------------------------------------------------------------------------------------

def test_send_problems_list_every_missing_piece(app):
    """The report cannot be sent without findings and a judgement per section, a conclusion, an outcome, consensus
    for every criterion, and the reason a departing recommendation needs."""
    case, panel = drafting_case(standards=1, criteria=2)
    first, _second = criteria_of(case)
    consensus(case, first, "non_compliant")
    reports.on_drafting_started(case, None)
    report = reports.report_of(case)
    report.sections[0].findings = ""
    report.recommended_outcome = outcome(case, "positive")
    problems = " | ".join(reports.send_problems(case))
    for expected in ("S1 has no findings", "overall conclusion is missing", "no consensus judgement for C1.2",
                     "non-compliant mandatory criterion (C1.1)"):
        assert expected in problems
    report.sections[0].level = None
    assert "S1 has no judgement" in " | ".join(reports.send_problems(case))
    with pytest.raises(TransitionRefused):
        CASE_WORKFLOW.apply(case, CaseAction.SEND_FOR_FACTUAL_CHECK, panel[PanelRole.CHAIR].user)


def test_add_working_days_counts_monday_to_friday(app):
    """Working days skip Saturdays and Sundays."""
    friday = datetime(2026, 11, 27, 15, 0)
    assert reports.add_working_days(friday, 1) == datetime(2026, 11, 30, 15, 0)
    assert reports.add_working_days(friday, 10) == datetime(2026, 12, 11, 15, 0)


def test_sending_freezes_version_1_and_opens_the_window_in_working_days(app):
    """Sending freezes version 1 (content + SHA-256), marks the report sent and sets the working-day deadline."""
    case, panel = drafting_case()
    drafted_report(case)
    CASE_WORKFLOW.apply(case, CaseAction.SEND_FOR_FACTUAL_CHECK, panel[PanelRole.CHAIR].user)
    db.session.commit()
    report = reports.report_of(case)
    version = db.session.scalar(select(PanelReportVersion).where(PanelReportVersion.report_id == report.id))
    assert (version.number, version.is_final) == (1, False)
    assert version.sha256 == reports.content_sha256(version.content)
    assert report.status == ReportStatus.SENT and case.state == CaseState.FACTUAL_ACCURACY
    due = report.factual_check_due_at
    days_after_sending = [version.created_at.date() + timedelta(days=n)
                          for n in range(1, (due.date() - version.created_at.date()).days + 1)]
    assert due.weekday() < 5 and sum(day.weekday() < 5 for day in days_after_sending) == 10


def test_each_save_after_sending_makes_a_new_version_and_none_before(app):
    """Saves while drafting make no version; every save after sending freezes the next one."""
    case, panel = drafting_case()
    report = drafted_report(case)
    chair = panel[PanelRole.CHAIR].user
    reports.save_section(chair, case, report.sections[0], {"findings": "Draft text."}, report.sections[0].level_id)
    assert not db.session.scalars(select(PanelReportVersion)).all()
    CASE_WORKFLOW.apply(case, CaseAction.SEND_FOR_FACTUAL_CHECK, chair)
    reports.save_section(chair, case, report.sections[0], {"findings": "Revised."}, report.sections[0].level_id)
    reports.save_conclusion(chair, case, report, "Revised conclusion.", report.recommended_outcome_id, "")
    db.session.commit()
    versions = db.session.scalars(select(PanelReportVersion).order_by(PanelReportVersion.number)).all()
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[0].content["sections"][0]["findings"] == "Draft text."
    assert versions[1].content["sections"][0]["findings"] == "Revised."
    assert versions[2].content["overall_conclusion"] == "Revised conclusion."


def test_version_history_lists_each_version_and_each_is_viewable(app, client):
    """The history page lists every version with its hash; each version page shows that version's text."""
    case, panel = drafting_case()
    report = drafted_report(case)
    chair = panel[PanelRole.CHAIR].user
    CASE_WORKFLOW.apply(case, CaseAction.SEND_FOR_FACTUAL_CHECK, chair)
    reports.save_section(chair, case, report.sections[0], {"findings": "Second version text."},
                         report.sections[0].level_id)
    db.session.commit()
    login(client, hei_user_for(case))
    page = client.get(f"/cases/{case.id}/report/versions").get_data(as_text=True)
    for version in db.session.scalars(select(PanelReportVersion)):
        assert version.sha256 in page
    assert "Second version text." in client.get(f"/cases/{case.id}/report/versions/2").get_data(as_text=True)
    assert "Second version text." not in client.get(f"/cases/{case.id}/report/versions/1").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}/report/versions/9").status_code == 404


def test_the_institution_sees_nothing_of_the_report_before_it_is_sent(app, client):
    """Before sending, the HEI gets 404 on the report, its PDF and versions, and no card on the case page."""
    case, panel = drafting_case()
    drafted_report(case)
    login(client, hei_user_for(case))
    for url in ("/report", "/report.pdf", "/report/versions", "/report/versions/1", "/report/versions/1.pdf"):
        assert client.get(f"/cases/{case.id}{url}").status_code == 404
    assert 'id="report-card"' not in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_an_expert_not_cleared_on_the_panel_gets_403_on_the_report(app, client):
    """A proposed (not yet cleared) member reaches neither the report nor its PDF."""
    from qa_portal.reviews.models import MemberStatus

    case, panel = drafting_case()
    drafted_report(case)
    member = seat(case, PanelRole.EMPLOYER, status=MemberStatus.PROPOSED)
    login(client, member.user)
    for url in ("/report", "/report.pdf", "/report/sections/1", "/report/conclusion"):
        assert client.get(f"/cases/{case.id}{url}").status_code == 403


def test_case_page_card_links_to_the_report_for_the_panel(app, client):
    """The case page shows the report card with its status and a link for the chair."""
    case, panel = drafting_case()
    drafted_report(case)
    login(client, panel[PanelRole.CHAIR].user)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="report-card"' in page and f"/cases/{case.id}/report" in page and "Draft" in page


def test_edit_forms_open_with_the_saved_judgement_and_outcome_selected(app, client):
    """The section form opens with the generated judgement selected and the conclusion form with the saved outcome,
    so saving without touching them keeps them."""
    case, panel = drafting_case()
    report = drafted_report(case)
    login(client, panel[PanelRole.CHAIR].user)
    page = client.get(f"/cases/{case.id}/report/sections/1").get_data(as_text=True)
    assert f'<option selected value="{report.sections[0].level_id}">' in page
    page = client.get(f"/cases/{case.id}/report/conclusion").get_data(as_text=True)
    assert f'<option selected value="{report.recommended_outcome_id}">' in page
