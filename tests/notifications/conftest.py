"""Notification tests: a request context (messages render in the recipient's language), a loopback SMTP server."""
import pytest

from tests.notifications.smtp_server import LoopbackSmtp


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


@pytest.fixture
def smtp(app):
    """A running SMTP server on loopback, set as QA_SMTP_URL for the test."""
    server = LoopbackSmtp().start()
    app.config["QA_SMTP_URL"] = server.url
    yield server
    server.stop()
    app.config["QA_SMTP_URL"] = ""
