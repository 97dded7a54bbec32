"""HEI A never sees or changes HEI B's applications or anyone's scores, on every calls/applications/selection route."""
import re

import pytest

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.models import ApplicationStatus, CallStatus, SelectionOutcome
from tests.factories import login, make_institution, make_user
from tests.pilots.calls_factories import make_application, make_call, make_decision, make_score, make_specification

CALL_ENDPOINTS = {
    "pilots.call_list", "pilots.call_new", "pilots.call_edit", "pilots.call_detail", "pilots.call_change_status",
    "pilots.public_call_list", "pilots.public_call", "pilots.application_new", "pilots.application_edit",
    "pilots.application_list", "pilots.application_detail", "pilots.application_submit",
    "pilots.application_withdraw", "pilots.selection", "pilots.selection_complete", "pilots.application_score",
    "pilots.application_decide",
}
SECRET_MOTIVATION = "HEI-B-SECRET-MOTIVATION"
SECRET_COMMENT = "OFFICER-SECRET-COMMENT"
SECRET_RATIONALE = "B-RATIONALE-PRIVATE"


@pytest.fixture
def world(app):
    """HEI A's user; HEI B's draft (open call) and submitted, scored, decided application (closed and done calls)."""
    hei_a, hei_b = make_institution(name_en="Institution Alpha"), make_institution(name_en="Institution Beta")
    user_a = make_user(Role.HEI, institution=hei_a)
    officer = make_user(Role.OFFICER)
    open_call, closed_call, done_call = make_call(), make_call(CallStatus.CLOSED), make_call(CallStatus.SELECTION_DONE)
    spec_b = make_specification(hei_b)
    draft_b = make_application(open_call, hei_b, [spec_b], motivation=SECRET_MOTIVATION)
    submitted_b = make_application(closed_call, hei_b, [spec_b], status=ApplicationStatus.SUBMITTED,
                                   motivation=SECRET_MOTIVATION)
    make_score(submitted_b, officer, [5, 4])
    submitted_b.scores[0].comment = SECRET_COMMENT
    done_b = make_application(done_call, hei_b, [spec_b], status=ApplicationStatus.SUBMITTED,
                              motivation=SECRET_MOTIVATION)
    make_decision(done_b, SelectionOutcome.SELECTED, SECRET_RATIONALE)
    spec_a = make_specification(hei_a)
    own_done = make_application(done_call, hei_a, [spec_a], status=ApplicationStatus.SUBMITTED)
    make_decision(own_done, SelectionOutcome.RESERVE, "Our own rationale")
    make_score(own_done, officer, [1, 1])
    own_done.scores[0].comment = "Score comment on A"
    db.session.commit()
    return {"user_a": user_a, "applications": [draft_b, submitted_b, done_b],
            "calls": [open_call, closed_call, done_call], "own": own_done}


def _urls(app, endpoint, world):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    if "<int:application_id>" in rule.rule:
        return rule, [rule.rule.replace("<int:application_id>", str(a.id)) for a in world["applications"]]
    if "<int:call_id>" in rule.rule:
        return rule, [rule.rule.replace("<int:call_id>", str(c.id)) for c in world["calls"]]
    assert not re.search(r"<[^>]+>", rule.rule), rule.rule
    return rule, [rule.rule]


def test_calls_routes_cover_every_endpoint_of_the_area(app):
    """The walk below covers every calls, applications and selection endpoint that exists."""
    mine = {r.endpoint for r in app.url_map.iter_rules()
            if r.endpoint.startswith("pilots.") and any(word in r.endpoint for word in ("call", "application", "selection"))}
    assert mine == CALL_ENDPOINTS


def test_hei_a_never_reaches_hei_b_applications_or_scores(app, client, world):
    """Every route with HEI B's application ids is refused to HEI A; no page shows B's motivation, scores or rationale."""
    login(client, world["user_a"])
    for endpoint in sorted(CALL_ENDPOINTS):
        rule, urls = _urls(app, endpoint, world)
        for url in urls:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(url, method=method, data={"reason": "x", "motivation": "hijack",
                                                                  "outcome": "selected", "rationale": "x",
                                                                  "action": "close"})
                body = response.get_data(as_text=True)
                if "<int:application_id>" in rule.rule:
                    assert response.status_code in (403, 404), f"{method} {url} -> {response.status_code}"
                for secret in (SECRET_MOTIVATION, SECRET_COMMENT, SECRET_RATIONALE, "Institution Beta"):
                    assert secret not in body, f"{method} {url} shows {secret}"
    for application in world["applications"]:
        db.session.refresh(application)
    assert [a.motivation for a in world["applications"]] == [SECRET_MOTIVATION] * 3
    assert world["applications"][0].status == ApplicationStatus.DRAFT


def test_applicant_sees_own_result_but_no_scores(app, client, world):
    """The applicant reads its result and rationale, never the officers' scores or comments."""
    login(client, world["user_a"])
    page = client.get(f"/applications/{world['own'].id}").get_data(as_text=True)
    assert "Our own rationale" in page
    assert "Score comment on A" not in page and "Weighted" not in page
    work = client.get("/my-work").get_data(as_text=True)
    assert "Our own rationale" in work and "Score comment on A" not in work
