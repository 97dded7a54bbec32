"""The OpenAPI document: it validates as OpenAPI 3.1, it describes exactly the registry's routes and the parameters
each accepts, and real answers (lists, details, exports, DEQAR reports, errors) match its schemas."""
import csv
import html
import io
import json
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from qa_portal.decisions.models import AppealOutcome
from qa_portal import create_app
from qa_portal.registry.services.openapi import OPERATIONS, api_rules, build_document, openapi_path, registry_rules
from tests.core.test_accessibility import assert_accessible
from tests.registry.factories import (appeal_against, published_decision, registry_institution, superseding_decision,
                                      unpublished_decision)
from tests.registry.openapi_support import assert_matches, fetch_document, response_schema, schema_errors


def _documented_operations(document: dict) -> set[str]:
    return {operation["operationId"] for methods in document["paths"].values() for operation in methods.values()}


@pytest.fixture
def published_world(app):
    """Published decisions of every kind (with conditions, appealed, superseded by an upgrade, one that cannot form a
    valid DEQAR report) and one unpublished."""
    conditional = published_decision("positive_with_conditions", specifications=2)
    superseding_decision(conditional)
    appeal_against(published_decision("negative"), outcome=AppealOutcome.UPHOLD)
    published_decision("positive")
    published_decision("positive", institution=registry_institution(deqar_id=None, eter_id=None))
    unpublished_decision("positive")


