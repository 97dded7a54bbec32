"""Error pages for 400/403/404/405/409/413/429/500 and the DomainError services raise.

A package whose URLs answer in another format (the JSON API) registers a renderer for its path prefix in
`app.extensions["qa_error_renderers"]` (see register_error_renderer); core stays unaware of which one."""
from collections.abc import Callable

from flask import Flask, flash, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from qa_portal.extensions import db

TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("File too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}


class DomainError(Exception):
    """A rule of the domain refused the change; views show the message with HTTP 409."""

    status_code = 409

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


ErrorRenderer = Callable[[int, str | None, HTTPException | None], object]


def register_error_renderer(app: Flask, path_prefix: str, renderer: ErrorRenderer) -> None:
    """Route errors raised under path_prefix to renderer(code, message, http_error) instead of the HTML page."""
    app.extensions.setdefault("qa_error_renderers", {})[path_prefix] = renderer


def _respond(app: Flask, code: int, message: str | None, error: HTTPException | None = None):
    """The error response in the format of the current path: a registered renderer's, else the HTML page; a page
    opened at an action's URL (a reload after a refused POST, a bookmarked address) goes on to the object's page."""
    for prefix, renderer in app.extensions.get("qa_error_renderers", {}).items():
        if request.path.startswith(prefix):
            return renderer(code, message, error)
    if code == 405 and request.method in ("GET", "HEAD") and browser_navigation(app):
        page = nearest_page(app, request.path)
        if page is not None:
            return redirect(request.script_root + page, 303)
    return render_error(code, message)


def browser_navigation(app: Flask) -> bool:
    """Whether a person's browser opened this address or submitted a form to it (Sec-Fetch-Mode: navigate, which
    browsers send to HTTPS and local sites), outside paths that answer in their own format (the JSON API). Such a
    visitor is sent on to a page; scripts and crafted requests get the plain status (403, 405, 409)."""
    if any(request.path.startswith(prefix) for prefix in app.extensions.get("qa_error_renderers", {})):
        return False
    return request.headers.get("Sec-Fetch-Mode") == "navigate"


def nearest_page(app: Flask, path: str, include_self: bool = False) -> str | None:
    """The closest page at or above an action's URL (/cases/7/actions/submit_ser → /cases/7), or None."""
    adapter = app.create_url_adapter(request)
    parts = path.rstrip("/").split("/")
    if include_self:
        parts.append("")  # the first candidate is the path itself (a form page that takes GET and POST)
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) or "/"
        try:
            adapter.match(candidate, method="GET")
        except HTTPException:  # no page there (404, 405, or a routing redirect): try further up
            continue
        return candidate
    return None


def render_error(code: int, message: str | None = None):
    """Render the shared error page for an HTTP status code."""
    title = TITLES.get(code, TITLES[500])
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_handlers(app: Flask) -> None:
    """Turn HTTP errors and domain errors into friendly pages, rolling back the request."""

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        db.session.rollback()
        description = error.description if error.description != type(error).description else None
        return _respond(app, error.code or 500, description, error)

    @app.errorhandler(DomainError)
    def handle_domain(error: DomainError):
        db.session.rollback()
        if error.status_code == 409 and request.method == "POST" and browser_navigation(app):
            # "not now" on a button or form the view did not re-render: back to the page with the reason, so the
            # browser is not left on the action's URL (a reload would post again); other clients get the 409
            page = nearest_page(app, request.path, include_self=True)
            if page is not None:
                flash(error.message, "error")
                return redirect(request.script_root + page, 303)
        return _respond(app, error.status_code, error.message)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        if app.config.get("TESTING") and app.config.get("QA_RAISE_UNEXPECTED", True):
            raise error  # the suite sees every miss of the input checks (core/input_checks.py) as a failure
        if is_unstorable_input(error):
            return _respond(app, 400, str(UNSTORABLE_INPUT))
        return _respond(app, 500, None)


UNSTORABLE_INPUT = _l("The request holds a value the portal cannot store, such as a number beyond its range or a "
                      "control character.")


def is_unstorable_input(error: Exception) -> bool:
    """A last line behind core/input_checks.py: the driver refused a value of the request (a number beyond the
    database's integers — OverflowError on SQLite, DataError on PostgreSQL — or a NUL byte in text), which is the
    client's 400, not the server's 500."""
    from sqlalchemy.exc import DataError

    return isinstance(error, (DataError, OverflowError))
