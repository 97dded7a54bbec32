"""In a real browser: an HEI applies to an open call; an officer closes it, scores, selects, completes selection."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.models import Application, ApplicationStatus, CallStatus
from qa_portal.reviews.models import Case, CaseState
from tests.browser.helpers import browser_login
from tests.factories import PASSWORD, make_institution, make_user
from tests.pilots.calls_factories import make_call, make_specification

pytestmark = pytest.mark.browser


def test_pilot_call_apply_score_select_opens_case(page, live_server):
    """HEI applies with a complete specification and submits; the officer closes, scores, selects; a case opens."""
    institution = make_institution(name_en="Browser University")
    hei_user = make_user(Role.HEI, institution=institution)
    officer = make_user(Role.OFFICER, full_name="Olga Browser")
    spec = make_specification(institution, title="Browser micro-credential")
    call = make_call(title="Browser pilot call", max_pilots=1)
    call_id = call.id

    browser_login(page, live_server, hei_user.email, PASSWORD)
    page.get_by_role("link", name="Calls", exact=True).click()
    page.get_by_role("link", name="Browser pilot call").click()
    page.get_by_role("link", name="Apply to this call").click()
    page.get_by_label("Browser micro-credential").check()
    expect(page.locator(".spec-choices")).to_contain_text("100% complete")
    page.get_by_label("Motivation").fill("We want external feedback on this course.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft application saved.")).to_be_visible()
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text("Application submitted.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("frozen")
    page.get_by_role("button", name="Sign out").click()

    browser_login(page, live_server, officer.email, PASSWORD)
    page.goto(f"{live_server.url}/calls/{call_id}")
    page.get_by_role("button", name="Close the call").click()
    expect(page.get_by_text("The call is now closed.")).to_be_visible()
    page.get_by_role("link", name="Selection", exact=True).click()
    page.get_by_role("link", name="Score").click()
    page.locator("#entries-0-score").select_option("5")
    page.locator("#entries-0-comment").fill("Clear labour-market need.")
    page.locator("#entries-1-score").select_option("3")
    page.get_by_role("button", name="Save scores").click()
    expect(page.get_by_text("Your scores are saved.")).to_be_visible()
    expect(page.locator(".selection-row")).to_contain_text("4.33")
    page.get_by_role("link", name="Decide").click()
    page.get_by_label("Selected", exact=True).check()
    page.get_by_label("Rationale").fill("Best application of the call.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Selection decision saved.")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Complete selection").click()
    expect(page.get_by_text("Selection complete: 1 review case(s) opened.")).to_be_visible()

    db.session.expire_all()
    application = db.session.scalar(select(Application).where(Application.call_id == call_id))
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.call.status == CallStatus.SELECTION_DONE
    case = db.session.scalar(select(Case).where(Case.application_id == application.id))
    assert case is not None and case.state == CaseState.SER_IN_PREPARATION
    assert case.specification_links[0].specification_version_id == spec.latest_version.id
