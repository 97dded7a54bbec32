"""Follow-up pages and My work: the institution reports (with a document) and the officer verifies from the case's
follow-up page; wrong users get 403, refusals 409 with the text kept; overdue conditions are flagged on My work for
officers and the institution; the demo helpers run the whole follow-up through the real services; after an upgrade
the page keeps the history of the conditions."""
import io

from qa_portal.auth.models import Role
from qa_portal.decisions.services import follow_up
from qa_portal.decisions.models import Decision
from qa_portal.demo.follow_up import report_conditions, upgrade, verify
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseAction, CaseState
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.decisions.factories import council_member, published_case, statements_for
from tests.decisions.test_follow_up import in_follow_up
from tests.factories import login, make_institution, make_user
from tests.reviews.factories import hei_user_for, tiny_pdf


def test_institution_reports_from_the_follow_up_page(app, client):
    """The institution's user posts a report with a document; it is stored and the document downloads."""
    case, decision, _officer = in_follow_up()
    condition = decision.conditions[0]
    login(client, hei_user_for(case))
    assert client.get(f"/cases/{case.id}/follow-up").status_code == 200
    response = client.post(f"/cases/{case.id}/follow-up/conditions/1/report", data={
        f"r{condition.id}-report": "We adopted the rule.",
        f"r{condition.id}-document": (io.BytesIO(tiny_pdf("Rule")), "rule.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert follow_up.condition_status(condition) == "reported"
    download = client.get(f"/cases/{case.id}/follow-up/conditions/1/document")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_late_report_is_refused_with_the_text_kept(app, client):
    """A report after the due date answers 409 with the due date and keeps what was written."""
    case, decision, _officer = in_follow_up((-1,))
    condition = decision.conditions[0]
    login(client, hei_user_for(case))
    response = client.post(f"/cases/{case.id}/follow-up/conditions/1/report",
                           data={f"r{condition.id}-report": "Sorry, late."})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "was due by" in page and "Sorry, late." in page


def test_officer_verifies_from_the_follow_up_page(app, client):
    """An officer marks a reported condition met with a reason; a missing reason is refused (409)."""
    case, decision, officer = in_follow_up()
    condition = decision.conditions[0]
    follow_up.report_condition(hei_user_for(case), case, condition, "Done.")
    db.session.commit()
    login(client, officer)
    url = f"/cases/{case.id}/follow-up/conditions/1/verdict"
    assert client.post(url, data={f"v{condition.id}-verdict": "met", f"v{condition.id}-reason": ""}).status_code == 409
    assert client.post(url, data={f"v{condition.id}-verdict": "met",
                                  f"v{condition.id}-reason": "Evidence shows it."}).status_code == 302
    db.session.expire_all()
    assert follow_up.condition_status(condition) == "met"


def test_wrong_users_are_refused(app, client):
    """Another institution cannot read the follow-up; the institution cannot verify; an officer cannot report."""
    case, decision, officer = in_follow_up()
    condition = decision.conditions[0]
    login(client, make_user(Role.HEI, institution=make_institution()))
    assert client.get(f"/cases/{case.id}/follow-up").status_code == 403
    client.post("/logout")
    login(client, hei_user_for(case))
    assert client.post(f"/cases/{case.id}/follow-up/conditions/1/verdict",
                       data={f"v{condition.id}-verdict": "met", f"v{condition.id}-reason": "Me."}).status_code == 403
    client.post("/logout")
    login(client, officer)
    assert client.post(f"/cases/{case.id}/follow-up/conditions/1/report",
                       data={f"r{condition.id}-report": "Me."}).status_code == 403
    assert client.get(f"/cases/{case.id}/follow-up/conditions/1/document").status_code == 404


def test_overdue_conditions_are_flagged_on_my_work(app, client):
    """My work lists the institution's conditions to report on and the officer's overdue ones, flagged overdue."""
    case, decision, officer = in_follow_up((-1, 60))
    login(client, officer)
    page = client.get("/my-work").get_data(as_text=True)
    assert "Follow-up of conditions" in page and "Overdue: the institution has not reported on it." in page
    client.post("/logout")
    login(client, hei_user_for(case))
    page = client.get("/my-work").get_data(as_text=True)
    assert "Conditions to report on" in page and page.count(f"/cases/{case.id}/follow-up#condition-") == 2


def test_follow_up_page_and_my_work_do_not_grow_queries_per_condition(app, client):
    """The follow-up page and the officer's My work run the same number of queries for one or three conditions."""
    counts = []
    for due in ((60,), (60, 70, 80)):
        case, _decision, officer = in_follow_up(due)
        login(client, officer)
        counts.append((statements_for(client, f"/cases/{case.id}/follow-up"), statements_for(client, "/my-work")))
        client.post("/logout")
        case.state = CaseState.CLOSED
        db.session.commit()
    assert counts[0] == counts[1]


def test_demo_helpers_report_verify_and_upgrade(app):
    """The demo helpers report, verify (met) and upgrade through the real services: a new positive decision linked
    to the conditional one, published."""
    case, decision, officer = in_follow_up((-1, 60))
    assert report_conditions(case, hei_user_for(case)) == 1
    assert verify(case, officer, met=True) == 1
    db.session.commit()
    assert [follow_up.condition_status(c) for c in decision.conditions] == ["open", "met"]
    case2, decision2, officer2 = in_follow_up((60,))
    report_conditions(case2, hei_user_for(case2))
    verify(case2, officer2)
    upgraded = upgrade(case2, council_member(case2, declared=False), officer2)
    db.session.commit()
    assert case2.state == CaseState.PUBLISHED and upgraded.supersedes_id == decision2.id
    assert db.session.get(Decision, upgraded.id).published_at is not None


def test_follow_up_page_is_accessible_for_both_sides(app, client):
    """The follow-up page has one h1, labelled fields and unique ids, for the institution and for an officer."""
    from tests.core.test_accessibility import assert_accessible

    case, _decision, officer = in_follow_up((-1, 60))
    for user in (hei_user_for(case), officer):
        login(client, user)
        response = client.get(f"/cases/{case.id}/follow-up")
        assert response.status_code == 200
        assert_accessible(f"/cases/{case.id}/follow-up", response.get_data(as_text=True))
        client.post("/logout")


def test_follow_up_page_of_an_upgraded_case_keeps_the_history(app, client):
    """Once upgraded, the case's follow-up page still shows the conditions followed up, their reports and verdicts,
    and that they led to the linked positive decision (linked to its register page); nothing can be reported."""
    from tests.core.test_accessibility import assert_accessible

    case, decision, officer = in_follow_up((60,))
    report_conditions(case, hei_user_for(case))
    verify(case, officer, met=True)
    upgraded = upgrade(case, council_member(case, declared=False), officer)
    db.session.commit()
    for user in (officer, hei_user_for(case)):
        login(client, user)
        assert f"/cases/{case.id}/follow-up" in client.get(f"/cases/{case.id}").get_data(as_text=True)
        response = client.get(f"/cases/{case.id}/follow-up")
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Condition text 1." in page and "The institution has done what the condition asks" in page
        assert "The report and its evidence show the condition met." in page
        assert "Every condition was met, and the follow-up led to a new decision linked to this one:" in page
        assert f'href="/register/{upgraded.id}"' in page and f'href="/register/{decision.id}"' in page
        assert "<form" not in page.split("<main", 1)[1].split("</main>", 1)[0]
        assert_accessible(f"/cases/{case.id}/follow-up (history)", page)
        client.post("/logout")


def test_a_case_without_conditions_has_no_follow_up_page(app, client):
    """A closed case whose decision set no conditions neither links nor serves a follow-up page (404)."""
    case, decision = published_case("positive")
    CASE_WORKFLOW.apply(case, CaseAction.CLOSE_CASE, decision.published_by)
    db.session.commit()
    login(client, decision.published_by)
    assert f"/cases/{case.id}/follow-up" not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}/follow-up").status_code == 404
