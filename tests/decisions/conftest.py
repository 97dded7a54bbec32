"""Decision tests call services directly; translated messages need a request context (for the locale)."""
import pytest


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield
