"""`flask registry push` against a stand-in of DEQAR's Submission API v2: first push (POST), no resend when nothing
changed, PUT when the report changes, deletion when DEQAR must no longer show it, DEQAR's refusal stored and shown,
network and server failures retried with backoff, a report DEQAR already holds updated instead of duplicated."""
import socket

import pytest
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.credentials.models import DeqarPush, PushState
from qa_portal.credentials.services.deqar_client import DeqarClient, DeqarUnreachable
from qa_portal.decisions.models import AppealOutcome
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution
from tests.credentials.deqar_standin import TOKEN, DeqarStandIn
from tests.decisions.factories import statements_for
from tests.factories import login, make_user
from tests.registry.factories import appeal_against, published_decision, registry_institution


@pytest.fixture
def deqar(app, public_base):
    """The stand-in running on loopback, and the portal configured to push to it without waiting between tries."""
    stand_in = DeqarStandIn()
    url = stand_in.start()
    saved = {name: app.config[name] for name in ("QA_DEQAR_API_URL", "QA_DEQAR_TOKEN",
                                                 "QA_DEQAR_PUSH_BACKOFF_SECONDS", "QA_DEQAR_PUSH_ATTEMPTS")}
    app.config.update(QA_DEQAR_API_URL=url, QA_DEQAR_TOKEN=TOKEN, QA_DEQAR_PUSH_BACKOFF_SECONDS=0,
                      QA_DEQAR_PUSH_ATTEMPTS=3)
    yield stand_in
    app.config.update(saved)
    stand_in.stop()


def _push(app, *args):
    return app.test_cli_runner().invoke(args=["registry", "push", *args])


def _pushes() -> dict[int, DeqarPush]:
    db.session.expire_all()
    return {push.decision_id: push for push in db.session.scalars(select(DeqarPush))}


def _sent(deqar) -> list[tuple[str, str]]:
    """The requests that change something in DEQAR."""
    return [request for request in deqar.requests if request[0] in ("POST", "PUT", "DELETE")]


def test_first_push_posts_each_report_and_stores_deqars_answer(app, deqar):
    """Each published report is POSTed once; DEQAR's report id, flag and warnings are stored."""
    first, second = published_decision("positive"), published_decision("positive_with_conditions")
    deqar.flags[first.case.reference] = ("low level", ["The programme's country is new for the agency."])
    result = _push(app)
    assert result.exit_code == 0, result.output
    pushes = _pushes()
    assert {push.state for push in pushes.values()} == {PushState.SENT}
    assert {int(push.report_id) for push in pushes.values()} == set(deqar.reports)
    assert pushes[first.id].flag == "low level"
    assert pushes[first.id].messages == ["The programme's country is new for the agency."]
    assert _sent(deqar) == [("POST", "submit/report")] * 2
    stored = deqar.reports[int(pushes[second.id].report_id)]
    assert stored["decision"] == "positive with conditions or restrictions"
    assert stored["report_links"][0]["link"] == f"https://qa.example.am/register/{second.id}"
    assert "posted 2" in result.output


def test_a_second_push_sends_nothing_when_nothing_changed(app, deqar):
    """Idempotent: an accepted, unchanged report is not sent again."""
    published_decision("positive")
    _push(app)
    deqar.requests.clear()
    result = _push(app)
    assert result.exit_code == 0 and deqar.requests == [] and "unchanged 1" in result.output


def test_a_changed_report_is_put_in_full_with_its_report_id(app, deqar):
    """When the report changes (here the institution's DEQAR id) the whole report is PUT with DEQAR's id."""
    decision = published_decision("positive")
    _push(app)
    report_id = _pushes()[decision.id].report_id
    institution = db.session.get(Institution, decision.case.institution_id)
    institution.deqar_id = "DEQARINST9999"
    db.session.commit()
    deqar.requests.clear()
    assert _push(app).exit_code == 0
    assert _sent(deqar) == [("PUT", "submit/report")]
    assert deqar.reports[int(report_id)]["institutions"][0]["deqar_id"] == "DEQARINST9999"
    assert len(deqar.reports) == 1 and _pushes()[decision.id].report_id == report_id


def test_a_decision_overturned_on_appeal_is_deleted_from_deqar_once(app, deqar):
    """Returned for reconsideration: DEQAR is asked to delete the report, once; the state says so."""
    decision = published_decision("positive")
    _push(app)
    report_id = int(_pushes()[decision.id].report_id)
    appeal_against(decision, outcome=AppealOutcome.RETURN)
    deqar.requests.clear()
    _push(app)
    assert _sent(deqar) == [("DELETE", f"delete/report/{report_id}/")]
    assert report_id in deqar.deletion_requested
    assert _pushes()[decision.id].state == PushState.DELETION_REQUESTED
    deqar.requests.clear()
    _push(app)
    assert _sent(deqar) == []


