"""The API's one error shape, {"error": {"code", "message", "details"}}, for every 4xx and 5xx it answers."""
import math
import time

from flask import jsonify
from werkzeug.exceptions import HTTPException

from qa_portal.extensions import limiter

# Machine-readable codes for the HTTP errors the API can meet outside its own validation.
HTTP_CODES = {
    400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
    409: "conflict", 413: "too_large", 429: "rate_limited", 500: "internal_error",
}


class ApiError(Exception):
    """A request the API refuses: HTTP status, a stable code, a readable message and optional details."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or {}


def error_response(status: int, code: str, message: str, details: dict | None = None):
    """The JSON error response; a 429 also says when to retry."""
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    if status == 429:
        response.headers["Retry-After"] = str(_seconds_until_reset())
    return response


def render_http_error(status: int, message: str | None, error: HTTPException | None):
    """Renderer for core.errors: any HTTP or unexpected error under /api/ in the JSON shape."""
    if status >= 500:
        message = "The server could not answer this request."
    elif error is not None and status == 405:
        message = f"This resource answers {', '.join(sorted(error.valid_methods or ['GET']))} only."
    elif status == 404 and not message:
        message = "No such resource."
    return error_response(status, HTTP_CODES.get(status, "error"), message or HTTP_CODES.get(status, "error"))


def _seconds_until_reset() -> int:
    """Whole seconds until the breached rate limit's window resets (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))
