"""GET /api/v1/statistics: the pilot's aggregate figures as JSON (documented in the OpenAPI document through
subscribers.py). Errors use the registry's JSON shape."""
from flask import Blueprint, current_app, request

from qa_portal.core.access import public
from qa_portal.extensions import limiter
from qa_portal.monitoring.services.cache import cached
from qa_portal.monitoring.services.pilot_figures import pilot_figures
from qa_portal.registry.services.errors import ApiError, error_response
from qa_portal.registry.services.paging import json_response

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _api_rate_limit() -> str:
    return current_app.config["QA_API_RATE_LIMIT"]


@api_bp.errorhandler(ApiError)
def _handle_api_error(error: ApiError):
    """A refused request in the API's one error shape."""
    return error_response(error.status, error.code, error.message, error.details)


@api_bp.route("/statistics")
@public
@limiter.limit(_api_rate_limit)
def statistics():
    """The pilot's aggregate figures."""
    if request.args:
        raise ApiError(400, "unknown_parameter", "This route takes no query parameter.",
                       {"parameters": sorted(request.args), "allowed": []})
    return json_response(cached("pilot", pilot_figures).as_json())
