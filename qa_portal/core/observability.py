"""Request ids and one JSON log line per request (logger `qa_portal.request`): who, which route, status, time, SQL count.

The line is written when the WSGI server closes the response, so a streamed export is timed to its last byte and its
queries are counted. A request slower than QA_SLOW_REQUEST_MS is logged at WARNING with `"slow": true`."""
import json
import logging
import re
import sys
import time
import uuid
from dataclasses import dataclass, field

from flask import Flask, Response, g, has_app_context, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine

REQUEST_LOGGER = logging.getLogger("qa_portal.request")
REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept when it is a plain token (nginx's $request_id is 32 hex digits); anything else is replaced,
# so a client cannot inject quotes, spaces or line breaks into the log.
_WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# Load balancers poll these every few seconds; their successful answers would drown the log.
QUIET_ENDPOINTS = frozenset({"health.healthz", "health.readyz"})


@dataclass
class RequestStats:
    """What one request did, filled while it runs and read when its response closes."""

    request_id: str
    session_user_id: int | None = None
    started: float = field(default_factory=time.perf_counter)
    queries: int = 0


def current_request_id() -> str | None:
    """The id of the request being served (for error pages and e-mails sent while serving it), else None."""
    if not has_app_context():
        return None
    stats = g.get("qa_request_stats")
    return stats.request_id if stats is not None else None


def incoming_request_id() -> str:
    """The proxy's X-Request-ID when well-formed, otherwise a fresh random id."""
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    return offered if _WELL_FORMED_ID.fullmatch(offered) else uuid.uuid4().hex


@event.listens_for(Engine, "before_cursor_execute")
def _count_query(_connection, _cursor, _statement, _parameters, _context, _executemany) -> None:
    """Count every statement sent to any database engine during a request (streamed responses included)."""
    if has_app_context():
        stats = g.get("qa_request_stats")
        if stats is not None:
            stats.queries += 1


def _session_user_id(app: Flask) -> int | None:
    """The user id in the session cookie, without loading the user (read only when the request carries a session
    cookie, so an anonymous response does not gain `Vary: Cookie`)."""
    if app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None
    raw = session.get("_user_id")
    return int(raw) if raw is not None and str(raw).isdigit() else None


def _user_id(stats: RequestStats) -> int | None:
    """Who made the request: the user Flask-Login loaded (the one who just signed in, for a sign-in), else the one
    the session named when the request came in (the one signing out, for a sign-out)."""
    user = g.get("_login_user")
    if user is not None and user.is_authenticated:
        return user.id
    return stats.session_user_id


def _log_line(app: Flask, stats: RequestStats, fields: dict) -> None:
    duration_ms = round((time.perf_counter() - stats.started) * 1000, 1)
    slow = duration_ms > app.config["QA_SLOW_REQUEST_MS"]
    if fields["endpoint"] in QUIET_ENDPOINTS and fields["status"] < 400 and not slow:
        return
    line = fields | {"duration_ms": duration_ms, "queries": stats.queries}
    level = logging.INFO
    if slow:
        level = logging.WARNING
        line |= {"slow": True, "slow_threshold_ms": app.config["QA_SLOW_REQUEST_MS"]}
    REQUEST_LOGGER.log(level, json.dumps(line, ensure_ascii=False))


def _attach_stderr_handler(app: Flask) -> None:
    """In a server, the request log goes to stderr as bare JSON lines (once per process, however many apps)."""
    if not app.config.get("QA_REQUEST_LOG_TO_STDERR") or getattr(REQUEST_LOGGER, "qa_stderr_handler", False):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    REQUEST_LOGGER.addHandler(handler)
    REQUEST_LOGGER.setLevel(logging.INFO)
    REQUEST_LOGGER.propagate = False
    REQUEST_LOGGER.qa_stderr_handler = True


def register_request_logging(app: Flask) -> None:
    """Give every request an id (taken or made, returned in X-Request-ID) and log it as one JSON line."""
    _attach_stderr_handler(app)

    def start_request() -> None:
        g.qa_request_stats = RequestStats(request_id=incoming_request_id(), session_user_id=_session_user_id(app))

    # First of all before-request functions, so a request refused by the rate limiter is timed and logged too.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

    @app.after_request
    def finish_request(response: Response) -> Response:
        stats = g.get("qa_request_stats")
        if stats is None:  # defensive: a response made without the before-request step
            stats = g.qa_request_stats = RequestStats(request_id=incoming_request_id())
        response.headers[REQUEST_ID_HEADER] = stats.request_id
        fields = {
            "request_id": stats.request_id,
            "user_id": _user_id(stats),
            "method": request.method,
            "endpoint": request.endpoint,
            "route": request.url_rule.rule if request.url_rule is not None else None,
            "status": response.status_code,
            "remote_addr": request.remote_addr,
        }
        if response.direct_passthrough:
            # A file sent as it is (send_file): the server may hand it to sendfile() and never close this response,
            # so the line is written now; the transfer itself is the server's time, not the app's.
            _log_line(app, stats, fields)
        else:
            response.call_on_close(lambda: _log_line(app, stats, fields))
        return response

    app.jinja_env.globals["current_request_id"] = current_request_id
