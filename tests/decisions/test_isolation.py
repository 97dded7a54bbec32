"""Nobody without a tie reaches a case's decision pages: every decisions route with a case_id, filled with a real
case's id, answers 403 or 404 to another institution's user, an expert and an appeals member, and changes nothing."""
import re

import pytest

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState
from tests.decisions.factories import decided_case, pending_case
from tests.factories import login, make_institution, make_user


def _urls_for(app, case):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("decisions.") and "case_id" in rule.arguments:
            url = re.sub(r"<(?:\w+:)?number>", "1", re.sub(r"<(?:\w+:)?case_id>", str(case.id), rule.rule))
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, url


@pytest.mark.parametrize("state", [CaseState.DECISION_PENDING, CaseState.DECIDED])
def test_users_without_a_tie_reach_no_decision_page_of_a_case(app, state):
    """Another institution's user, an expert and an appeals member get 403/404 on every case decision route."""
    case = pending_case() if state == CaseState.DECISION_PENDING else decided_case()[0]
    walked = list(_urls_for(app, case))
    assert len(walked) >= 4
    for user in (make_user(Role.HEI, institution=make_institution()), make_user(Role.EXPERT),
                 make_user(Role.APPEALS)):
        client = app.test_client()
        login(client, user)
        for method, url in walked:
            response = client.open(url, method=method, data={"reasons": "Hostile", "has_conflict": "y",
                                                              "details": "x"})
            assert response.status_code in (403, 404), f"{user.email} {method} {url} -> {response.status_code}"
    db.session.refresh(case)
    assert case.state == state


def test_anonymous_visitors_are_sent_to_sign_in_on_case_decision_pages(app, client):
    """Case decision pages need a sign-in (the register is the public face)."""
    case = pending_case()
    for _method, url in _urls_for(app, case):
        assert client.get(url).status_code in (302, 405)
