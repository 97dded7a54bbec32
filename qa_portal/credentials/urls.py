"""Absolute public URLs and the agency's did:web identifier, from QA_PUBLIC_BASE_URL (else the request's host).

One small function the lead can swap for core's public_url() when it lands."""
from urllib.parse import quote, urlsplit

from flask import current_app, has_request_context, request

FALLBACK_BASE_URL = "http://127.0.0.1:5000"  # where `make run` serves


def public_base_url() -> str:
    """The portal's public address without a trailing slash: the setting, else the request's, else localhost."""
    configured = current_app.config.get("QA_PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return FALLBACK_BASE_URL


def public_url(path: str) -> str:
    """An absolute URL of a path of the portal ("/register/2" → "https://qa.example.am/register/2")."""
    return public_base_url() + "/" + path.lstrip("/")


def agency_did() -> str:
    """did:web of the public base URL: the host (a port encoded as %3A) and any path segments joined by colons."""
    parts = urlsplit(public_base_url())
    did = "did:web:" + quote(parts.netloc, safe="")
    segments = [segment for segment in parts.path.split("/") if segment]
    return ":".join([did, *segments])
