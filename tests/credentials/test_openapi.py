"""The credentials' /api/v1 routes are in the OpenAPI document (contributed by the package) and their real answers —
labels, verifications, errors — match the documented schemas."""
import json

from openapi_spec_validator import validate

from qa_portal.registry.services.openapi import openapi_path
from tests.credentials.conftest import BASE_URL
from tests.credentials.factories import download_label
from tests.registry.factories import published_decision
from tests.registry.openapi_support import fetch_document, schema_errors

CREDENTIAL = "/api/v1/decisions/<int:decision_id>/credential"
VERIFY = "/api/v1/verify"


def _schema(document: dict, rule: str, method: str, status: int) -> dict:
    response = document["paths"][openapi_path(rule)][method]["responses"][str(status)]
    while "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response["content"]["application/json"]["schema"]


def _assert_matches(document, rule, method, response):
    errors = schema_errors(document, _schema(document, rule, method, response.status_code), response.get_json())
    assert not errors, errors


def test_the_document_describes_both_routes_and_stays_valid(client):
    """GET …/credential and POST /verify are documented (with the verify request body) and the document validates."""
    document = fetch_document(client)
    validate(document)
    assert document["paths"]["/decisions/{decision_id}/credential"]["get"]["operationId"] == \
        "credentials.api.decision_credential"
    verify = document["paths"]["/verify"]["post"]
    assert "application/json" in verify["requestBody"]["content"] and "413" in verify["responses"]


def test_real_answers_match_their_schemas(client, key_dir):
    """A label set, a verified label, a failed badge check and the errors (404, 400, 413, 415) match the document."""
    document = fetch_document(client)
    decision = published_decision("positive")
    _assert_matches(document, CREDENTIAL, "get", client.get(f"/api/v1/decisions/{decision.id}/credential",
                                                            base_url=BASE_URL))
    _assert_matches(document, CREDENTIAL, "get", client.get("/api/v1/decisions/999999/credential"))
    token = download_label(client, decision)
    verified = client.post(VERIFY, data=token, content_type="application/jwt", base_url=BASE_URL)
    assert verified.get_json()["verdict"] == "verified"
    _assert_matches(document, VERIFY, "post", verified)
    badge = {"type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": "did:web:nobody.example",
             "credentialSubject": {"achievement": {"name": "Nothing"}}}
    _assert_matches(document, VERIFY, "post", client.post(VERIFY, data=json.dumps(badge),
                                                          content_type="application/json"))
    for body, content_type in (("nope", "application/json"), ("x", "application/xml")):
        _assert_matches(document, VERIFY, "post", client.post(VERIFY, data=body, content_type=content_type))
