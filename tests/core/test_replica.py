"""QA_DATABASE_REPLICA_URL: the registry API's reads go to the replica engine; every other request uses the primary."""
import contextvars

import pytest
from sqlalchemy import event

from qa_portal import create_app
from qa_portal.core.replica import REPLICA_BIND
from qa_portal.extensions import db
from tests.conftest import IsolatedClient
from tests.decisions.factories import published_case

pytestmark = pytest.mark.committing  # the replica engine reads from its own connection


@pytest.fixture
def replica_app(app):
    """A second app whose replica is the suite's own database (so both engines see the same rows)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    replica = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "QA_DATABASE_REPLICA_URL": url,
                                               "UPLOAD_DIR": app.config["UPLOAD_DIR"]})
    replica.test_client_class = IsolatedClient
    yield replica
    with replica.app_context():
        for engine in db.engines.values():
            engine.dispose()


def _statements_per_engine(replica_app, path: str) -> dict:
    """GET path on replica_app, counting the statements each engine ran."""
    counts = {"primary": 0, "replica": 0}

    def run():
        with replica_app.app_context():
            engines = {"primary": db.engines[None], "replica": db.engines[REPLICA_BIND]}
        listeners = {name: (lambda *_args, name=name: counts.__setitem__(name, counts[name] + 1))
                     for name in engines}
        for name, engine in engines.items():
            event.listen(engine, "before_cursor_execute", listeners[name])
        try:
            assert replica_app.test_client().get(path).status_code == 200
        finally:
            for name, engine in engines.items():
                event.remove(engine, "before_cursor_execute", listeners[name])

    contextvars.Context().run(run)
    return counts


def test_replica_serves_the_registry_api_reads(replica_app):
    """With a replica configured, every statement of an API GET runs on the replica engine, none on the primary."""
    _case, decision = published_case()
    for path in ("/api/v1/decisions", f"/api/v1/decisions/{decision.id}", "/api/v1/decisions.ndjson"):
        counts = _statements_per_engine(replica_app, path)
        assert counts["replica"] > 0 and counts["primary"] == 0, (path, counts)


def test_replica_unused_by_the_pages(replica_app):
    """Pages outside the API (here the public register) keep reading the primary."""
    published_case()
    counts = _statements_per_engine(replica_app, "/register")
    assert counts["primary"] > 0 and counts["replica"] == 0


def test_replica_not_configured_means_one_engine(app):
    """Without QA_DATABASE_REPLICA_URL there is no replica bind: everything uses the one database."""
    assert REPLICA_BIND not in db.engines


def test_replica_never_receives_writes(replica_app):
    """Even in a replica-reading request, INSERT/UPDATE statements and flushes are bound to the primary."""
    from flask import g
    from sqlalchemy import insert, select, update

    from qa_portal.auth.models import User

    def run():
        with replica_app.test_request_context("/api/v1/decisions"):
            g.qa_read_replica = True
            session = db.session()
            assert session.get_bind(clause=select(User)) is db.engines[REPLICA_BIND]
            assert session.get_bind(clause=insert(User)) is db.engines[None]
            assert session.get_bind(clause=update(User)) is db.engines[None]
            session._flushing = True
            try:
                assert session.get_bind(mapper=User, clause=select(User)) is db.engines[None]
            finally:
                session._flushing = False
            db.session.remove()

    contextvars.Context().run(run)
