"""Test set-up: one app and one migrated database per run, emptied after every test."""
import contextvars
import os
import tempfile

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from qa_portal import create_app
from qa_portal.extensions import db, limiter

from tests.factories import login  # noqa: F401  (re-exported for tests)

class IsolatedClient(FlaskClient):
    """Run each request in a fresh context, as a real server would: its own app context,
    `g` and database session, unaffected by the test's own app context."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # streamed bodies finish inside that context too
        return contextvars.Context().run(super().open, *args, **kwargs)


def database_url() -> str:
    """PostgreSQL when QA_TEST_DATABASE_URL is set; otherwise a fresh SQLite file."""
    url = os.environ.get("QA_TEST_DATABASE_URL")
    if url:
        return url
    directory = tempfile.mkdtemp(prefix="qa-portal-tests-")
    return f"sqlite:///{directory}/test.sqlite"

def reset_schema() -> None:
    """Drop everything a previous run left in the PostgreSQL test database."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))

@pytest.fixture(scope="session")
def app():
    app = create_app("testing", overrides={
        "SQLALCHEMY_DATABASE_URI": database_url(),
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": tempfile.mkdtemp(prefix="qa-portal-uploads-"),
        "QA_PUBLIC_BASE_URL": "http://localhost",  # the test client's own address, so absolute URLs can be followed
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        reset_schema()
        upgrade()  # the schema comes from the migrations, as in production
        yield app
        db.session.remove()
        db.engine.dispose()

@pytest.fixture(autouse=True)
def clean_database(app):
    """Every test starts from empty tables and an empty rate-limit store."""
    yield
    db.session.rollback()
    db.session.remove()
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))
    limiter.reset()

@pytest.fixture
def client(app):
    return app.test_client()

@pytest.fixture
def csrf_enabled(app):
    """Turn CSRF checking on for one test (the suite posts without tokens otherwise)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False
