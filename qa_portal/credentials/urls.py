"""Absolute public URLs of paths and the agency's did:web identifier, from core's configured public address
(QA_PUBLIC_BASE_URL; never the request's Host header)."""
from urllib.parse import quote, urlsplit

from qa_portal.core.urls import public_base_url


def public_url(path: str) -> str:
    """An absolute URL of a path of the portal ("/register/2" → "https://qa.example.am/register/2")."""
    return public_base_url() + "/" + path.lstrip("/")


def agency_did() -> str:
    """did:web of the public base URL: the host (a port encoded as %3A) and any path segments joined by colons."""
    parts = urlsplit(public_base_url())
    did = "did:web:" + quote(parts.netloc, safe="")
    segments = [segment for segment in parts.path.split("/") if segment]
    return ":".join([did, *segments])
