"""Keyboard only: the institution fills and saves a standard's SER page, and an expert fills and saves the scoring
page, with Tab, typing, arrow keys and Enter — no mouse."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.models import Judgement, PanelRole, SerEntry
from tests.browser.helpers import browser_login
from tests.factories import PASSWORD, make_institution, make_user
from tests.reviews.factories import criteria_of, make_case
from tests.reviews.test_scoring import desk_review_case

pytestmark = pytest.mark.browser


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching selector has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_standards_ser_page_is_filled_and_saved_with_the_keyboard_only(page, live_server):
    institution = make_institution(name_en="Keyboard University")
    case = make_case(institution=institution, standards=1, criteria=2)
    case_id, standard = case.id, case.standard_version.standards[0]
    criteria = [criterion.id for criterion in standard.criteria]
    hei = make_user(Role.HEI, institution=institution)
    browser_login(page, live_server, hei.email, PASSWORD)
    page.goto(f"/cases/{case_id}/ser/standards/{standard.id}")
    for criterion_id in criteria:
        _tab_to(page, f"#c{criterion_id}-narrative")
        page.keyboard.type("Typed with the keyboard only.")
        _tab_to(page, f"#c{criterion_id}-level")
        page.keyboard.press("ArrowDown")
        _tab_to(page, f"#c{criterion_id}-justification")
        page.keyboard.type("No document exists.")
    _tab_to(page, "button[value=all]")
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text("Saved 2 entries")
    db.session.expire_all()
    saved = db.session.scalars(select(SerEntry).where(SerEntry.case_id == case_id)).all()
    assert len(saved) == 2 and all(entry.is_answered for entry in saved)


def test_the_scoring_page_is_filled_and_saved_with_the_keyboard_only(page, live_server):
    case, panel = desk_review_case(standards=1, criteria=2)
    case_id, criteria = case.id, [criterion.id for criterion in criteria_of(case)]
    member = panel[PanelRole.ACADEMIC]
    browser_login(page, live_server, member.user.email, PASSWORD)
    page.goto(f"/cases/{case_id}/scoring")
    for criterion_id in criteria:
        _tab_to(page, f"#c{criterion_id}-level")
        page.keyboard.press("ArrowDown")
        _tab_to(page, f"#c{criterion_id}-rationale")
        page.keyboard.type("The policy and the minutes show it.")
    _tab_to(page, ".editor-bar button:not([formaction])")
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text("Saved your judgements of 2 criteria")
    db.session.expire_all()
    judged = db.session.scalars(select(Judgement).where(Judgement.member_id == member.id)).all()
    assert len(judged) == 2 and all(judgement.is_complete for judgement in judged)
