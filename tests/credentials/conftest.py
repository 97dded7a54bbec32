"""Fixtures of the credentials tests: the agency's signing key in a temporary directory and a fixed public base
URL (so the did:web and every absolute URL are the same inside and outside requests)."""
import tempfile
from pathlib import Path

import pytest

from qa_portal.credentials.services.keys import generate_key

BASE_URL = "https://qa.example.am"
AGENCY_DID = "did:web:qa.example.am"


@pytest.fixture
def public_base(app):
    """QA_PUBLIC_BASE_URL set for one test."""
    before = app.config["QA_PUBLIC_BASE_URL"]
    app.config["QA_PUBLIC_BASE_URL"] = BASE_URL
    yield BASE_URL
    app.config["QA_PUBLIC_BASE_URL"] = before


@pytest.fixture
def key_dir(app, public_base):
    """A fresh key directory holding one generated signing key (the test suite has none otherwise)."""
    directory = Path(tempfile.mkdtemp(prefix="qa-portal-keys-")) / "keys"
    app.config["QA_SIGNING_KEY_DIR"] = str(directory)
    generate_key(directory)
    yield directory
    app.config["QA_SIGNING_KEY_DIR"] = ""


@pytest.fixture
def request_ctx(app, public_base):
    """A request context on the public base URL, for tests that call services directly."""
    with app.test_request_context(base_url=BASE_URL):
        yield
