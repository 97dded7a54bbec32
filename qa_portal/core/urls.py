"""Absolute URLs built from the configured public address (QA_PUBLIC_BASE_URL), never from the request's Host header.

A request's Host header is whatever the client sent: an absolute URL built from it (`url_for(..., _external=True)`,
`request.host_url`) lets anyone put their own domain into an API page that caches publicly, a DEQAR report or a
letter. Every absolute URL the portal gives out — API paging and `Link` headers, DEQAR report and file URLs,
set-password links, permanent addresses on pages, later e-mails — comes from `public_url()` instead, which works the
same inside a request, in a command and in a background job."""
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, has_request_context, request
from werkzeug.routing import MapAdapter

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def normalised_base_url(value: str | None, *, require_https: bool = False) -> str:
    """The public address without a trailing slash; ValueError saying what is wrong with it otherwise."""
    value = (value or "").strip()
    if not value:
        raise ValueError("QA_PUBLIC_BASE_URL is not set: set it to the portal's public address, "
                         "e.g. https://qa.example.am")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"QA_PUBLIC_BASE_URL must be an http(s) address such as https://qa.example.am, not {value!r}.")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("QA_PUBLIC_BASE_URL must be a plain address: no user, query or fragment.")
    if require_https and parts.scheme != "https":
        raise ValueError("QA_PUBLIC_BASE_URL must start with https:// in production.")
    return value.rstrip("/")


def configure_public_base_url(app: Flask, config_name: str) -> None:
    """Check QA_PUBLIC_BASE_URL at start: production refuses to start without an https one; elsewhere it defaults to
    the development server's address."""
    value = app.config.get("QA_PUBLIC_BASE_URL")
    if not value and config_name != "production":
        value = DEVELOPMENT_BASE_URL
    try:
        app.config["QA_PUBLIC_BASE_URL"] = normalised_base_url(value, require_https=config_name == "production")
    except ValueError as error:
        raise RuntimeError(f"QA Portal refuses to start: {error}") from None


def public_base_url() -> str:
    """The configured public address, e.g. https://qa.example.am (no trailing slash)."""
    return current_app.config["QA_PUBLIC_BASE_URL"]


def _adapter() -> MapAdapter:
    """A URL adapter bound to the public address (cached per address, so a test may change the setting)."""
    base = public_base_url()
    cached = current_app.extensions.get("qa_public_url_adapter")
    if cached is None or cached[0] != base:
        parts = urlsplit(base)
        adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
        cached = current_app.extensions["qa_public_url_adapter"] = (base, adapter)
    return cached[1]


def public_url(endpoint: str, /, **values) -> str:
    """The absolute public URL of an endpoint, like url_for(endpoint, _external=True) but from QA_PUBLIC_BASE_URL.

    Values that are not part of the route become the query string; `_anchor` adds a fragment."""
    anchor = values.pop("_anchor", None)
    if endpoint.startswith(".") and has_request_context() and request.blueprint:
        endpoint = f"{request.blueprint}{endpoint}"
    current_app.inject_url_defaults(endpoint, values)
    url = _adapter().build(endpoint, values, force_external=True)
    if anchor is not None:
        url += "#" + quote(anchor, safe="%!#$&'()*+,/:;=?@")
    return url

