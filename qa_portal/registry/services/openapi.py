"""The OpenAPI 3.1 description of /api/v1, built from the URL map so that its paths are always the real ones.

OPERATIONS says, per view, what the route is for, which query parameters it takes and what it answers; the
builder walks the blueprint's rules and describes each one. A registry route without an entry here is left out of
the document, and tests/registry/test_openapi.py fails on it (and on an entry without a route). A downstream package
serving its own routes under /api/v1 (credentials) documents them with contribute_operations() at app start."""
import re
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l

from qa_portal.core.input_checks import MAX_ID
from qa_portal.pilots.models import PublicQaStatus
from qa_portal.registry.services.export import CSV_COLUMNS
from qa_portal.registry.services.openapi_schemas import SCHEMAS, ref
from qa_portal.registry.services.params import DEFAULT_LIMIT, MAX_LIMIT
from qa_portal.standards.models import PUBLISHED_STATUSES, VersionStatus

API_PREFIX = "/api/v1"
JSON, NDJSON, CSV = "application/json", "application/x-ndjson", "text/csv"
LIST_PARAMETERS = ("limit", "cursor")


@dataclass(frozen=True)
class Operation:
    """What one GET route does: summary, description, tag, query parameters, 200 body and its media type."""

    summary: object
    description: object
    tag: str
    schema: str
    parameters: tuple = ()
    media_type: str = JSON
    line_schema: str | None = None  # NDJSON: the schema each line validates against
    columns: tuple = ()  # CSV: the header row
    not_found: bool = False  # a path parameter that may name nothing published: 404
    errors: tuple = field(default=(400, 405, 429, 500))
    method: str = "get"
    request_body: dict | None = None  # an OpenAPI requestBody object (POST)


DECISION_FILTERS = ("updated_since", "institution", "outcome", "valid_on", "q")

OPERATIONS = {
    "index": Operation(
        _l("API entry point"), _l("The API version and the URL of every collection it serves."), "API",
        "Index"),
    "openapi_document": Operation(
        _l("This OpenAPI document"), _l("The OpenAPI 3.1 description of every route, parameter, response and "
                                        "error of the API, with JSON Schema 2020-12 component schemas."),
        "API", "OpenApiDocument"),
    "openapi_docs": Operation(
        _l("Human-readable API documentation"), _l("This document rendered as an HTML page."), "API",
        "HtmlPage", media_type="text/html"),
    "decision_list": Operation(
        _l("Published decisions"), _l("Every published decision, oldest first, one page at a time."),
        "Decisions", "DecisionList", LIST_PARAMETERS + DECISION_FILTERS),
    "decision_detail": Operation(
        _l("One published decision"), _l("A published decision by id; an unpublished or unknown id is 404."),
        "Decisions", "Decision", not_found=True),
    "decision_export_ndjson": Operation(
        _l("Every published decision as NDJSON"),
        _l("The full export, streamed: one Decision object per line, in id order."),
        "Exports", "NdjsonStream", DECISION_FILTERS, media_type=NDJSON, line_schema="Decision"),
    "decision_export_csv": Operation(
        _l("Every published decision as CSV"),
        _l("The full export, streamed: one row per decision and specification covered, with a header row. RFC 4180 "
           "(comma, double quotes, CRLF, UTF-8). To keep spreadsheets from running a cell as a formula, a text cell "
           "that would start with =, +, -, @, a tab or a carriage return starts with a single quote (') added by "
           "the portal; remove that one leading quote to get the value the JSON answers give."),
        "Exports", "CsvStream", DECISION_FILTERS, media_type=CSV, columns=CSV_COLUMNS),
    "micro_credential_list": Operation(
        _l("Published micro-credentials"),
        _l("Every micro-credential with a published version, with every element of its latest published "
           "version, its versions and QA status."),
        "Catalogue", "MicroCredentialList", LIST_PARAMETERS + ("updated_since", "institution", "q", "qa_status")),
    "micro_credential_detail": Operation(
        _l("One published micro-credential"), _l("A micro-credential by id; one without a published version is 404."),
        "Catalogue", "MicroCredential", not_found=True),
    "institution_list": Operation(
        _l("Institutions"), _l("Institutions with a published micro-credential or decision."), "Catalogue",
        "InstitutionList", LIST_PARAMETERS + ("updated_since", "q")),
    "institution_detail": Operation(
        _l("One institution"), _l("An institution's public facts and the URLs of its published records."),
        "Catalogue", "InstitutionDetail", not_found=True),
    "standard_list": Operation(
        _l("Published standard-set versions"),
        _l("Approved (and later superseded or withdrawn) versions of the standard sets, with standards and "
           "criteria."),
        "Standards", "StandardVersionList", LIST_PARAMETERS + ("set", "status", "updated_since")),
    "standard_detail": Operation(
        _l("One published standard-set version"), _l("A published standard-set version by id; a draft is 404."),
        "Standards", "StandardVersion", not_found=True),
    "deqar_report_list": Operation(
        _l("DEQAR reports"),
        _l("Each published decision as a DEQAR Submission API v2 report object, or the reasons it cannot form "
           "a valid one."),
        "DEQAR", "DeqarReportList", LIST_PARAMETERS + ("updated_since", "valid")),
    "deqar_report_detail": Operation(
        _l("One DEQAR report"),
        _l("The DEQAR report of a published decision, by its local identifier; 422 with DEQAR's reasons in "
           "details.problems when the decision cannot form a valid report."),
        "DEQAR", "DeqarReport", not_found=True, errors=(400, 405, 422, 429, 500)),
}

