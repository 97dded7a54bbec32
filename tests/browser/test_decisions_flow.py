"""In a real browser, the formal end of two reviews (issue 7): the council decides one case positive with two
conditions and the other negative, an officer publishes both from the ready list, the public register shows them;
the first institution reports on its conditions, the officer marks them met and the council upgrades the decision
(a new decision linked to the old one, both in the register); the second institution appeals, the officer finds
the appeal admissible and the appeals body returns the case for reconsideration. Only the starting point (two cases
at decision pending with final panel reports, and the users) is set up through the factories."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.decisions.services.rules import add_months, add_years
from qa_portal.extensions import db
from qa_portal.reviews.models import Case, CaseState
from tests.browser.decisions_steps import (
    case_action, conditions_table, declare_no_conflict, lodge_appeal, long_date, mark_conditions_met, medium_date,
    open_appeal, open_case_to_decide, open_register, open_register_entry, pdf_file, publish_from_ready_list,
    record_decision, report_on_conditions, shot, sign_in, sign_out,
)
from tests.decisions.appeal_factories import appeals_member
from tests.decisions.factories import pending_case
from tests.factories import make_institution, make_user
from tests.reviews.factories import criteria_of, hei_user_for

pytestmark = pytest.mark.browser

CONDITIONS = ("Publish the assessment rubric for the final project to every learner.",
              "Analyse the feedback of the spring run and report the changes made.")


def _case(institution_name: str):
    """A case at decision pending, with a final panel report, for a new institution; its id, reference, first
    criterion's label on the form, and a user of the institution."""
    case = pending_case(institution=make_institution(name_en=institution_name))
    criterion = criteria_of(case)[0]
    return case.id, case.reference, f"{criterion.code} — {criterion.text}", hei_user_for(case)


