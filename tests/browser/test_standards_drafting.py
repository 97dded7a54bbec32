"""In a real browser: an officer drafts standards, consults, answers a stakeholder and approves; the version goes public."""
import re

import pytest
from playwright.sync_api import expect

from qa_portal.auth.models import Role
from tests.browser.helpers import browser_login, confirm_step
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def _accept_next_dialog(page):
    page.once("dialog", lambda dialog: dialog.accept())


def test_officer_drafts_consults_answers_and_approves(page, live_server):
    """Draft → standard + criterion → consultation → a stakeholder comments → answer → approve → public page."""
    officer = make_user(Role.OFFICER, full_name="Olga Drafting")
    stakeholder = make_user(Role.HEI, full_name="Hasmik Stakeholder")

    browser_login(page, live_server, officer.email, PASSWORD)
    page.get_by_role("link", name="Standards", exact=True).click()
    page.get_by_role("link", name="New standard set").click()
    page.get_by_label("Code").fill("browser-set")
    page.get_by_label("Title", exact=True).fill("Browser standards")
    page.get_by_label("Title in Armenian").fill("Բրաուզերի չափանիշներ")
    page.get_by_role("button", name="Create set with a first draft").click()
    expect(page.get_by_text("Standard set created with a first draft version.")).to_be_visible()
    expect(page.locator("main h1")).to_contain_text("Version 1")

    page.get_by_role("link", name="Add a standard").click()
    page.get_by_label("Code").fill("S1")
    page.get_by_label("Title").fill("Valid assessment")
    page.get_by_label("Statement").fill("Assessment shows that the learning outcomes are achieved.")
    page.get_by_label("1.3 Student-centred learning, teaching and assessment").check()
    page.get_by_label("4. Valid assessment").check()
    page.get_by_role("button", name="Save standard").click()
    expect(page.get_by_text("Standard added.")).to_be_visible()

    page.get_by_role("link", name="Add a criterion").click()
    page.get_by_label("Code").fill("C1.1")
    page.get_by_label("Criterion").fill("Assessment criteria are published in advance.")
    page.get_by_label("Expected evidence").fill("Published assessment criteria.")
    page.get_by_role("button", name="Save criterion").click()
    expect(page.get_by_text("Criterion added.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Assessment criteria are published in advance.")

    page.get_by_role("link", name="Edit decision rule and note").click()
    page.get_by_label("Decision rule").fill("Positive when every mandatory criterion is fully or substantially met.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Decision rule and note saved.")).to_be_visible()

    _accept_next_dialog(page)
    page.get_by_role("button", name="Open consultation").click()
    expect(page.get_by_text("The consultation is open")).to_be_visible()
    version_url = page.url
    page.get_by_role("button", name="Sign out").click()

    browser_login(page, live_server, stakeholder.email, PASSWORD)
    page.get_by_role("link", name="Consultations").click()
    page.get_by_role("link", name=re.compile("Browser standards")).click()
    page.get_by_label("Comment on").select_option(label="S1 Valid assessment")
    expect(page.locator(".comment-as")).to_contain_text("Higher-education institution")
    page.get_by_label("Your comment").fill("Please allow oral examinations online.")
    page.get_by_role("button", name="Send comment").click()
    expect(page.get_by_text("Thank you: your comment is recorded.")).to_be_visible()
    expect(page.locator("#your-comments")).to_contain_text("Not answered yet.")
    page.get_by_role("button", name="Sign out").click()

    browser_login(page, live_server, officer.email, PASSWORD)
    page.goto(version_url)
    expect(page.locator("main")).to_contain_text("1 comments wait for an answer.")
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()  # a rule refuses it now: says why
    expect(page.locator("#blocked-approve")).to_contain_text("Answer every consultation comment before approving")
    page.goto(version_url)
    page.get_by_role("link", name="Consultation report").first.click()
    expect(page.locator("main")).to_contain_text("Please allow oral examinations online.")
    page.get_by_label("Response").select_option(label="Partly accepted")
    page.get_by_label("Answer", exact=True).fill("Online oral examinations are allowed with identity checks.")
    page.get_by_role("button", name="Save answer").click()
    expect(page.get_by_text("Answer saved.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("1 answered, 0 waiting")

    page.goto(version_url)
    page.get_by_role("button", name="Approve").click()
    confirm_step(page, "Approve", "can no longer be changed")
    expect(page.get_by_text("Version 1 is approved and published.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("can no longer be changed")
    expect(page.get_by_role("link", name="Add a standard")).to_have_count(0)

    page.get_by_role("link", name="Public page").click()
    expect(page).to_have_url(re.compile(r"/standards/browser-set/v1$"))
    expect(page.locator("main")).to_contain_text("Assessment criteria are published in advance.")
    expect(page.locator("main")).to_contain_text("Բրաուզերի չափանիշներ")
