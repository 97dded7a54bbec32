"""My work for council members, the demo helpers (decide, publish), the demo's follow-up case (one condition met,
one overdue) and the accessibility of the decision pages."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.decisions.services.follow_up import condition_status, followed_decision, is_overdue
from qa_portal.decisions.models import CouncilDeclaration
from qa_portal.demo import decisions as demo_decisions
from qa_portal.demo import load_demo
from qa_portal.demo.accounts import DEMO_PASSWORD, demo_user
from qa_portal.extensions import db
from qa_portal.reviews.models import Case, CaseState
from tests.core.test_accessibility import assert_accessible
from tests.decisions.factories import council_member, decided_case, pending_case, published_case
from tests.factories import login, make_user


def test_my_work_lists_cases_awaiting_the_council(app, client):
    """Council members' My work lists each pending case with what to do; a recused case drops out."""
    declare_first, to_decide, recused = pending_case(), pending_case(), pending_case()
    member = council_member(to_decide)
    db.session.add(CouncilDeclaration(case_id=recused.id, user_id=member.id, has_conflict=True, recused=True,
                                      details="Former employee."))
    db.session.commit()
    login(client, member)
    page = client.get("/my-work").get_data(as_text=True)
    assert declare_first.reference in page and "Declare your interests, then decide." in page
    assert to_decide.reference in page and "Record the council&#39;s decision on the final panel report." in page
    assert recused.reference not in page


@pytest.mark.parametrize("code", ["positive", "positive_with_conditions", "negative"])
def test_demo_helpers_decide_and_publish(app, code):
    """demo.decisions.decide records a rule-abiding decision of the outcome asked; publish publishes it."""
    case = pending_case()
    member = make_user(Role.COUNCIL)
    decision = demo_decisions.decide(case, member, outcome_code=code)
    assert (case.state, decision.outcome.code) == (CaseState.DECIDED, code)
    assert len(decision.conditions) == (2 if code == "positive_with_conditions" else 0)
    demo_decisions.publish(case, make_user(Role.OFFICER))
    db.session.commit()
    assert case.state == CaseState.PUBLISHED and decision.published_at is not None


def test_demo_decide_can_set_an_overdue_condition_within_the_rules(app):
    """With overdue_condition the council met 45 days ago and the second condition fell due 5 days ago: recorded
    through the service (D4 holds: due after the meeting, inside the window), the first condition still ahead."""
    case = pending_case()
    decision = demo_decisions.decide(case, make_user(Role.COUNCIL), "positive_with_conditions", overdue_condition=True)
    today = utcnow().date()
    assert decision.meeting_date == today - timedelta(days=45)
    assert [condition.due_on > today for condition in decision.conditions] == [True, False]
    assert decision.conditions[1].due_on == today - timedelta(days=5)


def test_demo_follow_up_case_has_one_condition_met_and_one_overdue(app, client):
    """The demo's case in follow-up: condition 1 reported and verified met, condition 2 past due with no report,
    flagged overdue on the officer's and the institution's My work."""
    load_demo()
    db.session.commit()
    case = db.session.scalar(select(Case).where(Case.state == CaseState.FOLLOW_UP))
    met, overdue = followed_decision(case).conditions
    assert condition_status(met) == "met" and not is_overdue(met)
    assert condition_status(overdue) == "open" and is_overdue(overdue)
    officer_work = "Overdue: the institution has not reported on it."
    for email, expected in (("officer@example.org", officer_work), ("hei-b@example.org", "Conditions to report on")):
        login(client, demo_user(email), DEMO_PASSWORD)
        page = client.get("/my-work").get_data(as_text=True)
        item = page.split(f"/cases/{case.id}/follow-up#condition-{overdue.id}", 1)[1].split("</li>", 1)[0]
        assert expected in page and "overdue" in item
        assert f"#condition-{met.id}" not in page
        client.post("/logout")


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_decision_pages_are_accessible(app, client, locale):
    """Queue, declaration, decision form, ready list, confirmation, register and decision page pass the checks."""
    pending = pending_case()
    decided, _ = decided_case()
    _published, decision = published_case("positive_with_conditions")
    member = council_member(pending)
    login(client, member)
    client.post("/language", data={"locale": locale})
    for url in ["/decisions", f"/cases/{pending.id}/decision", f"/cases/{pending.id}/decision/declaration",
                f"/cases/{decided.id}/decision"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))
    client.post("/logout")
    login(client, make_user(Role.OFFICER))
    client.post("/language", data={"locale": locale})
    for url in ["/decisions/ready"]:
        response = client.get(url)
        assert_accessible(url, response.get_data(as_text=True))
    response = client.post("/decisions/ready/confirm", data={"case_id": [str(decided.id)]})
    assert response.status_code == 200
    assert_accessible("confirm", response.get_data(as_text=True))
    client.post("/logout")
    for url in ["/register", f"/register/{decision.id}"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))
