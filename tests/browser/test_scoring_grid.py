"""In a real browser: an expert scores every criterion on one page and saves all; the chair enters the consensus in
the criteria × members grid (divergence flagged, levels labelled) and saves once; the grid prints."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from qa_portal.extensions import db
from qa_portal.reviews.models import ConsensusJudgement, PanelRole
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import browser_login, confirm_step
from tests.factories import PASSWORD
from tests.reviews.factories import criteria_of
from tests.reviews.test_scoring import desk_review_case, judge_all

pytestmark = pytest.mark.browser


def test_an_expert_scores_every_criterion_on_one_page_and_saves_all(page, live_server):
    case, panel = desk_review_case(standards=2, criteria=2)
    case_id, criteria = case.id, criteria_of(case)
    member = panel[PanelRole.ACADEMIC]
    browser_login(page, live_server, member.user.email, PASSWORD)
    page.goto(f"/cases/{case_id}/scoring")
    for criterion in criteria:
        page.locator(f"#c{criterion.id}-level").select_option(label="Substantially compliant")
        page.locator(f"#c{criterion.id}-rationale").fill(f"The minutes show it for {criterion.code}.")
    expect(page.locator("[data-editor-status]")).to_contain_text("Unsaved changes")
    page.get_by_role("button", name="Save all").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Saved your judgements of {len(criteria)} criteria")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scoring_member_page.png"), full_page=True)
    page.get_by_role("button", name="Submit my judgements").click()
    confirm_step(page, "Submit my judgements", "cannot be changed")
    expect(page.locator(".flash-success")).to_contain_text("Your judgements were submitted")


def test_the_chair_enters_the_consensus_in_the_grid(page, live_server):
    case, panel = desk_review_case(standards=2, criteria=2)
    case_id, criteria = case.id, criteria_of(case)
    judge_all(panel[PanelRole.CHAIR], level_index=0, submit=True)
    judge_all(panel[PanelRole.ACADEMIC], level_index=2, submit=True)
    judge_all(panel[PanelRole.STUDENT], level_index=1, submit=True)
    chair = panel[PanelRole.CHAIR].user

    browser_login(page, live_server, chair.email, PASSWORD)
    page.goto(f"/cases/{case_id}/scoring/summary")
    grid = page.locator("table.scoring-grid")
    expect(grid.locator("thead th")).to_have_count(3 + 3)  # criterion, three members, divergence, consensus
    first = page.locator(f"#criterion-{criteria[0].id}")
    expect(first).to_contain_text("divergent: 2 levels apart")
    expect(first.locator(".level-0")).to_have_text("Fully compliant")
    for criterion in criteria:
        row = page.locator(f"#criterion-{criterion.id}")
        row.locator(f"#k{criterion.id}-level").select_option(label="Substantially compliant")
        row.locator(f"#k{criterion.id}-rationale").fill(f"Agreed at the panel meeting for {criterion.code}.")
    page.get_by_role("button", name="Save the consensus").click()
    expect(page.locator(".flash-success")).to_contain_text(f"on {len(criteria)} criteria")
    expect(page.locator(f"#k{criteria[-1].id}-rationale")).to_have_value(
        f"Agreed at the panel meeting for {criteria[-1].code}.")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scoring_grid.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("table.scoring-grid")).to_be_visible()
    db.session.expire_all()
    recorded = db.session.scalars(select(ConsensusJudgement).where(ConsensusJudgement.case_id == case_id)).all()
    assert len(recorded) == len(criteria)
    assert all(row.rationale.startswith("Agreed at the panel meeting") for row in recorded)