def test_the_document_validates_as_openapi_3_1(client):
    """The served document passes openapi-spec-validator as OpenAPI 3.1."""
    document = fetch_document(client)
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_component_schema_is_valid_json_schema_2020_12(client):
    """Each component schema is itself a valid JSON Schema 2020-12 schema."""
    for name, schema in fetch_document(client)["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)


def assert_routes_and_document_agree(document: dict) -> None:
    """The document's paths and operations are exactly the /api/v1 routes (the registry's and those other packages
    contribute), and OPERATIONS documents no view the registry blueprint lacks."""
    routes = {openapi_path(rule.rule): rule.endpoint.removeprefix("registry.") for rule in registry_rules()}
    contributed = {openapi_path(rule.rule): rule.endpoint for rule in api_rules()
                   if not rule.endpoint.startswith("registry.")}
    missing = sorted((set(routes) | set(contributed)) - set(document["paths"]))
    assert not missing, f"routes without documentation: {missing}"
    assert not set(document["paths"]) - set(routes) - set(contributed), "documented paths that are not routes"
    assert _documented_operations(document) == set(routes.values()) | set(contributed.values())
    assert set(OPERATIONS) == set(routes.values()), "OPERATIONS names a view the blueprint does not have"
    for path, endpoint in routes.items():
        assert document["paths"][path]["get"]["operationId"] == endpoint


def test_every_registry_route_is_documented_and_every_documented_path_is_a_route(client):
    """A new route without documentation, or documentation of a route that does not exist, fails here."""
    assert_routes_and_document_agree(fetch_document(client))


def test_the_route_check_catches_an_undocumented_route(app):
    """Shown on a separate app: a registry route added without an OPERATIONS entry fails the check by name."""
    other = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    other.add_url_rule("/api/v1/undocumented", endpoint="registry.undocumented", view_func=lambda: "")
    with other.test_request_context():
        document = build_document("http://localhost/api/v1")
        with pytest.raises(AssertionError, match="/undocumented"):
            assert_routes_and_document_agree(document)


def test_the_server_url_is_the_configured_public_address_whatever_the_host(app, client):
    """servers[0].url is the API root at QA_PUBLIC_BASE_URL, however the request reached the server."""
    app.config["QA_PUBLIC_BASE_URL"] = "https://registry.example.am"
    try:
        document = client.get("/api/v1/openapi.json", base_url="http://evil.example").get_json()
    finally:
        app.config["QA_PUBLIC_BASE_URL"] = "http://localhost"
    assert document["servers"] == [{"url": "https://registry.example.am/api/v1"}]


def test_the_document_is_in_english_whatever_the_visitor_language(client):
    """The JSON document stays English for machines even when the visitor chose Armenian."""
    english = fetch_document(client)
    client.post("/language", data={"locale": "hy", "next": "/"})
    assert client.get("/api/v1/openapi.json").get_json() == english


def test_the_docs_page_follows_the_visitor_language(app, client):
    """The docs page is translated like every other page (gettext), here its table headings in Armenian."""
    client.post("/language", data={"locale": "hy", "next": "/"})
    page = client.get("/api/v1/docs").get_data(as_text=True)
    with app.test_request_context(), force_locale("hy"):
        armenian = gettext("Description")
    assert armenian != "Description"
    assert '<html lang="hy">' in page
    assert f'<th scope="col">{armenian}</th>' in page
    assert_accessible("/api/v1/docs (hy)", page)


def test_the_documented_query_parameters_are_exactly_those_each_route_accepts(client, published_world):
    """The 400 for an unknown parameter lists what the route allows; the document names the same parameters."""
    document = fetch_document(client)
    for rule in registry_rules():
        path = _example_path(client, rule)
        error = client.get(path + "?no_such_parameter=1").get_json()["error"]
        assert error["code"] == "unknown_parameter", path
        documented = {p["$ref"].rsplit("/", 1)[-1] for p in document["paths"][openapi_path(rule.rule)]["get"]
                      .get("parameters", []) if "$ref" in p}
        assert documented == set(error["details"]["allowed"]), rule.rule


def _example_path(client, rule) -> str:
    """A URL of the rule that exists: itself without placeholders, else the first item its list links to."""
    if not rule.arguments:
        return rule.rule
    return urlsplit(_detail_urls(client, rule)[0]).path


def _detail_urls(client, rule) -> list[str]:
    """The detail URLs of a rule: every `url` its collection's items give (the collection is the rule's parent)."""
    collection = rule.rule.rsplit("/", 1)[0]
    items = client.get(collection + "?limit=500").get_json()["data"]
    urls = [item["url"] if "url" in item else f"{collection}/{item['local_identifier']}" for item in items
            if "url" in item or item.get("valid")]
    assert urls, f"no {collection} item links to {rule.rule}"
    return urls


def test_every_json_answer_matches_its_documented_schema(client, published_world):
    """Every list page and every detail of the published data is exactly the documented 200 schema."""
    document = fetch_document(client)
    checked = 0
    for rule in registry_rules():
        if OPERATIONS[rule.endpoint.removeprefix("registry.")].media_type != "application/json":
            continue
        paths = [rule.rule] if not rule.arguments else [urlsplit(url).path for url in _detail_urls(client, rule)]
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert_matches(document, rule.rule, response)
            checked += 1
    assert checked >= 10


def test_a_list_page_with_a_next_cursor_matches_its_schema_and_links_the_next_page(client, published_world):
    """A short page has a `next` cursor, a next_url and a Link header, all as documented."""
    document = fetch_document(client)
    for rule in registry_rules():
        if "cursor" not in OPERATIONS[rule.endpoint.removeprefix("registry.")].parameters:
            continue
        response = client.get(rule.rule + "?limit=1")
        assert_matches(document, rule.rule, response)
        body = response.get_json()
        if body["next"]:
            assert response.headers["Link"] == f'<{body["next_url"]}>; rel="next"'
            assert_matches(document, rule.rule, client.get(urlsplit(body["next_url"]).path + "?"
                                                           + urlsplit(body["next_url"]).query))


def test_a_conditional_request_answers_the_documented_304(client, published_world):
    """Every JSON route documents 304 and answers it to its own ETag."""
    document = fetch_document(client)
    for rule in registry_rules():
        if OPERATIONS[rule.endpoint.removeprefix("registry.")].media_type != "application/json":
            continue
        path = _example_path(client, rule)
        etag = client.get(path).headers["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert "304" in document["paths"][openapi_path(rule.rule)]["get"]["responses"]


def test_errors_match_the_documented_error_schema(app, client, published_world):
    """400 (bad parameter), 404 (unknown id), 405 (a write), 422 (a DEQAR report DEQAR would refuse) and 429 (rate
    limit) are each documented and match."""
    document = fetch_document(client)
    for rule in registry_rules():
        path = _example_path(client, rule)
        assert_matches(document, rule.rule, client.get(path + "?no_such_parameter=1"))
        assert_matches(document, rule.rule, client.post(path))
        if rule.arguments:
            missing = path.rsplit("/", 1)[0] + ("/999999" if "int:" in rule.rule else "/NO-SUCH-REPORT")
            response = client.get(missing)
            assert response.status_code == 404, missing
            assert_matches(document, rule.rule, response)
    invalid = [item for item in client.get("/api/v1/deqar/reports").get_json()["data"] if not item["valid"]]
    assert invalid
    unprocessable = client.get(f"/api/v1/deqar/reports/{invalid[0]['local_identifier']}")
    assert unprocessable.status_code == 422
    assert_matches(document, "/api/v1/deqar/reports/<string:local_identifier>", unprocessable)
    app.config["QA_API_RATE_LIMIT"] = "1 per minute"
    try:
        client.get("/api/v1/decisions")
        limited = client.get("/api/v1/decisions")
    finally:
        app.config["QA_API_RATE_LIMIT"] = "600 per minute"
    assert limited.status_code == 429
    assert_matches(document, "/api/v1/decisions", limited)


def test_bad_values_of_every_documented_parameter_answer_the_documented_400(client, published_world):
    """A malformed value of each documented parameter is a 400 in the error schema, never a 500."""
    bad = {"limit": "0", "cursor": "forged", "updated_since": "yesterday", "institution": "abc",
           "valid_on": "31/01/2026", "q": "x" * 201, "valid": "maybe", "outcome": "no-such-outcome",
           "qa_status": "maybe", "status": "draft", "set": "x" * 41}
    document = fetch_document(client)
    for rule in registry_rules():
        operation = OPERATIONS[rule.endpoint.removeprefix("registry.")]
        for name in operation.parameters:
            response = client.get(f"{_example_path(client, rule)}?{name}={bad[name]}")
            assert response.status_code == 400, (rule.rule, name)
            assert_matches(document, rule.rule, response)


def test_every_ndjson_line_is_a_documented_decision(client, published_world):
    """Each line of the NDJSON export validates against the line schema the document gives (Decision)."""
    document = fetch_document(client)
    response = client.get("/api/v1/decisions.ndjson")
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    line_schema = response_schema(document, "/api/v1/decisions.ndjson", 200, "application/x-ndjson",
                                  "x-line-schema")
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == 5  # the unpublished decision is not exported
    for line in lines:
        assert not schema_errors(document, line_schema, json.loads(line))
    listed = client.get("/api/v1/decisions").get_json()["data"]
    assert [json.loads(line) for line in lines] == listed


def test_the_csv_export_has_the_documented_media_type_and_columns(client, published_world):
    """The CSV export answers text/csv with the header row the document lists (x-columns)."""
    document = fetch_document(client)
    response = client.get("/api/v1/decisions.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    columns = response_schema(document, "/api/v1/decisions.csv", 200, "text/csv", "x-columns")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == columns
    assert all(len(row) == len(columns) for row in rows)
    assert len(rows) == 1 + 7  # the conditional decision and its upgrade each review two specifications


def test_the_docs_page_renders_every_route_and_schema_without_outside_resources(client):
    """/api/v1/docs is an HTML page of the same document: each path, operation, schema and a curl call; nothing is
    loaded from another host."""
    document = fetch_document(client)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for path, methods in document["paths"].items():
        assert f"<code>{path}</code>" in page
        for operation in methods.values():
            assert f'id="op-{operation["operationId"]}"' in page
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert "curl -i 'http://localhost/api/v1/institutions?limit=10'" in html.unescape(page)
    assert 'src="http' not in page and 'href="http://cdn' not in page
    assert_accessible("/api/v1/docs", page)
