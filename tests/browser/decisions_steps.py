"""Steps of the decisions browser flow (tests/browser/test_decisions_flow.py), each driven through the real pages:
the council's declaration and decision form, the officers' publication from the ready list, the public register,
the follow-up of conditions, and the appeal pages. Each step asserts the message or state the page shows."""
import re
from datetime import date

from babel.dates import format_date
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import browser_login, confirm_step
from tests.factories import PASSWORD
from tests.reviews.factories import tiny_pdf


def shot(page: Page, name: str) -> None:
    """Keep a full-page screenshot of the step in tests/artifacts/decisions_flow_<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"decisions_flow_{name}.png"), full_page=True)


def long_date(day: date) -> str:
    """A date as the English pages write it (core.dates.format_day: "2 Dec 2026")."""
    return format_date(day, "d MMM y", locale="en")


def medium_date(day: date) -> str:
    """A date as the English lists write it (the same style)."""
    return format_date(day, "d MMM y", locale="en")


def pdf_file(name: str, text: str) -> dict:
    """A small PDF for a file input."""
    return {"name": name, "mimeType": "application/pdf", "buffer": tiny_pdf(text)}


def nav_link(page: Page, name: str):
    """A link of the main navigation bar."""
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def sign_in(page: Page, live_server, user) -> None:
    """Sign in through the login form (signed out first if someone is signed in)."""
    sign_out_button = page.get_by_role("button", name="Sign out")
    if sign_out_button.count():
        sign_out(page)
    browser_login(page, live_server, user.email, PASSWORD)


def sign_out(page: Page) -> None:
    """Sign out with the header's button."""
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def open_case_to_decide(page: Page, reference: str) -> None:
    """From the council's "Decisions" list, open the case's decision page."""
    nav_link(page, "Decisions").click()
    expect(page.locator("main h1")).to_have_text("Decisions to take")
    page.locator("main table").get_by_role("link", name=reference, exact=True).click()
    expect(page.locator("main h1")).to_have_text(f"Decision on {reference}")


def declare_no_conflict(page: Page, reference: str) -> None:
    """On the decision page the form asks for a declaration first: declare no conflict."""
    expect(page.locator(".decision-form .form-errors")).to_contain_text("has not declared their interests")
    page.get_by_role("link", name="Declare my interests").click()
    expect(page.locator("main h1")).to_have_text(f"Declaration of interests for {reference}")
    page.get_by_role("button", name="Record my declaration").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Your declaration for {reference} is recorded.")
    expect(page.locator(".decision-form .form-errors")).to_have_count(0)


def record_decision(page: Page, reference: str, outcome: str, *, reasons: str, criterion: str, meeting: date,
                    valid: tuple[date, date] | None = None, conditions=()) -> None:
    """Fill the council's decision form (outcome, validity, conditions, reasons, criteria, meeting, hearing)."""
    form = page.locator(".decision-form form")
    form.locator("#outcome").select_option(label=outcome)
    if valid:
        form.locator("#valid_from").fill(valid[0].isoformat())
        form.locator("#valid_to").fill(valid[1].isoformat())
    for number, (text, due_on) in enumerate(conditions):
        form.locator(f"#conditions-{number}-text").fill(text)
        form.locator(f"#conditions-{number}-due_on").fill(due_on.isoformat())
    form.locator("#reasons").fill(reasons)
    form.get_by_label(criterion).check()
    form.locator("#meeting_date").fill(meeting.isoformat())
    form.locator("#hei_heard-0").check()  # Yes
    form.get_by_role("button", name="Record the decision").click()
    confirm_step(page, "Record the decision", "can no longer be changed")
    expect(page.locator(".flash-success")).to_contain_text(f"The council's decision on {reference} was recorded")
    recorded = page.locator(".decision-recorded")
    expect(recorded.locator(".decision-facts")).to_contain_text(outcome)
    for text, due_on in conditions:
        expect(recorded).to_contain_text(text)
        expect(recorded).to_contain_text(long_date(due_on))


def publish_from_ready_list(page: Page, references: list[str], name: str) -> None:
    """The officer ticks the cases on "Ready to publish", reads the confirmation list naming them, confirms."""
    nav_link(page, "Ready to publish").click()
    expect(page.locator("main h1")).to_have_text("Ready to publish")
    for reference in references:
        page.get_by_label(f"Publish {reference}", exact=True).check()
    page.get_by_role("button", name="Review what will be published").click()
    expect(page.locator("main h1")).to_have_text("Confirm publication")
    listed = page.locator(".publication-list tbody tr")
    expect(listed).to_have_count(len(references))
    for reference in references:
        expect(page.locator(".publication-list")).to_contain_text(reference)
    shot(page, name)
    button = "Publish this decision" if len(references) == 1 else f"Publish these {len(references)} decisions"
    page.get_by_role("button", name=button).click()
    message = ("Published 1 decision with its panel report." if len(references) == 1
               else f"Published {len(references)} decisions with their panel reports.")
    expect(page.locator(".flash-success")).to_contain_text(message)
    expect(page.locator("main")).to_contain_text("No decided case is waiting for publication.")


