"""The API's entry point: what it serves and where, discovered from the URL map so it never goes stale."""
from flask import current_app

from qa_portal.core.access import public
from qa_portal.core.urls import public_url
from qa_portal.registry.services.paging import json_response
from qa_portal.registry.services.params import reject_unknown
from qa_portal.registry.views import bp


@bp.route("/")
@public
def index():
    """The list of collection URLs (routes without path parameters) and the API version."""
    reject_unknown(set())
    collections = sorted(
        rule.rule for rule in current_app.url_map.iter_rules()
        if rule.endpoint.startswith("registry.") and not rule.arguments and rule.endpoint != "registry.index"
    )
    return json_response({
        "api": "QA Portal registry export API",
        "version": "v1",
        "self": public_url("registry.index"),
        "resources": [public_url("registry.index").rstrip("/") + path.removeprefix("/api/v1")
                      for path in collections],
    })
