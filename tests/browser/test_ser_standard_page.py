"""In a real browser: the institution writes a whole standard's criteria on one page and saves once; the connection
drops mid-edit and nothing typed is lost (the draft is kept when it returns)."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.models import SerEntry
from tests.browser.helpers import browser_login
from tests.factories import PASSWORD, make_institution, make_user
from tests.reviews.factories import make_case

pytestmark = pytest.mark.browser


def _saved(case_id: int) -> dict:
    db.session.expire_all()
    entries = db.session.scalars(select(SerEntry).where(SerEntry.case_id == case_id))
    return {entry.criterion_id: entry for entry in entries}


def _fill(page, criterion_id: int, narrative: str) -> None:
    page.locator(f"#c{criterion_id}-narrative").fill(narrative)
    page.locator(f"#c{criterion_id}-level").select_option(label="Fully compliant")
    page.locator(f"#c{criterion_id}-justification").fill("The practice is described; no document exists.")


def test_the_institution_fills_a_whole_standard_and_saves_once(page, live_server):
    institution = make_institution(name_en="One Page University")
    case = make_case(institution=institution, standards=2, criteria=3)
    case_id, standard = case.id, case.standard_version.standards[0]
    criteria = [criterion.id for criterion in standard.criteria]
    hei = make_user(Role.HEI, institution=institution)

    browser_login(page, live_server, hei.email, PASSWORD)
    page.goto(f"/cases/{case_id}/ser")
    page.get_by_role("link", name=f"Write all criteria of {standard.code}").click()
    expect(page.locator("main h1")).to_contain_text(standard.code)
    for number, criterion_id in enumerate(criteria, start=1):
        _fill(page, criterion_id, f"Our practice number {number}.")
    expect(page.locator("[data-editor-status]")).not_to_be_empty()
    page.get_by_role("button", name=f"Save all criteria of {standard.code}").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved 3 entries")
    expect(page.locator(".criterion-chips")).to_contain_text("answered")
    expect(page.locator(".criterion-chips .chip-done")).to_have_count(3)
    page.screenshot(path="tests/artifacts/ser_standard_page.png", full_page=True)
    saved = _saved(case_id)
    assert [saved[criterion_id].narrative for criterion_id in criteria] == [
        "Our practice number 1.", "Our practice number 2.", "Our practice number 3."]


def test_the_connection_drops_mid_edit_and_nothing_typed_is_lost(page, live_server):
    institution = make_institution(name_en="Offline University")
    case = make_case(institution=institution, standards=1, criteria=2)
    case_id, standard = case.id, case.standard_version.standards[0]
    first, second = (criterion.id for criterion in standard.criteria)
    hei = make_user(Role.HEI, institution=institution)
    status = page.locator("[data-editor-status]")

    browser_login(page, live_server, hei.email, PASSWORD)
    page.goto(f"/cases/{case_id}/ser/standards/{standard.id}")
    _fill(page, first, "Typed while online.")
    expect(status).to_contain_text("Draft kept on the server")

    page.context.set_offline(True)
    page.locator(f"#c{second}-narrative").fill("Typed while the connection was down.")
    expect(status).to_contain_text("You are offline")
    page.get_by_role("button", name=f"Save all criteria of {standard.code}").click()
    expect(status).to_contain_text("cannot be saved now")  # no error page: the typing stays
    expect(page.locator(f"#c{second}-narrative")).to_have_value("Typed while the connection was down.")

    page.context.set_offline(False)
    expect(status).to_contain_text("Draft kept on the server")
    page.reload()  # even a reload (or a crash) now finds every word, from the server-side draft
    expect(page.locator(f"#c{first}-narrative")).to_have_value("Typed while online.")
    expect(page.locator(f"#c{second}-narrative")).to_have_value("Typed while the connection was down.")
    expect(page.locator(".criterion-chips")).to_contain_text("unsaved draft")
    assert _saved(case_id) == {}

    page.get_by_role("button", name=f"Save all criteria of {standard.code}").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}/ser/standards/{standard.id}$"))
    expect(page.locator(".flash-success")).to_contain_text("Saved 2 entries")
    saved = _saved(case_id)
    assert saved[second].narrative == "Typed while the connection was down."
