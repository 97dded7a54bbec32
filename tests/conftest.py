"""Test set-up: one app and one migrated database per run; each test runs inside one transaction rolled back at its
end (its commits are SAVEPOINTs), or — marked `committing` — commits for real and has every table emptied after."""
import contextvars
import os
import tempfile

import pytest
from flask import current_app, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from qa_portal import create_app
from qa_portal.core.replica import ReplicaRoutingSession
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
        quiet_savepoints(db.engine.dialect)
        yield app
        db.session.remove()
        db.engine.dispose()

def quiet_savepoints(dialect) -> None:
    """SAVEPOINTs are the suite's bookkeeping, not the app's queries: run them on the driver's cursor, unseen by the
    tests that count statements (before_cursor_execute) and by the request log's query count."""
    def run(connection, sql: str) -> None:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql)
        finally:
            cursor.close()

    dialect.do_savepoint = lambda connection, name: run(connection, f"SAVEPOINT {name}")
    dialect.do_release_savepoint = lambda connection, name: run(connection, f"RELEASE SAVEPOINT {name}")
    dialect.do_rollback_to_savepoint = lambda connection, name: run(connection, f"ROLLBACK TO SAVEPOINT {name}")


class SuiteConnectionSession(ReplicaRoutingSession):
    """db.session during a rolled-back test: every app on the suite's database (the test's own, and second apps such
    as a production-configured one) talks through the test's one connection, inside its outer transaction."""

    database_uri = None  # the suite's database, set by the `app` fixture

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and has_app_context() and current_app.config["SQLALCHEMY_DATABASE_URI"] == self.database_uri:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@pytest.fixture(autouse=True)
def database(request, app):
    """Roll back everything the test did: one connection, one outer transaction, every session commit a SAVEPOINT
    released inside it (SQLAlchemy's "join an external transaction" recipe). Tests whose commits must be seen by
    other connections — live servers, a second process, backups, migrations, a concurrent writer — are marked
    `committing` (or `browser`) and get the tables emptied after them instead."""
    if request.node.get_closest_marker("committing") or request.node.get_closest_marker("browser"):
        yield
        empty_every_table()
        return
    connection = db.engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:  # pysqlite would manage BEGIN/COMMIT itself and break SAVEPOINTs: we say BEGIN ourselves
        driver = connection.connection.driver_connection
        isolation_level, driver.isolation_level = driver.isolation_level, None
    transaction = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    SuiteConnectionSession.database_uri = app.config["SQLALCHEMY_DATABASE_URI"]
    suite_session = db.session
    db.session = db._make_scoped_session({"class_": SuiteConnectionSession, "bind": connection,
                                          "join_transaction_mode": "create_savepoint"})
    try:
        yield
    finally:
        db.session.remove()
        db.session = suite_session
        transaction.rollback()
        if sqlite:
            driver.isolation_level = isolation_level
        connection.close()
        if not sqlite:  # sequences ignore rollbacks: ids start at 1 again, as after TRUNCATE … RESTART IDENTITY
            with db.engine.begin() as restart:
                restart.execute(text("SELECT setval(oid, 1, false) FROM pg_class "
                                     "WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"))
        limiter.reset()


def empty_every_table() -> None:
    """Empty every table and the rate-limit store (after a `committing` test)."""
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
