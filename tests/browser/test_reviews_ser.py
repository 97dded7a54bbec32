"""In a real browser: the HEI writes its SER, uploads and links evidence, reaches 100 %, submits; the officer
returns it with reasons; the HEI fixes and resubmits; the officer accepts it for panel review."""
import pytest
from playwright.sync_api import expect

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState
from tests.browser.helpers import browser_login, confirm_step
from tests.factories import PASSWORD, make_institution, make_user
from tests.reviews.factories import criteria_of, make_case, tiny_pdf

pytestmark = pytest.mark.browser


def _write_entry(page, case_id: int, criterion_id: int, narrative: str, link_evidence: bool) -> None:
    page.goto(f"/cases/{case_id}/ser/criteria/{criterion_id}")
    page.locator("#narrative").fill(narrative)
    page.locator("#level").select_option(label="Fully compliant")
    if link_evidence:
        page.get_by_label("Assessment regulations").check()
    else:
        page.locator("#justification").fill("The practice is described in the narrative; no document exists.")
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved the entry")


def test_ser_write_submit_return_resubmit_accept(page, live_server):
    """The whole SER screening loop, through the real pages."""
    institution = make_institution(name_en="Browser Review University")
    case = make_case(institution=institution, standards=1, criteria=2)
    case_id = case.id
    first, second = (criterion.id for criterion in criteria_of(case))
    hei = make_user(Role.HEI, institution=institution)
    officer = make_user(Role.OFFICER)

    browser_login(page, live_server, hei.email, PASSWORD)
    page.get_by_role("link", name="Review cases").click()
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("link", name="Evidence files (0)").click()
    page.locator("#file").set_input_files({"name": "regulations.pdf", "mimeType": "application/pdf",
                                           "buffer": tiny_pdf("Assessment regulations")})
    page.locator("#title").fill("Assessment regulations")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".flash-success")).to_contain_text("Uploaded")
    expect(page.locator("main table")).to_contain_text("linked to nothing")

    _write_entry(page, case_id, first, "We publish the regulations.\n\nThey are applied every run.", True)
    _write_entry(page, case_id, second, "Learners give feedback after each run.", False)
    expect(page.locator("#progress")).to_contain_text("2 of 2 criteria answered")
    expect(page.locator("#progress .meter-text").first).to_have_text("100 %")
    page.goto(f"/cases/{case_id}")
    page.get_by_role("button", name="Submit the self-evaluation").click()
    confirm_step(page, "Submit the self-evaluation", "can no longer be changed")
    expect(page.locator(".case-state")).to_have_text("Self-evaluation submitted")
    page.get_by_role("button", name="Sign out").click()

    browser_login(page, live_server, officer.email, PASSWORD)
    page.goto(f"/cases/{case_id}")
    page.locator("#comment-return_ser").fill("Describe how the regulations are checked each year.")
    page.get_by_role("button", name="Return the self-evaluation").click()
    confirm_step(page, "Return the self-evaluation")
    expect(page.locator(".case-state")).to_have_text("Self-evaluation in preparation")
    page.get_by_role("button", name="Sign out").click()

    browser_login(page, live_server, hei.email, PASSWORD)
    page.goto(f"/cases/{case_id}")
    expect(page.locator(".callout")).to_contain_text("Describe how the regulations are checked each year.")
    _write_entry(page, case_id, first, "We publish the regulations; the quality unit checks them every year.", True)
    page.goto(f"/cases/{case_id}/ser/submissions/1")
    expect(page.locator("main")).to_contain_text("We publish the regulations.")
    page.goto(f"/cases/{case_id}")
    page.get_by_role("button", name="Submit the self-evaluation").click()
    confirm_step(page, "Submit the self-evaluation", "can no longer be changed")
    expect(page.locator(".case-state")).to_have_text("Self-evaluation submitted")
    page.get_by_role("button", name="Sign out").click()

    browser_login(page, live_server, officer.email, PASSWORD)
    page.goto(f"/cases/{case_id}")
    page.get_by_role("button", name="Accept the self-evaluation").click()
    expect(page.locator(".case-state")).to_have_text("Panel formation")
    expect(page.locator(".timeline")).to_contain_text("Return the self-evaluation")
    db.session.refresh(case)
    assert case.state == CaseState.PANEL_FORMATION
