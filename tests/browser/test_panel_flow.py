"""In a real browser, the whole expert-panel review: the officer forms a panel (one member flagged for a past
affiliation), the experts declare, the officer rules the conflict mitigated and starts the desk review, the
members score (one criterion divergent), the chair records the consensus, plans and closes the site visit,
drafts the report and sends it; the institution comments on the facts, the chair answers, revises and
finalises. Only the starting case (SER accepted, panel formation) is set up through the services."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes
from qa_portal.reviews.services import report as reports
from qa_portal.reviews.models import (
    CaseState, ConsensusJudgement, ExpertType, MemberStatus, PanelMember, ReportStatus,
)
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import browser_login, confirm_step
from tests.factories import PASSWORD, make_institution, make_user
from tests.reviews.factories import complete_ser, criteria_of, hei_user_for, make_case
from tests.reviews.panel_factories import make_expert

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"panel_flow_{name}.png"), full_page=True)


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


def _case_in_panel_formation(institution):
    """A case whose SER the HEI submitted and the officer accepted (set up through the services)."""
    case = make_case(institution=institution, standards=1, criteria=2)
    complete_ser(case)
    CASE_WORKFLOW.apply(case, CaseAction.SUBMIT_SER, hei_user_for(case))
    CASE_WORKFLOW.apply(case, CaseAction.ACCEPT_SER, make_user(Role.OFFICER))
    db.session.commit()
    assert case.state == CaseState.PANEL_FORMATION
    return case


def _expert(name: str, kind: ExpertType, **profile):
    return make_expert(kind, user=make_user(Role.EXPERT, full_name=name), **profile)


def _propose(page, user, role: str) -> None:
    page.locator("#propose-expert").select_option(value=str(user.id))
    page.locator("#propose-role").select_option(value=role)
    page.get_by_role("button", name="Propose").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Proposed {user.full_name} for the panel")


def _declare(page, live_server, user, case_reference: str, interest: tuple[str, str] | None = None) -> None:
    """The expert opens the declaration from My work and signs it (none, or one interest with details)."""
    browser_login(page, live_server, user.email, PASSWORD)
    page.locator(".work-items a", has_text=case_reference).click()
    expect(page.locator("main h1")).to_contain_text("Declaration of interests")
    if interest is None:
        page.get_by_label("I have no interest in this case or institution that could affect my judgement.").check()
    else:
        page.get_by_label("I declare the interests listed below.").check()
        page.locator("#items-0-kind").select_option(value=interest[0])
        page.locator("#items-0-details").fill(interest[1])
    page.locator("#signed_name").fill(user.full_name)
    page.get_by_role("button", name="Sign the declaration").click()
    expect(page.locator(".flash-success")).to_contain_text("Your declaration is signed")


def _score(page, live_server, user, case_id: int, criteria, levels: list[str], shot: str | None = None) -> None:
    """The member judges every criterion (level, rationale, evidence) on the one page, saves all, then submits."""
    browser_login(page, live_server, user.email, PASSWORD)
    page.goto(f"/cases/{case_id}")
    page.get_by_role("link", name="My judgements").click()
    page.get_by_role("link", name="Read and acknowledge the briefing (needed before scoring)").click()
    expect(page.locator("main")).to_contain_text("Confidentiality")
    page.get_by_role("button", name="I have read the briefing and will keep to it").click()
    expect(page.locator(".flash-success")).to_contain_text("You acknowledged the case's briefing")
    page.goto(f"/cases/{case_id}/scoring")
    for criterion, level in zip(criteria, levels):
        card = page.locator(f"#criterion-{criterion.id}")
        card.locator(f"#c{criterion.id}-level").select_option(label=level)
        card.locator(f"#c{criterion.id}-rationale").fill(
            f"{user.full_name}: the self-evaluation and the policy show {level.lower()} practice for {criterion.code}.")
        card.locator("input[type=checkbox]").first.check()
    page.get_by_role("button", name="Save all").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Saved your judgements of {len(criteria)} criteria")
    if shot:
        _shot(page, shot)
    page.get_by_role("button", name="Submit my judgements").click()
    confirm_step(page, "Submit my judgements", "cannot be changed")
    expect(page.locator(".flash-success")).to_contain_text("Your judgements were submitted")
    _sign_out(page)


def test_officer_forms_panel_experts_declare_score_visit_report_factual_check_finalise(page, live_server):
    """Every step of the panel stages through the real pages, as the officer, the experts, the chair and the HEI."""
    load_outcome_schemes()
    institution = make_institution(name_en="Panel Flow University")
    case = _case_in_panel_formation(institution)
    case_id, reference = case.id, case.reference
    first, second = criteria_of(case)
    officer, hei = make_user(Role.OFFICER, full_name="Olga Officer"), hei_user_for(case)
    chair = _expert("Chris Chair", ExpertType.ACADEMIC, fields=("0413",)).user
    academic = _expert("Alex Academic", ExpertType.ACADEMIC, fields=("0613",), affiliations=[
        (institution, "Associate professor", date(2012, 9, 1), date.today() - timedelta(days=730))]).user
    student = _expert("Sona Student", ExpertType.STUDENT, fields=("0311",)).user
    db.session.commit()

    # 1. The officer forms the panel; the portal flags the academic's past affiliation.
    browser_login(page, live_server, officer.email, PASSWORD)
    page.goto(f"/cases/{case_id}")
    page.get_by_role("link", name="Open the panel").click()
    expect(page.locator("#propose-expert option", has_text="Alex Academic")).to_contain_text("likely conflict")
    _propose(page, chair, "chair")
    _propose(page, academic, "academic")
    _propose(page, student, "student")
    expect(page.locator(".panel-warnings")).to_be_visible()  # no employer, no international member
    academic_row = page.locator("tr", has=page.get_by_role("rowheader", name="Alex Academic"))
    expect(academic_row.locator(".panel-conflicts")).to_contain_text("Panel Flow University")
    expect(page.locator(".panel-problems")).to_contain_text("is not cleared")
    _shot(page, "1_panel_proposed")
    page.goto(f"/cases/{case_id}")
    expect(page.get_by_role("button", name="Start the desk review")).to_be_visible()
    _sign_out(page)

    # 2. Each expert signs a declaration; the academic declares the past employment.
    _declare(page, live_server, chair, reference)
    _sign_out(page)
    _declare(page, live_server, academic, reference,
             ("employment", "Associate professor at the institution until two years ago; no role there since."))
    expect(page.locator("main")).to_contain_text("An officer will rule on the conflict before you may see the case.")
    _shot(page, "2_academic_declared")
    assert page.request.get(f"{live_server.url}/cases/{case_id}/ser").status in (403, 404)
    _sign_out(page)
    _declare(page, live_server, student, reference)
    _sign_out(page)

    # 2b. The institution confirms it has no objection to the panel, ending its objection window early.
    browser_login(page, live_server, hei.email, PASSWORD)
    page.goto(f"/cases/{case_id}/panel")
    page.get_by_role("button", name="Confirm that we have no objection to this panel").click()
    expect(page.locator(".flash-success")).to_contain_text("no objection to the panel")
    _sign_out(page)

    # 3. The officer rules the academic's conflict mitigated, with reasons, and starts the desk review.
    browser_login(page, live_server, officer.email, PASSWORD)
    page.goto(f"/cases/{case_id}/panel")
    academic_row = page.locator("tr", has=page.get_by_role("rowheader", name="Alex Academic"))
    academic_row.get_by_text("Rule on the conflict…").click()
    academic_row.get_by_label("Mitigated: the member may sit").check()
    academic_row.get_by_label("Written reasons (audited)").fill(
        "The employment ended two years ago and concerned another faculty; the student and the chair balance "
        "the panel.")
    academic_row.get_by_role("button", name="Record the ruling").click()
    expect(page.locator(".flash-success")).to_contain_text("Recorded the ruling on Alex Academic's conflict")
    expect(page.locator("main")).to_contain_text("The panel is complete and cleared")
    _shot(page, "3_conflict_ruled")
    page.goto(f"/cases/{case_id}")
    page.get_by_role("button", name="Start the desk review").click()
    expect(page.locator(".case-state")).to_have_text("Desk review")
    _sign_out(page)
    db.session.expire_all()
    assert {member.status for member in db.session.query(PanelMember).filter_by(case_id=case_id)} == {
        MemberStatus.CLEARED}

    # 4. The members score every criterion; the student's level on the second criterion diverges.
    _score(page, live_server, chair, case_id, (first, second), ["Fully compliant", "Fully compliant"],
           "4_chair_scoring")
    _score(page, live_server, academic, case_id, (first, second), ["Fully compliant", "Substantially compliant"])
    _score(page, live_server, student, case_id, (first, second), ["Substantially compliant", "Partially compliant"])

    # 5. The chair sees the divergence and records the consensus, then starts the visit.
    browser_login(page, live_server, chair.email, PASSWORD)
    page.goto(f"/cases/{case_id}")
    page.get_by_role("link", name="Scoring summary").click()
    expect(page.locator(f"#criterion-{second.id}")).to_contain_text("divergent")
    for criterion, level in ((first, "Fully compliant"), (second, "Substantially compliant")):
        row = page.locator(f"#criterion-{criterion.id}")
        row.locator(f"#k{criterion.id}-level").select_option(label=level)
        row.locator(f"#k{criterion.id}-rationale").fill(f"After discussion the panel agrees: {level.lower()}.")
    page.get_by_role("button", name="Save the consensus").click()
    expect(page.locator(".flash-success")).to_contain_text("Recorded the panel's consensus on 2 criteria")
    _shot(page, "5_consensus")
    page.goto(f"/cases/{case_id}")
    page.get_by_role("button", name="Start the site visit").click()
    expect(page.locator(".case-state")).to_have_text("Site visit")

    # 6. The chair plans the visit, adds a session with notes tagged to the standard, and closes the visit.
    page.get_by_role("link", name="Open the site visit").click()
    visit_day = date.today() + timedelta(days=7)
    page.locator("#mode").select_option(value="onsite")
    page.locator("#starts_on").fill(visit_day.isoformat())
    page.locator("#ends_on").fill(visit_day.isoformat())
    page.locator("#location").fill("Main building, room 204")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved the visit plan")
    page.get_by_role("link", name="Add a session").click()
    page.locator("#starts_at").fill(f"{visit_day.isoformat()}T10:00")
    page.locator("#duration_minutes").fill("60")
    page.locator("#stakeholder_group").select_option(value="students")
    page.locator("#attendees").fill("Six learners of the spring run")
    page.locator("#notes").fill("Learners confirmed the final project is assessed by two teachers.")
    page.get_by_label("S1 Standard 1 title").check()
    page.get_by_role("button", name="Save the session").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved the session")
    _shot(page, "6_visit")
    page.goto(f"/cases/{case_id}")
    page.get_by_role("button", name="Close the site visit").click()
    expect(page.locator(".case-state")).to_have_text("Report drafting")

    # 7. The chair drafts the report (generated from the consensus) and sends it to the institution.
    page.get_by_role("link", name="Open the panel report").click()
    expect(page.locator("#section-1")).to_contain_text("Substantially compliant")
    page.get_by_role("link", name="Edit S1").click()
    page.locator("#strengths").fill("Employers designed the final project with the teachers.")
    page.get_by_role("button", name="Save the section").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved the section on S1")
    page.get_by_role("link", name="Edit the conclusion").click()
    page.locator("#overall_conclusion").fill("The micro-credential meets the standards; learner feedback "
                                             "should be analysed after every run.")
    page.locator("#recommended_outcome").select_option(label="Positive")
    page.get_by_role("button", name="Save the conclusion").click()
    _shot(page, "7_report_draft")
    page.get_by_role("button", name="Send for the factual-accuracy check").click()
    confirm_step(page, "Send for the factual-accuracy check")
    expect(page.locator(".case-state")).to_have_text("Factual-accuracy check")
    _sign_out(page)

    # 8. The institution comments on a fact in the draft.
    browser_login(page, live_server, hei.email, PASSWORD)
    page.goto(f"/cases/{case_id}")
    page.get_by_role("link", name="Open the panel report").click()
    page.locator("#section").select_option(label="S1 Standard 1 title")
    page.locator("#comment").fill("The spring run had eight learners, not six.")
    page.get_by_role("button", name="Send the comment").click()
    expect(page.locator(".flash-success")).to_contain_text("sent to the panel chair")
    _shot(page, "8_hei_comment")
    page.get_by_role("button", name="We have no further comments").click()
    expect(page.locator(".flash-success")).to_contain_text("no further comments")
    _sign_out(page)

    # 9. The chair answers the comment and finalises the report.
    browser_login(page, live_server, chair.email, PASSWORD)
    page.goto(f"/cases/{case_id}/report")
    page.get_by_label("Accepted").check()
    page.locator("textarea[id$='-answer']").fill("Accepted: the findings now say eight learners.")
    page.get_by_role("button", name="Save the answers").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved the answers (1 changed)")
    page.get_by_role("link", name="Edit S1").click()
    findings = page.locator("#findings")
    findings.fill(findings.input_value() + "\n\nThe spring run had eight learners; six met the panel.")
    page.get_by_role("button", name="Save the section").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved the section on S1")
    page.get_by_role("button", name="Finalise the panel report").click()
    confirm_step(page, "Finalise the panel report")
    expect(page.locator(".case-state")).to_have_text("Decision pending")
    _shot(page, "9_finalised")
    _sign_out(page)

    db.session.expire_all()
    report = reports.report_of(case)
    assert report.status == ReportStatus.FINAL and report.case.state == CaseState.DECISION_PENDING
    assert db.session.query(ConsensusJudgement).filter_by(case_id=case_id).count() == 2
    browser_login(page, live_server, hei.email, PASSWORD)
    page.goto(f"/cases/{case_id}/report")
    expect(page.locator("main")).to_contain_text(report.final_sha256)
    expect(page.locator("#comments")).to_contain_text("Accepted: the findings now say eight learners.")
    expect(page.locator("#section-1")).to_contain_text("The spring run had eight learners")
    _shot(page, "10_hei_final")
