"""The review case page leads council members, officers and (once decided) the institution to the decision."""
from qa_portal.auth.models import Role
from qa_portal.reviews.models import CaseState
from tests.factories import login, make_user
from tests.reviews.factories import hei_user_for, make_case


def test_case_page_links_the_decision_page_while_the_decision_is_pending(app, client):
    """A council member sees the decision card on a case awaiting its decision."""
    case = make_case(CaseState.DECISION_PENDING)
    login(client, make_user(Role.COUNCIL, Role.OFFICER))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/decision" in page


def test_institution_sees_no_decision_card_before_the_decision(app, client):
    """The institution does not see the card while the council has not decided."""
    case = make_case(CaseState.DECISION_PENDING)
    login(client, hei_user_for(case))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/decision" not in page
