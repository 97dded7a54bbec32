"""The public, read-only JSON API under /api/v1: no login, no forms, every answer JSON (errors included),
rate-limited per client address."""
from flask import Blueprint, current_app

from qa_portal.core.errors import register_error_renderer
from qa_portal.core.replica import read_from_replica
from qa_portal.extensions import csrf, limiter
from qa_portal.registry.services.errors import ApiError, error_response, render_http_error

bp = Blueprint("registry", __name__, url_prefix="/api/v1", template_folder="../templates")
csrf.exempt(bp)  # read-only: every route is GET/HEAD, so there is no state for a forged request to change


def _api_rate_limit() -> str:
    """Requests per client address, from QA_API_RATE_LIMIT (e.g. "300 per minute")."""
    return current_app.config["QA_API_RATE_LIMIT"]


limiter.limit(_api_rate_limit)(bp)
bp.before_request(read_from_replica)  # with QA_DATABASE_REPLICA_URL set, the API reads from the replica


@bp.record_once
def _json_errors_for_api_paths(state) -> None:
    """Errors anywhere under /api/ (unknown URLs, wrong methods, 429s, 500s) answer in the API's JSON shape."""
    register_error_renderer(state.app, "/api/", render_http_error)


@bp.errorhandler(ApiError)
def _handle_api_error(error: ApiError):
    """A refused request: its status, code, message and details."""
    return error_response(error.status, error.code, error.message, error.details)


# Each resource's routes live in their own module (imported below as they are built).
from qa_portal.registry.views import root  # noqa: E402,F401
from qa_portal.registry.views import catalogue  # noqa: E402,F401
from qa_portal.registry.views import docs  # noqa: E402,F401
from qa_portal.registry.views import decisions  # noqa: E402,F401
from qa_portal.registry.views import exports  # noqa: E402,F401
from qa_portal.registry.views import deqar  # noqa: E402,F401