def case_action(page: Page, case_id: int, button: str, new_state: str, reasons: str | None = None) -> None:
    """On the case page, take a workflow step (with its reasons when asked) and see the new state."""
    page.goto(f"/cases/{case_id}")
    step = page.locator("form.case-action", has=page.get_by_role("button", name=button, exact=True))
    if reasons is not None:
        step.locator("textarea[name=comment]").fill(reasons)
    step.get_by_role("button", name=button, exact=True).click()
    if page.locator(".confirmation").count():
        confirm_step(page, button)
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(".case-state")).to_have_text(new_state)


def open_register(page: Page) -> None:
    """As a visitor, open the public register from the navigation."""
    page.goto("/")
    nav_link(page, "Register").click()
    expect(page.locator("main h1")).to_have_text("Register of decisions")


def open_register_entry(page: Page, reference: str, outcome: str, row_text: str | None = None) -> None:
    """As a visitor, open the register, find the case's row with this outcome (and text), and open it."""
    open_register(page)
    row = page.locator("table.register tbody tr", has=page.get_by_role("link", name=reference, exact=True)).filter(
        has=page.locator(".tag", has_text=re.compile(f"^{re.escape(outcome)}$")))
    expect(row).to_have_count(1)
    if row_text:
        expect(row).to_contain_text(row_text)
    row.get_by_role("link", name=reference, exact=True).click()
    expect(page.locator("main h1")).to_have_text(f"Decision on {reference}")
    expect(page.locator(".decision-facts")).to_contain_text(outcome)


def conditions_table(page: Page):
    """The conditions table of a decision page."""
    return page.locator("main table.table").filter(has=page.get_by_role("columnheader", name="Due by"))


def report_on_conditions(page: Page, case_id: int, reports: list[str], document: dict | None = None) -> None:
    """The institution opens the follow-up from its case page and reports on each condition (a document on the
    first)."""
    page.goto(f"/cases/{case_id}")
    page.get_by_role("link", name="Follow-up of the conditions").click()
    expect(page.locator("main h1")).to_contain_text("Follow-up of the conditions on")
    for number, text in enumerate(reports, 1):
        section = page.locator(".follow-up-condition").nth(number - 1)
        expect(section.locator(".tag")).to_have_text("Open")
        section.locator("textarea[name$=report]").fill(text)
        if document is not None and number == 1:
            section.locator("input[type=file]").set_input_files(document)
        section.get_by_role("button", name="Report on this condition").click()
        expect(page.locator(".flash-success")).to_contain_text(f"Your report on condition {number} is recorded.")
        section = page.locator(".follow-up-condition").nth(number - 1)
        expect(section.locator(".tag")).to_have_text("Reported by the institution")
        expect(section).to_contain_text(text)
    if document is not None:
        expect(page.locator(".follow-up-condition").first.get_by_role("link", name=document["name"])).to_be_visible()


def mark_conditions_met(page: Page, case_id: int, reasons: list[str]) -> None:
    """The officer reads each report on the follow-up page and marks the condition met with a reason."""
    page.goto(f"/cases/{case_id}/follow-up")
    for number, reason in enumerate(reasons, 1):
        section = page.locator(".follow-up-condition").nth(number - 1)
        expect(section).to_contain_text("The institution’s report")
        section.get_by_label("Met", exact=True).check()
        section.locator("textarea[name$=reason]").fill(reason)
        section.get_by_role("button", name="Record the verdict").click()
        expect(page.locator(".flash-success")).to_contain_text(f"Condition {number} is verified.")
        section = page.locator(".follow-up-condition").nth(number - 1)
        expect(section.locator(".tag")).to_have_text("Met")
        expect(section).to_contain_text(reason)


def lodge_appeal(page: Page, case_id: int, reference: str, ground: str, statement: str, document: dict) -> None:
    """The institution opens its case's decision page and lodges an appeal with a ground, a statement, a file."""
    page.goto(f"/cases/{case_id}")
    page.get_by_role("link", name="Open the decision page").click()
    expect(page.locator(".appeal-card")).to_contain_text("Your institution may appeal against this decision until")
    page.locator(".appeal-card").get_by_role("link", name="Lodge an appeal").click()
    expect(page.locator("main h1")).to_have_text(f"Appeal against the decision on {reference}")
    page.get_by_label(ground, exact=True).check()
    page.locator("#statement").fill(statement)
    page.locator("#documents").set_input_files(document)
    page.get_by_role("button", name="Lodge the appeal").click()
    expect(page.locator(".flash-success")).to_contain_text(
        f"Your appeal against the decision on {reference} is lodged.")
    facts = page.locator("main dl.facts")
    expect(facts).to_contain_text(ground)
    expect(facts).to_contain_text("to be recorded by an officer")
    expect(page.get_by_role("link", name=document["name"])).to_be_visible()


def open_appeal(page: Page, reference: str) -> None:
    """From the "Appeals" list, open the appeal on the case."""
    nav_link(page, "Appeals").click()
    expect(page.locator("main h1")).to_have_text("Appeals")
    page.locator("main table").get_by_role("link", name=reference, exact=True).click()
    expect(page.locator("main h1")).to_have_text(f"Appeal against the decision on {reference}")
