"""Helpers for checking API answers against the OpenAPI document: the document itself, the JSON Schema of one
route's response, and validation with $refs resolved to the document's components."""
from jsonschema import Draft202012Validator, FormatChecker

from qa_portal.registry.services.openapi import openapi_path


def fetch_document(client) -> dict:
    """The document as the API serves it."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _resolve(document: dict, node: dict) -> dict:
    """A $ref to a component followed (anything else as it is)."""
    while "$ref" in node:
        _, _, kind, name = node["$ref"].split("/")
        node = document["components"][kind][name]
    return node


def response_schema(document: dict, rule_path: str, status: int, media_type: str = "application/json",
                    key: str = "schema") -> dict:
    """The schema the document gives for this route's answer with this status (key x-line-schema for NDJSON)."""
    operation = document["paths"][openapi_path(rule_path)]["get"]
    assert str(status) in operation["responses"], f"{rule_path} does not document {status}"
    response = _resolve(document, operation["responses"][str(status)])
    return response["content"][media_type][key]


def schema_errors(document: dict, schema: dict, instance) -> list[str]:
    """Every way instance breaks schema (JSON Schema 2020-12, formats checked, $refs into the document)."""
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", "components": document["components"], **schema}
    validator = Draft202012Validator(root, format_checker=FormatChecker())
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in validator.iter_errors(instance)]


def assert_matches(document: dict, rule_path: str, response, media_type: str = "application/json") -> None:
    """The response's JSON body is exactly what the document says this route answers with its status."""
    schema = response_schema(document, rule_path, response.status_code, media_type)
    errors = schema_errors(document, schema, response.get_json())
    assert not errors, f"{response.request.path} {response.status_code} does not match its schema:\n" + "\n".join(
        errors[:20])
