"""Steps browser tests share: sign in through the real login form."""
import re

from playwright.sync_api import Page, expect


def browser_login(page: Page, live_server, email: str, password: str) -> Page:
    """Open /login, fill in the form, submit it and wait until the "My work" page is shown.

    Fields are found by id, so this works in every language the visitor may have chosen."""
    page.goto(f"{live_server.url}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/my-work(#.*)?$"))
    expect(page.locator("main h1")).to_be_visible()
    page.wait_for_load_state("domcontentloaded")  # app.js (deferred) has run: its handlers are attached
    return page


def confirm_step(page: Page, action: str, consequence: str | None = None) -> None:
    """An irreversible step's confirmation page (no JavaScript needed): it names the step and what becomes final;
    confirm it with its button."""
    expect(page.locator("main h1")).to_have_text(f"{action}?")
    if consequence:
        expect(page.locator(".confirmation .callout")).to_contain_text(consequence)
    page.locator(".confirmation form button[type=submit]").click()
