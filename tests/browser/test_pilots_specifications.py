"""In a real browser: an HEI user writes a specification, completes it to 100%, publishes it, finds it in the catalogue."""
import re

import pytest
from playwright.sync_api import expect

from qa_portal.auth.models import Role
from tests.browser.helpers import browser_login, confirm_step
from tests.factories import PASSWORD, make_institution, make_user

pytestmark = pytest.mark.browser

TITLE = "Open data for municipal planners"


def test_hei_writes_completes_and_publishes_a_specification(page, live_server):
    """Save a partial draft (bar below 100%), complete it (bar at 100%), publish, and read it in the public catalogue."""
    institution = make_institution("YSU", "Browser State University")
    user = make_user(Role.HEI, institution=institution)

    browser_login(page, live_server, user.email, PASSWORD)
    page.get_by_role("link", name="Our micro-credentials").click()
    page.get_by_role("link", name="New specification").click()
    page.get_by_label("Title in English").fill(TITLE)
    page.get_by_label("Awarding body(ies), one per line").fill("Browser State University")
    page.get_by_label("Country(ies) of the issuer (ISO 3166 codes, e.g. AM, GE)").fill("AM")
    page.get_by_label("Short description").fill("Planners learn to use open data in municipal decisions.")
    page.get_by_label("Workload in ECTS credits").fill("5")
    page.get_by_label("Notional hours of learning").fill("135")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Specification saved as a draft (version 1).")).to_be_visible()
    progress = page.locator("#completeness-heading + .completeness progress")
    expect(progress).to_have_attribute("value", re.compile(r"^(?!100$)\d+$"))
    expect(page.locator("#missing-elements")).to_contain_text("Learning outcomes")

    page.get_by_role("link", name="Edit").click()
    page.locator("#outcomes-0-statement").fill("Find and assess open data sets about the municipality.")
    page.locator("#outcomes-1-statement").fill("Explain a planning choice with a chart of open data.")
    page.get_by_label("EQF level").select_option("6")
    page.get_by_label("QF-EHEA cycle").select_option("first")
    page.get_by_label("Field of study (ISCED-F 2013 code, e.g. 0613)").fill("0731")
    page.get_by_label("Type of assessment").select_option("skill_application")
    page.get_by_label("Form of participation").select_option("blended")
    page.get_by_label("Mode of learning").select_option("part_time")
    page.get_by_label("Integration / stackability").select_option("standalone")
    page.get_by_label("Type of quality assurance").fill("Internal QA of the university; Micro-GEAR pilot review.")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Specification saved.")).to_be_visible()
    expect(progress).to_have_attribute("value", "100")
    expect(page.locator("main")).to_contain_text("100% complete")
    expect(page.locator("main")).to_contain_text("0731 — Architecture and town planning")

    page.get_by_role("button", name="Publish").click()
    confirm_step(page, "Publish version 1", "can no longer be changed")
    expect(page.get_by_text("Version 1 is published in the public catalogue.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    page.get_by_role("link", name="Catalogue").click()
    page.get_by_label("Title", exact=True).fill("municipal")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(r"/catalogue/\d+/v1$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.locator("main")).to_contain_text("Find and assess open data sets about the municipality.")
    expect(page.locator("main")).to_contain_text("Browser State University")