PARAMETERS = {
    "limit": {"schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
              "description": _l("Page size, from 1 to %(max)s.", max=MAX_LIMIT)},
    "cursor": {"schema": {"type": "string"},
               "description": _l("The `next` cursor of the previous page; omit it for the first page.")},
    "updated_since": {"schema": {"type": "string", "format": "date-time"},
                      "description": _l("Only records changed at or after this ISO 8601 time (UTC if no offset).")},
    "institution": {"schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                    "description": _l("Only records of this institution (its id).")},
    "outcome": {"schema": {"type": "string"},
                "description": _l("Only decisions with this outcome: an outcome code of a scheme (e.g. "
                                  "positive_with_conditions) or a DEQAR decision value (e.g. \"positive with "
                                  "conditions or restrictions\").")},
    "valid_on": {"schema": {"type": "string", "format": "date"},
                 "description": _l("Only decisions valid on this date (YYYY-MM-DD).")},
    "q": {"schema": {"type": "string", "maxLength": 200},
          "description": _l("Words to search for in names and titles.")},
    "qa_status": {"schema": {"type": "string", "enum": [status.value for status in PublicQaStatus]},
                  "description": _l("Only micro-credentials with this QA status (derived from the decision in "
                                    "force).")},
    "set": {"schema": {"type": "string", "maxLength": 40},
            "description": _l("Only versions of the standard set with this code.")},
    "status": {"schema": {"type": "string", "enum": sorted(PUBLISHED_STATUSES | {VersionStatus.WITHDRAWN})},
               "description": _l("Only versions in this status (approved is the version in force).")},
    "valid": {"schema": {"type": "string", "enum": ["true", "false"]},
              "description": _l("true: only reports DEQAR would accept; false: only those with problems.")},
}

HEADERS = {
    "ETag": {"description": _l("Strong validator of the body; send it back in If-None-Match."),
             "schema": {"type": "string"}},
    "Cache-Control": {"description": _l("How long a client may reuse the answer."), "schema": {"type": "string"}},
    "Link": {"description": _l('RFC 8288 link to the next page, rel="next"; absent on the last page.'),
             "schema": {"type": "string"}},
    "Content-Disposition": {"description": _l("attachment; filename=qa-portal-decisions-<date>.<extension>"),
                            "schema": {"type": "string"}},
    "Retry-After": {"description": _l("Seconds to wait before the next request."),
                    "schema": {"type": "integer", "minimum": 1}},
}

ERROR_RESPONSES = {
    400: ("BadRequest", _l("A query parameter is unknown or malformed (limit out of range, bad date, bad cursor).")),
    404: ("NotFound", _l("No published resource has this id.")),
    405: ("MethodNotAllowed", _l("The API is read-only: GET and HEAD only.")),
    413: ("TooLarge", _l("The request body is larger than the route accepts.")),
    415: ("UnsupportedMediaType", _l("The request body's Content-Type is not one the route reads.")),
    422: ("Unprocessable", _l("The resource exists but cannot be served in this form.")),
    429: ("RateLimited", _l("Too many requests from this client; retry after the Retry-After seconds.")),
    500: ("ServerError", _l("The server could not answer this request.")),
    503: ("Unavailable", _l("The server cannot answer this request now (e.g. no signing key is configured).")),
}

# Routes of other packages under /api/v1, by full endpoint name, and the schemas they answer with.
CONTRIBUTED_OPERATIONS: dict[str, Operation] = {}
CONTRIBUTED_SCHEMAS: dict[str, dict] = {}


def contribute_operations(operations: dict[str, Operation], schemas: dict[str, dict]) -> None:
    """Document another package's /api/v1 routes (endpoint name → Operation) and their component schemas."""
    CONTRIBUTED_OPERATIONS.update(operations)
    CONTRIBUTED_SCHEMAS.update(schemas)

_PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def registry_rules():
    """The blueprint's URL rules, in path order."""
    return sorted((rule for rule in current_app.url_map.iter_rules() if rule.endpoint.startswith("registry.")),
                  key=lambda rule: rule.rule)


def api_rules():
    """Every URL rule under /api/v1, the registry's and other packages', in path order."""
    return sorted((rule for rule in current_app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX + "/")),
                  key=lambda rule: rule.rule)