def test_council_decides_officer_publishes_follow_up_upgrade_and_appeal(page, live_server):
    """Every step after the final panel report through the real pages, as the council, the officer, a visitor,
    both institutions and the appeals body."""
    conditional_id, conditional_ref, conditional_criterion, first_hei = _case("Ararat Conditions University")
    negative_id, negative_ref, negative_criterion, second_hei = _case("Sevan Appeals Institute")
    council = make_user(Role.COUNCIL, full_name="Karine Council")
    officer = make_user(Role.OFFICER, full_name="Olga Officer")
    appeals = appeals_member()
    db.session.commit()
    today = utcnow().date()
    meeting = today - timedelta(days=1)
    dues = (add_months(meeting, 3), add_months(meeting, 6))
    valid = (today, add_years(today, 3))

    # 1. The council member declares no conflict on each case and records both decisions.
    sign_in(page, live_server, council)
    open_case_to_decide(page, conditional_ref)
    expect(page.locator(".decision-report")).to_contain_text("The panel finds the micro-credential sound.")
    declare_no_conflict(page, conditional_ref)
    record_decision(page, conditional_ref, "Positive with conditions", valid=valid,
                    conditions=list(zip(CONDITIONS, dues)), criterion=conditional_criterion, meeting=meeting,
                    reasons="The outcomes are met; assessment transparency and feedback analysis need work.")
    expect(page.locator(".decision-recorded")).to_contain_text(long_date(valid[1]))
    shot(page, "1_conditional_decision")
    open_case_to_decide(page, negative_ref)
    declare_no_conflict(page, negative_ref)
    record_decision(page, negative_ref, "Negative", criterion=negative_criterion, meeting=meeting,
                    reasons="The assessment does not test the stated learning outcomes.")
    expect(page.locator(".decision-recorded")).to_contain_text("None (negative outcome)")
    sign_out(page)
    open_register(page)  # staged release: nothing is public before an officer publishes
    expect(page.locator("main")).to_contain_text("No published decision matches these filters.")

    # 2. The officer publishes both from the ready list after reading the confirmation list.
    sign_in(page, live_server, officer)
    publish_from_ready_list(page, [conditional_ref, negative_ref], "2_confirm_publication")
    case_action(page, conditional_id, "Start the follow-up", "Follow-up")
    sign_out(page)

    # 3. A visitor finds the conditional decision in the register: outcome, validity, conditions.
    open_register_entry(page, conditional_ref, "Positive with conditions",
                        f"{medium_date(valid[0])} – {medium_date(valid[1])}")
    expect(page.locator(".decision-facts")).to_contain_text(f"{long_date(valid[0])} – {long_date(valid[1])}")
    for text, due_on in zip(CONDITIONS, dues):
        row = conditions_table(page).locator("tbody tr", has_text=text)
        expect(row).to_contain_text(long_date(due_on))
        expect(row).to_contain_text("Open")
    expect(page.locator(".decision-report")).to_contain_text("The panel finds the micro-credential sound.")
    letter = page.request.get(page.get_by_role("link", name="Decision letter (PDF)").get_attribute("href"))
    assert letter.ok and letter.headers["content-type"] == "application/pdf"
    shot(page, "3_register_conditional")

    # 4. The first institution reports on each condition, with a document for the first.
    sign_in(page, live_server, first_hei)
    report_on_conditions(page, conditional_id, [
        "The rubric is on the course page and was sent to every learner on enrolment.",
        "The feedback was analysed; the project brief now has a worked example."],
        document=pdf_file("rubric.pdf", "Assessment rubric"))
    shot(page, "4_conditions_reported")
    sign_out(page)

    # 5. The officer marks each condition met with a reason and sends the case back to the council.
    sign_in(page, live_server, officer)
    mark_conditions_met(page, conditional_id, ["The rubric is published and the learners confirm receiving it.",
                                               "The analysis and the revised brief answer the condition."])
    shot(page, "5_conditions_met")
    evidence = page.request.get(page.get_by_role("link", name="rubric.pdf").get_attribute("href"))
    assert evidence.ok and evidence.body().startswith(b"%PDF")
    case_action(page, conditional_id, "Send back for a new decision", "Decision pending",
                reasons="Both conditions are met; the council may upgrade the decision.")
    sign_out(page)

    # 6. The council records the upgraded decision; the officer publishes it; the register keeps both.
    sign_in(page, live_server, council)
    open_case_to_decide(page, conditional_ref)
    record_decision(page, conditional_ref, "Positive", valid=valid, criterion=conditional_criterion, meeting=today,
                    reasons="Both conditions are met: the decision becomes positive.")
    sign_out(page)
    sign_in(page, live_server, officer)
    publish_from_ready_list(page, [conditional_ref], "6_confirm_upgrade")
    case_action(page, conditional_id, "Close the case", "Closed")
    sign_out(page)
    open_register(page)  # both decisions on the case stay listed
    expect(page.locator("table.register tbody tr", has_text=conditional_ref)).to_have_count(2)
    open_register_entry(page, conditional_ref, "Positive")
    replaces = page.locator(".callout", has_text="This decision replaces")
    expect(replaces).to_be_visible()
    expect(page.get_by_text("This decision sets no conditions.")).to_be_visible()
    shot(page, "6_register_upgraded")
    replaces.get_by_role("link").click()
    expect(page.locator(".decision-facts")).to_contain_text("Positive with conditions")
    expect(page.locator(".callout", has_text="A later decision replaced this one")).to_be_visible()
    for text in CONDITIONS:
        expect(conditions_table(page).locator("tbody tr", has_text=text)).to_contain_text("Met")
    shot(page, "6_register_history")

    # 7. The second institution appeals against its negative decision with grounds and a document.
    sign_in(page, live_server, second_hei)
    lodge_appeal(page, negative_id, negative_ref, "Criteria misapplied",
                 "The council read criterion C1.1 against the old standard; our assessment tests each outcome.",
                 pdf_file("assessment-map.pdf", "Assessment map"))
    shot(page, "7_appeal_lodged")
    sign_out(page)

    # 8. The officer records the appeal admissible with a reason.
    sign_in(page, live_server, officer)
    open_appeal(page, negative_ref)
    page.get_by_label("Admissible", exact=True).check()
    page.locator("#reason").fill("Lodged in time by the institution's quality unit.")
    page.get_by_role("button", name="Record admissibility").click()
    expect(page.locator(".flash-success")).to_contain_text("The admissibility of the appeal is recorded.")
    expect(page.locator("main dl.facts")).to_contain_text("Admissible — Lodged in time")
    sign_out(page)

    # 9. A member of the appeals body returns the case to the council for reconsideration.
    sign_in(page, live_server, appeals)
    open_appeal(page, negative_ref)
    annex = page.request.get(page.get_by_role("link", name="assessment-map.pdf").get_attribute("href"))
    assert annex.ok and annex.body().startswith(b"%PDF")
    page.get_by_label("Returned to the council for reconsideration", exact=True).check()
    page.locator("#reasons").fill("The council applied the withdrawn version of the criterion.")
    page.get_by_role("button", name="Record the appeals body’s decision").click()
    expect(page.locator(".flash-success")).to_contain_text("The appeals body's decision is recorded.")
    expect(page.locator("main dl.facts")).to_contain_text("Returned to the council for reconsideration")
    shot(page, "9_appeal_returned")
    sign_out(page)

    # 10. The register shows the decision under reconsideration; the case awaits the council again.
    open_register_entry(page, negative_ref, "Negative")
    expect(page.locator(".appeal-status")).to_contain_text("Under reconsideration")
    shot(page, "10_register_reconsideration")
    sign_in(page, live_server, council)
    open_case_to_decide(page, negative_ref)
    expect(page.locator(".decision-form")).to_contain_text("Record the council’s decision")
    sign_out(page)
    db.session.expire_all()
    assert db.session.get(Case, negative_id).state == CaseState.DECISION_PENDING
    assert db.session.get(Case, conditional_id).state == CaseState.CLOSED