def test_deqars_refusal_is_stored_and_shown_to_officers(app, client, deqar):
    """A 400 from DEQAR: its messages kept per field, the command exits 1, the officers' page shows them."""
    decision = published_decision("positive")
    deqar.refuse[decision.case.reference] = {"institutions": [{"non_field_errors": ["Please provide valid DEQAR ID."]}]}
    result = _push(app)
    assert result.exit_code == 1 and "refused" in result.output
    push = _pushes()[decision.id]
    assert push.state == PushState.REFUSED and push.report_id is None
    assert push.messages == ["institutions[0]: Please provide valid DEQAR ID."]
    login(client, make_user(Role.OFFICER))
    page = client.get("/credentials/deqar").get_data(as_text=True)
    assert "Refused by DEQAR" in page and "institutions[0]: Please provide valid DEQAR ID." in page


def test_server_errors_are_retried_and_the_push_succeeds(app, deqar):
    """Two 503 answers, then DEQAR answers: the report is sent; the attempts are counted."""
    decision = published_decision("positive")
    deqar.fail_next = 2
    assert _push(app).exit_code == 0
    push = _pushes()[decision.id]
    assert push.state == PushState.SENT and push.attempts == 4  # check: 3 tries (2 failed), POST: 1


def test_the_client_backs_off_exponentially_and_gives_up(deqar):
    """Waits of 1, 2, 4 s between four attempts on a failing server, then DeqarUnreachable."""
    waits = []
    client = DeqarClient(deqar.start(), TOKEN, attempts=4, backoff_seconds=1, sleep=waits.append)
    deqar.fail_next = 10
    with pytest.raises(DeqarUnreachable, match="failed 4 times"):
        client.request("GET", "check/local-identifier")
    assert waits == [1, 2, 4]


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/submissionapi/v2/"


def test_a_network_failure_is_stored_and_retried_on_the_next_push(app, deqar):
    """DEQAR unreachable: the push fails after every attempt and says so; the next push (even --since a later date)
    retries it and sends it."""
    decision = published_decision("positive")
    url = app.config["QA_DEQAR_API_URL"]
    app.config["QA_DEQAR_API_URL"] = _closed_port_url()
    result = _push(app)
    assert result.exit_code == 1
    push = _pushes()[decision.id]
    assert push.state == PushState.FAILED and push.attempts == 3 and "failed 3 times" in push.messages[0]
    app.config["QA_DEQAR_API_URL"] = url
    assert _push(app, "--since", "2999-01-01").exit_code == 0
    assert _pushes()[decision.id].state == PushState.SENT


def test_a_report_deqar_already_holds_is_updated_not_duplicated(app, deqar):
    """A POST whose answer was lost (DEQAR has the local identifier, the portal no id): found and PUT."""
    decision = published_decision("positive")
    deqar.reports[39999] = {"local_identifier": decision.case.reference, "decision": "positive"}
    _push(app)
    assert _sent(deqar) == [("PUT", "submit/report")]
    assert _pushes()[decision.id].report_id == "39999" and len(deqar.reports) == 1


def test_an_invalid_report_is_never_sent(app, deqar):
    """A decision whose report breaks DEQAR's rules (an institution without DEQAR or ETER id) is kept as invalid."""
    decision = published_decision("positive", institution=registry_institution(deqar_id=None, eter_id=None))
    _push(app)
    assert _sent(deqar) == []
    push = _pushes()[decision.id]
    assert push.state == PushState.INVALID and push.messages


def test_a_dry_run_sends_and_stores_nothing(app, deqar):
    """--dry-run lists what would be sent; DEQAR gets no request and nothing is stored."""
    published_decision("positive")
    result = _push(app, "--dry-run")
    assert result.exit_code == 0 and "would_post" in result.output and "dry run" in result.output
    assert deqar.requests == [] and _pushes() == {}


def test_a_wrong_token_is_a_refusal_with_deqars_message(app, deqar):
    """DEQAR's 401 is stored with its message."""
    decision = published_decision("positive")
    app.config["QA_DEQAR_TOKEN"] = "wrong"
    _push(app)
    push = _pushes()[decision.id]
    assert push.state == PushState.REFUSED and "Authentication credentials" in push.messages[0]


def test_the_deqar_page_is_for_officers_only_and_filters_by_state(app, client, deqar):
    """Officers list every published decision (not pushed yet included); others get 403; a bad filter 400."""
    published_decision("positive")
    login(client, make_user(Role.HEI))
    assert client.get("/credentials/deqar").status_code == 403
    officer = app.test_client()
    login(officer, make_user(Role.OFFICER))
    assert "Not sent yet" in officer.get("/credentials/deqar?state=not_pushed").get_data(as_text=True)
    assert officer.get("/credentials/deqar?state=nonsense").status_code == 400


def test_the_deqar_page_costs_the_same_queries_whatever_the_number_of_decisions(app, client, deqar):
    """Paginated in SQL with the pushes of the page in one query: 2 decisions and 5 cost the same."""
    login(client, make_user(Role.OFFICER))
    for _ in range(2):
        published_decision("positive")
    _push(app)
    few = statements_for(client, "/credentials/deqar")
    for _ in range(3):
        published_decision("positive")
    _push(app)
    assert statements_for(client, "/credentials/deqar") == few
