"""In a real browser: the chair completes the generated report and sends it, the institution comments with
evidence, the chair answers, revises and finalises; the institution reads the answer and the final hash."""
import pytest
from playwright.sync_api import expect

from qa_portal.extensions import db
from qa_portal.reviews.services import report as reports
from qa_portal.reviews.models import CaseState, PanelRole, ReportStatus
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import browser_login, confirm_step
from tests.factories import PASSWORD
from tests.reviews.factories import hei_user_for
from tests.reviews.test_report import add_evidence, drafting_case
from tests.reviews.walk_setups import give_consensus

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report_{name}.png"), full_page=True)


def test_chair_drafts_sends_answers_and_finalises_the_report(page, live_server):
    """The report stage end to end through the real pages."""
    case, panel = drafting_case(standards=2, criteria=1)
    add_evidence(case, "Council minutes 12 March 2026")
    give_consensus(case)
    reports.on_drafting_started(case, None)
    db.session.commit()
    case_id, chair, hei = case.id, panel[PanelRole.CHAIR].user, hei_user_for(case)

    browser_login(page, live_server, chair.email, PASSWORD)
    page.goto(f"/cases/{case_id}")
    page.get_by_role("link", name="Open the panel report").click()
    expect(page.locator("#section-1")).to_contain_text("C1.1 — Fully compliant")
    page.get_by_role("link", name="Edit S1").click()
    page.locator("#strengths").fill("Employers designed the final project.")
    page.get_by_role("button", name="Save the section").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved the section on S1")
    page.get_by_role("link", name="Edit the conclusion").click()
    page.locator("#overall_conclusion").fill("The micro-credential meets the standards.")
    page.locator("#recommended_outcome").select_option(label="Positive")
    page.get_by_role("button", name="Save the conclusion").click()
    _shot(page, "1_chair_draft")
    page.get_by_role("button", name="Send for the factual-accuracy check").click()
    confirm_step(page, "Send for the factual-accuracy check", "institution, which is told")
    expect(page.locator(".case-state")).to_have_text("Factual-accuracy check")
    page.get_by_role("button", name="Sign out").click()

    browser_login(page, live_server, hei.email, PASSWORD)
    page.goto(f"/cases/{case_id}/report")
    page.locator("#section").select_option(label="S1 Standard 1 title")
    page.locator("#comment").fill("The council discussed the feedback on 12 March 2026.")
    page.locator("#evidence").select_option(label="Council minutes 12 March 2026")
    page.get_by_role("button", name="Send the comment").click()
    expect(page.locator(".flash-success")).to_contain_text("sent to the panel chair")
    _shot(page, "2_hei_commented")
    page.get_by_role("button", name="We have no further comments").click()
    expect(page.locator(".no-further-comments")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    browser_login(page, live_server, chair.email, PASSWORD)
    page.goto(f"/cases/{case_id}/report")
    page.get_by_label("Accepted").check()
    page.locator("textarea[id$='-answer']").fill("Accepted: the findings now mention the council's discussion.")
    page.get_by_role("button", name="Save the answers").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved the answers (1 changed)")
    page.get_by_role("link", name="Edit S1").click()
    page.locator("#findings").fill("The council discussed learner feedback on 12 March 2026.")
    page.get_by_role("button", name="Save the section").click()
    page.get_by_role("button", name="Finalise the panel report").click()
    confirm_step(page, "Finalise the panel report", "can no longer change")
    expect(page.locator(".case-state")).to_have_text("Decision pending")
    page.get_by_role("button", name="Sign out").click()

    db.session.expire_all()
    report = reports.report_of(case)
    assert report.status == ReportStatus.FINAL and report.case.state == CaseState.DECISION_PENDING
    browser_login(page, live_server, hei.email, PASSWORD)
    page.goto(f"/cases/{case_id}/report")
    expect(page.locator("main")).to_contain_text(report.final_sha256)
    expect(page.locator("#comments")).to_contain_text("Accepted: the findings now mention")
    expect(page.locator("#section-1")).to_contain_text("The council discussed learner feedback")
    _shot(page, "3_hei_final")
