"""In a real browser (issue 16 items 4 and 5): each irreversible step shows its confirmation page — what becomes final
and who is told — and Cancel leaves everything as it was; confirming takes the step. A failed specification save
shows the error summary at the top, focused, with links that reach the fields."""
import pytest
from playwright.sync_api import expect

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState, PanelRole
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import browser_login, confirm_step
from tests.factories import PASSWORD, make_institution, make_user
from tests.reviews.factories import complete_ser, hei_user_for, make_case

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"confirm_{name}.png"), full_page=True)


def _submit_ser():
    case = make_case(standards=1, criteria=1)
    complete_ser(case)
    db.session.commit()
    return case, hei_user_for(case), f"/cases/{case.id}"


def _submit_judgements():
    from tests.reviews.test_scoring import desk_review_case, judge_all

    case, panel = desk_review_case(standards=1, criteria=1)
    judge_all(panel[PanelRole.ACADEMIC])
    return case, panel[PanelRole.ACADEMIC].user, f"/cases/{case.id}/scoring"


def _send_for_factual_check():
    from tests.reviews.test_report import drafting_case
    from tests.reviews.walk_setups import drafted_report

    case, panel = drafting_case(standards=1, criteria=1)
    drafted_report(case)
    db.session.commit()
    return case, panel[PanelRole.CHAIR].user, f"/cases/{case.id}/report"


def _finalise_report():
    from tests.reviews.test_report import drafting_case
    from tests.reviews.walk_setups import sent_report

    case, panel = drafting_case(standards=1, criteria=1)
    case.state = CaseState.FACTUAL_ACCURACY
    sent_report(case)
    return case, panel[PanelRole.CHAIR].user, f"/cases/{case.id}/report"


def _record_the_decision():
    from tests.decisions.factories import council_member, pending_case

    case = pending_case()
    member = council_member(case)
    db.session.commit()
    return case, member, f"/cases/{case.id}/decision"


STEPS = [
    ("submit_ser", _submit_ser, "Submit the self-evaluation", "The case's officer is told"),
    ("submit_judgements", _submit_judgements, "Submit my judgements", "The panel's chair is told"),
    ("send_for_factual_check", _send_for_factual_check, "Send for the factual-accuracy check",
     "sent to the institution, which is told"),
    ("finalise_report", _finalise_report, "Finalise the panel report", "The agency is told"),
]


@pytest.mark.parametrize(("name", "setup", "button", "told"), STEPS, ids=[step[0] for step in STEPS])
def test_each_irreversible_step_shows_its_confirmation(page, live_server, name, setup, button, told):
    case, user, url = setup()
    case_id, state = case.id, case.state
    browser_login(page, live_server, user.email, PASSWORD)
    page.goto(url)
    page.get_by_role("button", name=button, exact=True).first.click()
    expect(page.locator("main h1")).to_have_text(f"{button}?")
    expect(page.locator(".confirmation .callout")).to_contain_text(told)
    _shot(page, name)
    page.get_by_role("link", name="Cancel").click()
    db.session.expire_all()
    assert db.session.get(type(case), case_id).state == state  # nothing changed
    page.goto(url)
    page.get_by_role("button", name=button, exact=True).first.click()
    confirm_step(page, button)
    expect(page.locator(".flash-success")).to_be_visible()


def test_recording_the_decision_shows_its_confirmation_with_the_form_kept(page, live_server):
    from datetime import date

    from tests.browser.decisions_steps import record_decision

    case, member, url = _record_the_decision()
    reference, criterion = case.reference, case.standard_version.standards[0].criteria[0]
    browser_login(page, live_server, member.email, PASSWORD)
    page.goto(url)
    record_decision(page, reference, "Positive", reasons="Every criterion is met.", criterion=criterion.code,
                    meeting=date(2026, 11, 20), valid=(date(2026, 12, 1), date(2030, 12, 1)))
    db.session.expire_all()
    assert db.session.get(type(case), case.id).state == CaseState.DECIDED


def test_a_failed_specification_save_shows_the_summary_at_the_top_with_working_links(page, live_server):
    institution = make_institution("YSU", "Yerevan State University")
    user = make_user(Role.HEI, institution=institution)
    db.session.commit()
    browser_login(page, live_server, user.email, PASSWORD)
    page.goto("/specifications/new")
    page.locator("#ects").fill("six")
    page.locator("form.spec-form button[type=submit]").first.click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    box = summary.bounding_box()
    assert box is not None and box["y"] < 600  # at the top, not 2,000 px down
    _shot(page, "spec_error_summary")
    title_link = summary.locator("a[href='#title_en']")
    expect(title_link).to_contain_text("Enter the title in English.")
    title_link.click()
    expect(page.locator("#title_en")).to_be_focused()
    summary.locator("a[href='#ects']").click()
    expect(page.locator("#ects")).to_be_focused()


def test_opening_an_action_address_in_the_browser_lands_on_the_case(page, live_server):
    """A reload after a refused step, or a bookmarked action address, shows the case page, not an error."""
    case = make_case(standards=1, criteria=1)
    user = hei_user_for(case)
    db.session.commit()
    browser_login(page, live_server, user.email, PASSWORD)
    page.goto(f"/cases/{case.id}/actions/submit_ser")
    expect(page).to_have_url(f"{live_server.url}/cases/{case.id}")
    expect(page.locator("main h1")).to_contain_text(case.reference)
    expect(page.locator("#blocked-submit_ser")).to_contain_text("cannot be submitted yet")  # disabled, with why
