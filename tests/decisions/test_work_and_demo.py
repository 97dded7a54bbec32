"""My work for council members, the demo helpers (decide, publish) and the accessibility of the decision pages."""
import pytest

from qa_portal.auth.models import Role
from qa_portal.decisions.models import CouncilDeclaration
from qa_portal.demo import decisions as demo_decisions
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState
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
    assert bool(decision.conditions) == (code == "positive_with_conditions")
    demo_decisions.publish(case, make_user(Role.OFFICER))
    db.session.commit()
    assert case.state == CaseState.PUBLISHED and decision.published_at is not None


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
