"""The OpenAPI document (/api/v1/openapi.json) and a server-rendered page that reads it (/api/v1/docs).

The page is drawn from the same document the JSON serves, so the two cannot disagree; no script, no CDN."""
import json
import shlex

from flask import render_template
from flask_babel import force_locale

from qa_portal.core.access import public
from qa_portal.core.urls import public_url
from qa_portal.registry.services.openapi import build_document
from qa_portal.registry.services.paging import json_response
from qa_portal.registry.services.params import reject_unknown
from qa_portal.registry.views import bp

# Example values for path parameters in the page's curl calls.
EXAMPLE_PATH_VALUES = {"local_identifier": "MC-2026-001"}
ERROR_EXAMPLE = {"error": {"code": "invalid_date", "message": "valid_on must be a date as YYYY-MM-DD.",
                           "details": {"parameter": "valid_on", "value": "31/01/2026"}}}


def server_url() -> str:
    """The API's public base URL (QA_PUBLIC_BASE_URL + /api/v1), whatever Host the request came with."""
    return public_url("registry.index").rstrip("/")


@bp.route("/openapi.json")
@public
def openapi_document():
    """The OpenAPI 3.1 description of the API (in English whatever the visitor's language)."""
    reject_unknown(set())
    with force_locale("en"):
        document = build_document(server_url())
    return json_response(document)


@bp.route("/docs")
@public
def openapi_docs():
    """The API documentation page: every path, its parameters, responses, schemas and a curl example."""
    reject_unknown(set())
    document = build_document(server_url())
    return render_template("registry/docs.html", document=document, operations=page_operations(document),
                           schemas=page_schemas(document["components"]["schemas"]),
                           document_url=public_url("registry.openapi_document"),
                           error_example=pretty_json(ERROR_EXAMPLE))


def _component(document: dict, reference: dict) -> dict:
    """The component a {"$ref": "#/components/<kind>/<name>"} points to (anything else as it is)."""
    if "$ref" not in reference:
        return reference
    _, _, kind, name = reference["$ref"].split("/")
    return document["components"][kind][name]


def ref_name(reference: str) -> str:
    """The component name at the end of a $ref."""
    return reference.rsplit("/", 1)[-1]


def type_label(schema: dict) -> tuple[str, str | None]:
    """A short human type for a schema ("string (date) | null", "array of Decision") and the schema it links to."""
    if "$ref" in schema:
        name = ref_name(schema["$ref"])
        return name, name
    if "oneOf" in schema:
        labels = [type_label(option) for option in schema["oneOf"]]
        link = next((link for _, link in labels if link), None)
        return " | ".join(label for label, _ in labels), link
    kinds = schema.get("type", "any")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    labels, link = [], None
    for kind in kinds:
        if kind == "array":
            item_label, link = type_label(schema.get("items", {}))
            labels.append(f"array of {item_label}")
        elif kind == "string" and "format" in schema:
            labels.append(f"string ({schema['format']})")
        else:
            labels.append(kind)
    return " | ".join(labels), link


CONSTRAINT_KEYWORDS = ("minimum", "maximum", "maxLength", "pattern")


def constraints(schema: dict) -> list[str]:
    """A property's limits as "keyword value" (minimum 1, maxLength 255, pattern ^[0-9]+$)."""
    return [f"{keyword} {schema[keyword]}" for keyword in CONSTRAINT_KEYWORDS if keyword in schema]


def schema_rows(schema: dict, prefix: str = "") -> list[dict]:
    """One row per property, nested inline objects flattened as parent.child and parent[].child."""
    rows = []
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        label, link = type_label(prop)
        rows.append({"name": prefix + name, "type": label, "link": link, "required": name in required,
                     "description": prop.get("description", ""), "constraints": constraints(prop),
                     "enum": [value for value in prop.get("enum", []) if value is not None]})
        inline = prop
        if prop.get("type") == "array" or (isinstance(prop.get("type"), list) and "array" in prop["type"]):
            inline, suffix = prop.get("items", {}), "[]."
        else:
            suffix = "."
        if "properties" in inline:
            rows += schema_rows(inline, prefix + name + suffix)
    return rows


def page_schemas(schemas: dict) -> list[dict]:
    """The component schemas in the page's form: name, description, type and rows."""
    result = []
    for name, schema in schemas.items():
        label, link = type_label(schema)
        result.append({"name": name, "description": schema.get("description", ""), "type": label, "link": link,
                       "rows": schema_rows(schema)})
    return result


def curl_example(server: str, path: str, parameters: list[dict]) -> str:
    """A curl call for the operation with example path values (and a small page size for lists)."""
    for parameter in parameters:
        if parameter["in"] == "path":
            example = EXAMPLE_PATH_VALUES.get(parameter["name"], "1")
            path = path.replace("{" + parameter["name"] + "}", example)
    query = "?limit=10" if any(p["name"] == "limit" for p in parameters) else ""
    return "curl -i " + shlex.quote(server + path + query)


def page_operations(document: dict) -> list[dict]:
    """Every operation of the document in path order, its $refs resolved for reading."""
    server = document["servers"][0]["url"]
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            parameters = [_component(document, parameter) for parameter in operation.get("parameters", [])]
            responses = []
            for code, response in operation["responses"].items():
                response = _component(document, response)
                media = [{"type": media_type, "schema": type_label(content.get("schema", {})),
                          "line_schema": type_label(content["x-line-schema"]) if "x-line-schema" in content else None,
                          "columns": content.get("x-columns", [])}
                         for media_type, content in response.get("content", {}).items()]
                responses.append({"code": code, "description": response["description"], "media": media,
                                  "headers": sorted(response.get("headers", {}))})
            operations.append({
                "id": operation["operationId"], "method": method.upper(), "path": path,
                "summary": operation["summary"], "description": operation["description"], "tag": operation["tags"][0],
                "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                "type": type_label(p["schema"])[0], "description": p.get("description", ""),
                                "enum": p["schema"].get("enum", []), "default": p["schema"].get("default")}
                               for p in parameters],
                "responses": responses,
                "curl": curl_example(server, path, parameters),
            })
    return operations


def pretty_json(value) -> str:
    """Indented JSON for the page's examples."""
    return json.dumps(value, indent=2, ensure_ascii=False)
