"""In a real browser: an institution uploads its offerings by CSV; the officer's dashboard and the public pilot page
show them; the call's impact report PDF is opened and its text read."""
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from qa_portal.auth.models import Role
from tests.browser.helpers import browser_login
from tests.factories import PASSWORD, make_institution, make_user
from tests.monitoring.factories import csv_row, offerings_csv, published_credential
from tests.pilots.calls_factories import make_application, make_call

pytestmark = pytest.mark.browser


def test_offerings_uploaded_by_csv_reach_the_dashboard_the_pilot_page_and_the_report(page, live_server, tmp_path):
    """Upload two offerings (30 learners, 26 completed), then read them on /monitoring, /pilot and in the PDF."""
    institution = make_institution("BSU", "Browser State University")
    version = published_credential(institution, title_en="Open data for planners")
    call = make_call(title="Browser pilot call")
    make_application(call, institution, [version.micro_credential])
    hei, officer = make_user(Role.HEI, institution=institution), make_user(Role.OFFICER)
    upload = tmp_path / "offerings.csv"
    upload.write_bytes(offerings_csv([csv_row(version.micro_credential_id),
                                      csv_row(version.micro_credential_id, enrolled=10, completed=10, age_under_25=0,
                                              age_25_34=3, gender_female=1, prior_bachelor=2,
                                              employed_at_enrolment=6)]))

    browser_login(page, live_server, hei.email, PASSWORD)
    page.get_by_role("link", name="Offerings", exact=True).click()
    page.get_by_label("CSV file (the template's columns, UTF-8)").set_input_files(str(upload))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("2 offerings imported.")).to_be_visible()
    expect(page.locator("main table")).to_contain_text("Open data for planners")
    page.get_by_role("button", name="Sign out").click()

    browser_login(page, live_server, officer.email, PASSWORD)
    page.get_by_role("link", name="Monitoring").click()
    page.get_by_label("Call", exact=True).select_option(label="Browser pilot call")
    page.get_by_role("button", name="Apply").click()
    outcomes = page.locator("#chart-offerings_credential")
    expect(outcomes.locator("svg[role=img] title")).to_have_text("Outcomes per Micro-credential")
    expect(outcomes.locator("table tbody tr th")).to_have_text("Open data for planners")
    expect(outcomes.locator("table tbody tr td")).to_have_text(["2", "30", "26", "86.7", "—", "—"])
    report_url = page.get_by_role("link", name="Impact report (PDF)").get_attribute("href")
    report = page.request.get(f"{live_server.url}{report_url}")
    assert report.ok and report.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(report.body())).pages)
    assert "Browser pilot call" in text and "30 learners enrolled" in text and "86.7" in text
    page.get_by_role("button", name="Sign out").click()

    page.goto(f"{live_server.url}/pilot")
    expect(page.locator("#figure-enrolled")).to_have_text("30")
    expect(page.locator("#figure-completion")).to_have_text("86.7 %")