def operation_of(rule) -> Operation | None:
    """The documentation of a rule: the registry's OPERATIONS entry, or one another package contributed."""
    if rule.endpoint.startswith("registry."):
        return OPERATIONS.get(rule.endpoint.removeprefix("registry."))
    return CONTRIBUTED_OPERATIONS.get(rule.endpoint)


def openapi_path(rule_path: str) -> str:
    """A Werkzeug rule (/api/v1/decisions/<int:decision_id>) as an OpenAPI path under the server URL."""
    return _PLACEHOLDER.sub(r"{\2}", rule_path.removeprefix(API_PREFIX)) or "/"


# Every request with a control character (other than tab, CR and LF) in its path or query string is refused with 400
# before any route runs (core/input_checks.py); free-text parameters say so.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"


def text_schema(schema: dict) -> dict:
    """A string parameter's schema with the control-character rule, unless an enum or a format already bounds it."""
    if schema.get("type") != "string" or "enum" in schema or "format" in schema or "pattern" in schema:
        return schema
    return {**schema, "pattern": NO_CONTROL_CHARACTERS}


def _path_parameters(rule_path: str) -> list[dict]:
    """The rule's placeholders as required path parameters (int converters are integers up to MAX_ID; a larger id is
    no id of ours and answers 404)."""
    parameters = []
    for converter, name in _PLACEHOLDER.findall(rule_path):
        schema = ({"type": "integer", "minimum": 1, "maximum": MAX_ID} if converter == "int"
                  else text_schema({"type": "string"}))
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _json_content(schema: dict) -> dict:
    return {JSON: {"schema": schema}}


