"""In a real browser: an officer proposes an expert for a panel; the mail worker sends the outbox to an SMTP server
on loopback; the expert's message arrives (plain text and HTML) and its link leads, once signed in, to the
declaration page."""
import re

import pytest
from playwright.sync_api import expect

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.notifications.services.sender import send_batch
from qa_portal.reviews.models import CaseState, ExpertType
from tests.browser.helpers import browser_login
from tests.factories import PASSWORD, make_user
from tests.notifications.smtp_server import LoopbackSmtp
from tests.reviews.factories import make_case
from tests.reviews.panel_factories import make_expert

pytestmark = pytest.mark.browser


@pytest.fixture
def smtp_and_public_address(app, live_server):
    """A loopback SMTP server for the sender, and the live server as the portal's public address (mail links)."""
    server = LoopbackSmtp().start()
    app.config["QA_SMTP_URL"] = server.url
    before = live_server.app.config["QA_PUBLIC_BASE_URL"]
    live_server.app.config["QA_PUBLIC_BASE_URL"] = live_server.url
    yield server
    live_server.app.config["QA_PUBLIC_BASE_URL"] = before
    app.config["QA_SMTP_URL"] = ""
    server.stop()


def test_proposed_expert_gets_the_mail_and_its_link_opens_the_declaration(page, live_server, smtp_and_public_address):
    """Officer proposes → the expert's mail arrives at the SMTP server → its link opens the declaration."""
    officer = make_user(Role.OFFICER, full_name="Olga Officer")
    case = make_case(CaseState.PANEL_FORMATION, coordinator_id=officer.id, standards=1, criteria=1)
    expert = make_expert(ExpertType.ACADEMIC, user=make_user(Role.EXPERT, full_name="Mariam Expert",
                                                             email="mariam.expert@example.am")).user
    case_id, reference = case.id, case.reference

    browser_login(page, live_server, officer.email, PASSWORD)
    page.goto(f"/cases/{case_id}/panel")
    page.locator("#propose-expert").select_option(value=str(expert.id))
    page.locator("#propose-role").select_option(value="academic")
    page.get_by_role("button", name="Propose").click()
    expect(page.locator(".flash-success")).to_contain_text("Proposed Mariam Expert for the panel")
    page.get_by_role("button", name="Sign out").click()

    db.session.expire_all()
    assert send_batch().sent == 1
    db.session.commit()
    [mail] = smtp_and_public_address.inbox.to("mariam.expert@example.am")
    assert reference in mail["Subject"]
    html = mail.get_body(("html",)).get_content()
    link = re.search(r'href="([^"]+)"', html).group(1)
    assert link.startswith(live_server.url) and link.endswith("/declaration")
    assert link in mail.get_body(("plain",)).get_content()

    browser_login(page, live_server, expert.email, PASSWORD)
    page.goto(link)
    expect(page.locator("main h1")).to_contain_text("Declaration of interests")
    expect(page.locator("main h1")).to_contain_text(reference)
