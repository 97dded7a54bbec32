"""In a real browser, the council decides as a body (issue 15 item 3): an officer schedules a meeting with the case on
its agenda and three council members present; one member declares a conflict and is recused; another proposes the
outcome and votes for it; the third votes for it and records the council's decision; the minutes PDF is opened and
its text read (attendance, the recusal, each vote, the outcome)."""
import io
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.decisions.services.council import declare_interests
from qa_portal.extensions import db
from tests.browser.decisions_steps import long_date, shot, sign_in
from tests.decisions.factories import pending_case
from tests.factories import make_institution, make_user
from tests.reviews.factories import criteria_of

pytestmark = pytest.mark.browser


def test_meeting_of_three_members_one_recused_votes_and_minutes(page, live_server):
    case = pending_case(institution=make_institution(name_en="Gyumri Council University"))
    reference, case_id = case.reference, case.id
    criterion = criteria_of(case)[0]
    criterion_label = f"{criterion.code} — {criterion.text}"
    anna = make_user(Role.COUNCIL, full_name="Anna Arakelyan")
    boris = make_user(Role.COUNCIL, full_name="Boris Baghdasaryan")
    carine = make_user(Role.COUNCIL, full_name="Carine Chilingaryan")
    officer = make_user(Role.OFFICER, full_name="Olga Officer")
    for member in (anna, boris):
        declare_interests(member, case, has_conflict=False, recuse=False, details="")
    db.session.commit()
    held_on = utcnow().date() - timedelta(days=1)
    page.set_default_timeout(10_000)

    # The officer schedules the meeting: date, agenda, attendance.
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/council/meetings")
    page.get_by_role("link", name="Schedule a meeting").click()
    page.locator("#held_on").fill(held_on.isoformat())
    page.locator("#title").fill("December council meeting")
    page.get_by_label(f"{reference} — Gyumri Council University").check()
    for member in ("Anna Arakelyan", "Boris Baghdasaryan", "Carine Chilingaryan"):
        page.get_by_label(member, exact=True).check()
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(page.locator(".flash-success")).to_contain_text("The council meeting is scheduled.")
    expect(page.locator("main h1")).to_have_text("December council meeting")
    meeting_url = page.url

    # Carine declares a conflict: she is recused from the case.
    sign_in(page, live_server, carine)
    page.goto(meeting_url)
    page.get_by_role("link", name="Declare your interests for this case").click()
    page.locator("#has_conflict").check()
    page.locator("#details").fill("Taught at the institution until 2025.")
    page.get_by_role("button", name="Record my declaration").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Your declaration for {reference} is recorded.")
    page.goto(meeting_url)
    expect(page.locator(".declarations")).to_contain_text("Carine Chilingaryan: recused Taught at the institution")
    expect(page.locator("form.vote")).to_have_count(0)

    # Anna proposes the outcome and votes for it.
    sign_in(page, live_server, anna)
    page.goto(meeting_url)
    page.get_by_role("link", name="Propose the outcome").click()
    page.locator("#outcome").select_option(label="Positive")
    page.locator("#valid_from").fill(held_on.isoformat())
    page.locator("#valid_to").fill((held_on + timedelta(days=3 * 365)).isoformat())
    page.locator("#reasons").fill("Every criterion is met; the panel's findings are well evidenced.")
    page.get_by_label(criterion_label).check()
    page.locator("#hei_heard-0").check()
    page.get_by_role("button", name="Put to the vote").click()
    expect(page.locator(".flash-success")).to_contain_text(f"The proposal on {reference} is put to the vote.")
    page.get_by_label("For", exact=True).check()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Your vote on {reference} is recorded.")
    expect(page.locator(".tally")).to_contain_text("no majority yet")

    # Boris votes for it: quorum (2 of the 2 members not recused) and majority hold; he records the decision.
    sign_in(page, live_server, boris)
    page.goto(meeting_url)
    page.get_by_label("For", exact=True).check()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.locator(".tally")).to_contain_text("quorum and majority hold")
    page.get_by_role("button", name="Record the council’s decision").click()
    expect(page.locator(".flash-success")).to_contain_text(f"The council's decision on {reference} is recorded.")
    expect(page.locator(".agenda-item .callout")).to_contain_text(
        f"Decided by the council at its meeting of {long_date(held_on)}.")
    shot(page, "council_meeting")

    # The minutes, opened from the meeting page and read.
    href = page.get_by_role("link", name="Minutes (PDF)").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = " ".join("".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(response.body())).pages).split())
    assert f"Minutes of the council meeting of {long_date(held_on)}" in text
    assert "Present: Anna Arakelyan, Boris Baghdasaryan, Carine Chilingaryan" in text
    assert "Carine Chilingaryan recused: Taught at the institution until 2025." in text
    assert "Anna Arakelyan for" in text and "Boris Baghdasaryan for" in text
    assert "quorum: 2; for 2, against 0, abstaining 0." in text
    assert "Outcome: decided — Positive, recorded by the council at this meeting." in text
    page.goto(f"{live_server.url}/cases/{case_id}/decision")
    expect(page.locator(".decision-facts")).to_contain_text(
        f"Decided by the council at its meeting of {long_date(held_on)}.")
