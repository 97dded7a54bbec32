"""In a real browser: turn on two-factor sign-in, sign out, sign in with a code, then with a recovery code."""
import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from qa_portal.auth.models import Role
from tests.browser.helpers import browser_login
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def _password_step(page, live_server, user):
    page.goto(f"{live_server.url}/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login/code$"))
    expect(page.get_by_role("heading", level=1, name="Two-factor sign-in")).to_be_visible()


def _sign_out(page, live_server):
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_enrol_sign_out_sign_in_with_a_code_then_with_a_recovery_code(page, live_server):
    """The account page sets up an authenticator from the QR code's key, shows ten recovery codes once; afterwards
    sign-in asks for a code after the password, and a recovery code works in its place."""
    user = make_user(Role.EXPERT)
    browser_login(page, live_server, user.email, PASSWORD)

    page.get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", level=1, name="My account")).to_be_visible()
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    qr_code = page.get_by_role("img", name="QR code with your account and key for the authenticator app")
    expect(qr_code).to_be_visible()
    assert page.evaluate("document.querySelector('img.qr-code').naturalWidth") > 100  # the SVG data: image rendered
    key = re.sub(r"\s", "", page.locator("#manual-key").inner_text())
    totp = pyotp.TOTP(key)
    page.get_by_label("Code from your app").fill(totp.now())
    page.get_by_role("button", name="Confirm and turn on").click()

    expect(page.get_by_role("heading", level=1, name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    page.get_by_role("link", name=re.compile("I have saved them")).click()
    expect(page.get_by_text("On: after your password you enter a code")).to_be_visible()
    expect(page.get_by_text("Unused recovery codes: 10 of 10.")).to_be_visible()
    _sign_out(page, live_server)

    _password_step(page, live_server, user)
    page.get_by_label("Code", exact=True).fill(totp.at(time.time() + 30))  # the next step: the current one is spent
    page.get_by_role("button", name="Sign in").last.click()
    expect(page).to_have_url(re.compile(r"/my-work$"))
    expect(page.locator(".who")).to_have_text(user.full_name)
    _sign_out(page, live_server)

    _password_step(page, live_server, user)
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Sign in").last.click()
    expect(page.locator("#code-error")).to_contain_text("That code is not correct.")
    page.get_by_label("Code", exact=True).fill(codes[0])
    page.get_by_role("button", name="Sign in").last.click()
    expect(page).to_have_url(re.compile(r"/my-work$"))
    expect(page.get_by_text("You signed in with a recovery code; 9 unused codes remain.")).to_be_visible()

    page.get_by_role("link", name="My account").click()
    expect(page.get_by_text("Unused recovery codes: 9 of 10.")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(1)  # the earlier sessions ended at sign-out
