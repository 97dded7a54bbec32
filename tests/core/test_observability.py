"""The request log: one JSON line per request with its id, user, route, status, time and SQL count; slow ones warn."""
import json
import logging

import pytest

from qa_portal.auth.models import Role
from qa_portal.core.observability import REQUEST_ID_HEADER
from tests.decisions.factories import published_case
from tests.factories import login, make_user


def _request_lines(caplog) -> list[dict]:
    return [json.loads(record.getMessage()) | {"level": record.levelname}
            for record in caplog.records if record.name == "qa_portal.request"]


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger="qa_portal.request")
    return caplog


def test_request_log_one_json_line_per_request(client, request_log):
    """A request writes exactly one JSON line with its id, method, route, status, duration and query count."""
    response = client.get("/login")
    lines = _request_lines(request_log)
    assert len(lines) == 1
    line = lines[0]
    assert line["method"] == "GET" and line["route"] == "/login" and line["endpoint"] == "auth.login"
    assert line["status"] == 200 and line["user_id"] is None and line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float) and line["queries"] == 0
    assert line["request_id"] == response.headers[REQUEST_ID_HEADER]


def test_request_log_names_the_route_rule_not_the_path(client, request_log):
    """The route is the URL rule with its placeholders, so ids do not explode the number of distinct routes."""
    _case, decision = published_case()
    assert client.get(f"/api/v1/decisions/{decision.id}").status_code == 200
    line = _request_lines(request_log)[-1]
    assert line["route"] == "/api/v1/decisions/<int:decision_id>"
    assert line["queries"] > 0


def test_request_log_counts_the_queries_of_the_request(client, request_log, app):
    """The query count is the number of SQL statements the request ran (the same count an engine listener sees)."""
    from tests.decisions.factories import statements_for

    published_case()
    expected = statements_for(client, "/api/v1/decisions")
    assert _request_lines(request_log)[-1]["queries"] == expected


def test_request_log_has_the_signed_in_user(client, request_log):
    """A signed-in user's id is on their requests' lines."""
    officer = make_user(Role.OFFICER)
    login(client, officer)
    client.get("/my-work")
    assert _request_lines(request_log)[-1]["user_id"] == officer.id


def test_request_id_taken_from_the_proxy_when_well_formed(client):
    """A well-formed X-Request-ID from the proxy is kept and returned."""
    response = client.get("/healthz", headers={REQUEST_ID_HEADER: "0123456789abcdef0123456789abcdef"})
    assert response.headers[REQUEST_ID_HEADER] == "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("offered", ["short", "has space in it", "bad\"quote0000", "x" * 200])
def test_request_id_replaced_when_malformed(client, offered):
    """A malformed X-Request-ID (too short, too long, odd characters) is replaced by a fresh id."""
    returned = client.get("/healthz", headers={REQUEST_ID_HEADER: offered}).headers[REQUEST_ID_HEADER]
    assert returned != offered and len(returned) == 32


def test_request_id_shown_on_the_error_page(client):
    """The error page shows the request id, so a user can quote it to the agency."""
    response = client.get("/no-such-page")
    assert response.headers[REQUEST_ID_HEADER] in response.get_data(as_text=True)


def test_request_log_warns_about_a_slow_request(app, client, request_log):
    """A request slower than QA_SLOW_REQUEST_MS is logged at WARNING with slow=true and the threshold."""
    app.config["QA_SLOW_REQUEST_MS"] = -1
    try:
        client.get("/login")
    finally:
        app.config["QA_SLOW_REQUEST_MS"] = 1000
    line = _request_lines(request_log)[-1]
    assert line["level"] == "WARNING" and line["slow"] is True and line["slow_threshold_ms"] == -1


def test_request_log_skips_successful_health_checks(client, request_log):
    """Load-balancer polls of /healthz that succeed stay out of the log."""
    client.get("/healthz")
    assert _request_lines(request_log) == []


def test_request_log_times_a_streamed_export_to_its_end(client, request_log):
    """A streamed export is logged once, after its last byte, with the queries it ran while streaming."""
    published_case()
    response = client.get("/api/v1/decisions.ndjson")
    assert response.status_code == 200 and response.get_data()
    lines = _request_lines(request_log)
    assert len(lines) == 1 and lines[0]["queries"] >= 2


def test_request_log_has_a_file_download(client, request_log):
    """A file sent as it is (evidence download) is logged too, though the server may never close its response."""
    from tests.reviews.factories import hei_user_for, make_case, make_evidence

    case = make_case()
    evidence = make_evidence(case)
    login(client, hei_user_for(case))
    assert client.get(f"/cases/{case.id}/evidence/{evidence.id}/download").status_code == 200
    line = _request_lines(request_log)[-1]
    assert line["endpoint"] == "reviews.evidence_download" and line["status"] == 200


def test_request_log_names_the_user_who_signs_out(client, request_log):
    """A sign-out's line carries the id of the user who signed out (the session named them when it came in)."""
    officer = make_user(Role.OFFICER)
    login(client, officer)
    client.post("/logout")
    line = _request_lines(request_log)[-1]
    assert line["endpoint"] == "auth.logout" and line["user_id"] == officer.id
