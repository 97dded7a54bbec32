"""Schemathesis fuzzes every operation of /api/v1/openapi.json through the WSGI app (no network): no server error, and
every answer — status, content type, headers, body — is the one the document promises."""
import contextvars

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from qa_portal.extensions import limiter
from qa_portal.registry.services.openapi import OPERATIONS
from tests.registry.factories import published_decision

EXAMPLES_PER_OPERATION = 12


def isolated(app):
    """The app as a WSGI callable whose every request runs in a fresh context (its own app context and database
    session, as under a real server), its body read before the context ends."""

    def wsgi(environ, start_response):
        def run():
            body = app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                getattr(body, "close", lambda: None)()

        return contextvars.Context().run(run)

    return wsgi


@pytest.fixture
def api_schema(app):
    """The API's own OpenAPI document, served by the app, with one published decision behind it (ids 1 exist)."""
    published_decision("positive_with_conditions")
    limiter.reset()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", isolated(app))


FUZZ_SETTINGS = settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))


def _issued_values_only(case) -> None:
    """Positive cases keep to values the API can accept: a cursor is a token the API itself issued (a made-up one is
    rightly 400), and an outcome one of the codes and DEQAR values the database holds (the document describes both
    in words, the negative cases still send anything)."""
    if case.query:
        case.query.pop("cursor", None)
        if "outcome" in case.query:
            case.query["outcome"] = "positive"


OPERATIONS_WITH_PARAMETERS = sorted(name for name, operation in OPERATIONS.items()
                                    if operation.parameters or operation.not_found)


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_api_operation_answers_valid_requests_as_documented(api_schema, operation_id):
    """Requests valid by the document (edge values of every type included) never get a 5xx, are accepted, and each
    answer — status, content type, headers, body — conforms to the operation's documented responses."""
    operation = api_schema.find_operation_by_id(operation_id)

    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    @FUZZ_SETTINGS
    def fuzz(case):
        limiter.reset()
        _issued_values_only(case)
        case.call_and_validate()

    fuzz()


@pytest.mark.parametrize("operation_id", OPERATIONS_WITH_PARAMETERS)
def test_api_operation_refuses_invalid_requests_without_failing(api_schema, operation_id):
    """Requests breaking the documented parameter schemas (wrong types, out of range, control characters, unknown
    parameters) get a documented 4xx in the API's error shape, never a 5xx."""
    operation = api_schema.find_operation_by_id(operation_id)

    @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    @FUZZ_SETTINGS
    def fuzz(case):
        limiter.reset()
        case.call_and_validate()

    fuzz()
