"""HEI B reaches nothing of HEI A's case: every reviews route, filled with A's real ids, answers 403 or 404.
(The panel stages' routes are walked with real panel objects in test_panel_isolation.py.)"""
import re

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseAction
from tests.factories import login, make_institution, make_user
from tests.reviews.factories import complete_ser, criteria_of, hei_user_for, make_case


def _case_of_a():
    case = make_case(standards=1, criteria=1)
    complete_ser(case)
    from qa_portal.reviews.workflow import CASE_WORKFLOW

    CASE_WORKFLOW.apply(case, CaseAction.SUBMIT_SER, hei_user_for(case))
    CASE_WORKFLOW.apply(case, CaseAction.RETURN_SER, make_user(Role.OFFICER), comment="More detail please.")
    db.session.commit()
    return case


def _urls_for(app, case):
    values = {"case_id": case.id, "criterion_id": criteria_of(case)[0].id, "evidence_id": case.evidence[0].id,
              "standard_id": criteria_of(case)[0].standard_id,
              "number": 1, "action": CaseAction.WITHDRAW.value,
              # the case has no panel, visit or report yet: any id of those must be refused as well
              "member_id": 1, "objection_id": 1, "comment_id": 1, "session_id": 1}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("reviews.") or "case_id" not in rule.arguments:
            continue
        url = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url


def test_other_institution_reaches_nothing_on_any_reviews_route(app, client):
    """Every GET and POST of every case route, with HEI A's real ids, is refused to HEI B and changes nothing."""
    case = _case_of_a()
    state = case.state
    login(client, make_user(Role.HEI, institution=make_institution()))
    walked = list(_urls_for(app, case))
    assert len(walked) >= 10
    for method, url in walked:
        response = client.open(url, method=method, data={"comment": "Hostile", "narrative": "x", "title": "x"})
        assert response.status_code in (403, 404), f"{method} {url} -> {response.status_code}"
        assert b"More detail please." not in response.data
    db.session.refresh(case)
    assert case.state == state


def test_other_institution_does_not_see_the_case_in_the_list(app, client):
    """HEI B's case list does not show HEI A's case."""
    case = _case_of_a()
    login(client, make_user(Role.HEI, institution=make_institution()))
    assert case.reference not in client.get("/cases").get_data(as_text=True)


def test_experts_and_council_without_relationship_reach_nothing(app, client):
    """An expert or council member with no tie to the case is refused on every case route (for now)."""
    case = _case_of_a()
    for role in (Role.EXPERT, Role.COUNCIL, Role.APPEALS):
        other = app.test_client()
        login(other, make_user(role))
        for method, url in _urls_for(app, case):
            response = other.open(url, method=method, data={})
            assert response.status_code in (403, 404), f"{role} {method} {url} -> {response.status_code}"


# The pages of a case in self-evaluation (the panel stages' pages open later, each with its own tests).
SER_STAGE_PAGES = ("/cases/{id}", "/cases/{id}/ser", "/cases/{id}/evidence", "/cases/{id}/ser/submissions/1",
                   "/cases/{id}/ser/submissions/1.pdf", "/cases/{id}/ser/texts")


def test_own_institution_reaches_its_case_pages(app, client):
    """The control: HEI A's own user reads every self-evaluation page of its case and its evidence."""
    case = _case_of_a()
    login(client, hei_user_for(case))
    urls = [page.format(id=case.id) for page in SER_STAGE_PAGES] + [
        f"/cases/{case.id}/ser/criteria/{criteria_of(case)[0].id}",
        f"/cases/{case.id}/evidence/{case.evidence[0].id}", f"/cases/{case.id}/evidence/{case.evidence[0].id}/download"]
    for url in urls:
        assert client.get(url).status_code == 200, url
