"""In a real browser: sign in, see "My work", sign out; wrong password; Armenian; keyboard use."""
import re

import pytest
from playwright.sync_api import expect

from qa_portal.auth.models import Role
from tests.browser.helpers import browser_login
from tests.factories import PASSWORD, make_institution, make_user

pytestmark = pytest.mark.browser

# role -> (the role's heading on "My work", the sections it must show)
ROLE_PAGES = {
    Role.OFFICER: ("Agency officer", ["standards", "calls", "cases"]),
    Role.HEI: ("HEI quality unit", ["applications", "cases"]),
}


@pytest.mark.parametrize("role", list(ROLE_PAGES), ids=lambda role: role.value)
def test_login_my_work_and_sign_out_for_role(page, live_server, role):
    """Signing in through the form shows the role's "My work" sections; signing out returns to the landing page."""
    institution = make_institution() if role is Role.HEI else None
    user = make_user(role, institution=institution)
    heading, sections = ROLE_PAGES[role]

    browser_login(page, live_server, user.email, PASSWORD)

    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    for key in sections:
        expect(page.locator(f'article.card[data-section="{key}"]')).to_be_visible()
    expect(page.locator("section.role-group")).to_have_count(1)  # no other role's sections
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    expect(page.locator(".who")).to_have_text(user.full_name)

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Quality assurance of micro-credentials")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()


def test_login_wrong_password_shows_message(page, live_server):
    """A wrong password keeps the visitor on the form with a clear message and their email filled in."""
    user = make_user(Role.OFFICER)
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password", exact=True).fill("not-the-password-at-all")
    page.locator("main form").get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("The email or password is not correct.")  # in the error summary
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_label("Email")).to_have_value(user.email)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_language_select_switches_to_armenian(page, live_server):
    """Choosing Հայերեն in the language select (no button press) shows the Armenian navigation."""
    user = make_user(Role.OFFICER)
    browser_login(page, live_server, user.email, PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))  # the select's change handler is attached

    page.locator("#locale-switch").select_option("hy")

    expect(page.locator("html")).to_have_attribute("lang", "hy")
    expect(page).to_have_url(re.compile(r"/my-work(#.*)?$"))
    navigation = page.locator("header nav")
    expect(navigation.get_by_role("link", name="Իմ աշխատանքը")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Իմ աշխատանքը")).to_be_visible()
    expect(page.locator("#locale-switch")).to_have_value("hy")


def test_language_switch_button_hidden_when_script_runs(page, live_server):
    """With app.js running, the select submits itself, so its Switch button is not shown."""
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    expect(page.locator(".account form button", has_text="Switch")).to_be_hidden()


def test_keyboard_skip_link_and_login_form(page, live_server):
    """The first Tab reaches the skip link, Enter jumps to the content, and the login form works by keyboard."""
    user = make_user(Role.OFFICER)
    page.goto(f"{live_server.url}/login")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    page.keyboard.press("Tab")
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/my-work(#.*)?$"))
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()


def test_foundation_pages_load_without_csp_violations(page, live_server):
    """Every foundation page renders in the browser with its styles and script allowed by the CSP."""
    admin = make_user(Role.ADMIN, Role.OFFICER)
    other = make_user(Role.HEI, institution=make_institution())
    browser_login(page, live_server, admin.email, PASSWORD)
    for path in ("/", "/my-work", "/account/password", "/admin/users", "/admin/users/new",
                 f"/admin/users/{other.id}", "/audit/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        expect(page.locator("main h1")).to_have_count(1)
        assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == "absolute", path
    response = page.goto(f"{live_server.url}/no-such-page")
    assert response.status == 404
    expect(page.get_by_text("We could not find this page")).to_be_visible()