def _success(operation: Operation) -> dict:
    """The 200 response: body, media type and headers."""
    headers = {}
    media = {"schema": ref(operation.schema)}
    if operation.media_type == JSON:
        headers = {"ETag": {"$ref": "#/components/headers/ETag"},
                   "Cache-Control": {"$ref": "#/components/headers/Cache-Control"}}
        if "cursor" in operation.parameters:
            headers["Link"] = {"$ref": "#/components/headers/Link"}
    elif operation.media_type in (NDJSON, CSV):
        headers = {"Content-Disposition": {"$ref": "#/components/headers/Content-Disposition"},
                   "ETag": {"$ref": "#/components/headers/ETag"},
                   "Cache-Control": {"$ref": "#/components/headers/Cache-Control"}}
    if operation.line_schema:
        media["x-line-schema"] = ref(operation.line_schema)
    if operation.columns:
        media["x-columns"] = list(operation.columns)
    response = {"description": str(operation.description), "content": {operation.media_type: media}}
    if headers:
        response["headers"] = headers
    return response


def _operation(endpoint: str, operation: Operation, rule_path: str) -> dict:
    """One operation object (GET, or the method the Operation names)."""
    responses = {"200": _success(operation)}
    if operation.method == "get" and operation.media_type in (JSON, NDJSON, CSV):  # exports: registry/services/fingerprint.py
        responses["304"] = {"$ref": "#/components/responses/NotModified"}
    codes = sorted(set(operation.errors) | ({404} if operation.not_found else set()))
    for code in codes:
        responses[str(code)] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[code][0]}"}
    parameters = _path_parameters(rule_path)
    parameters += [{"$ref": f"#/components/parameters/{name}"} for name in operation.parameters]
    result = {"operationId": endpoint, "summary": str(operation.summary), "description": str(operation.description),
              "tags": [operation.tag], "responses": responses}
    if parameters:
        result["parameters"] = parameters
    if operation.request_body:
        result["requestBody"] = operation.request_body
    return result


def _components() -> dict:
    """Schemas, parameters, headers and the shared responses."""
    responses = {"NotModified": {"description": str(_l("The body has not changed since the ETag sent in "
                                                       "If-None-Match; no body.")),
                                 "headers": {"ETag": {"$ref": "#/components/headers/ETag"}}}}
    for code, (name, description) in ERROR_RESPONSES.items():
        responses[name] = {"description": str(description), "content": _json_content(ref("Error"))}
        if code == 429:
            responses[name]["headers"] = {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
    return {
        "schemas": SCHEMAS | CONTRIBUTED_SCHEMAS,
        "parameters": {name: {"name": name, "in": "query", "required": False, "schema": text_schema(spec["schema"]),
                              "description": str(spec["description"])} for name, spec in PARAMETERS.items()},
        "headers": {name: {"description": str(spec["description"]), "schema": spec["schema"]}
                    for name, spec in HEADERS.items()},
        "responses": responses,
    }


def build_document(server_url: str) -> dict:
    """The OpenAPI 3.1 document of every documented registry route, served from server_url (…/api/v1)."""
    paths = {}
    for rule in api_rules():
        operation = operation_of(rule)
        if operation is None:
            continue  # undocumented: the OpenAPI test names it
        endpoint = rule.endpoint.removeprefix("registry.")
        paths.setdefault(openapi_path(rule.rule), {})[operation.method] = _operation(endpoint, operation, rule.rule)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "QA Portal registry export API",
            "version": "v1",
            "summary": str(_l("Published quality-assurance results of micro-credentials, read-only.")),
            "description": str(_l(
                "Public, read-only JSON API of published results: decisions, micro-credentials, institutions, "
                "standards and DEQAR Submission API v2 report objects. Lists are cursor-paginated in ascending "
                "id order; every JSON answer has an ETag and If-None-Match gives 304; every error is "
                '{"error": {"code", "message", "details"}} with a 4xx (or 5xx) status; requests are '
                "rate-limited per client (429 with Retry-After).")),
        },
        "servers": [{"url": server_url}],
        "tags": [{"name": name} for name in dict.fromkeys(
            operation.tag for operation in [*OPERATIONS.values(), *CONTRIBUTED_OPERATIONS.values()])],
        "paths": paths,
        "components": _components(),
    }
