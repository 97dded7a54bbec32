"""/healthz answers while the process lives; /readyz checks the database, Redis and the schema revision."""
import pytest
from sqlalchemy import text

from qa_portal.extensions import db

pytestmark = pytest.mark.committing  # the readiness check reads the schema revision from its own connection


def test_healthz_answers_ok_without_the_database(client, monkeypatch):
    """/healthz is the process alone: it answers even when every database call would fail."""
    monkeypatch.setattr(db.engine, "connect", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("down")))
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_ok_when_database_answers_and_schema_is_at_head(client):
    """With the suite's migrated database /readyz is 200 and names the revision the database and code are at."""
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["migrations"]["ok"] is True
    assert body["checks"]["migrations"]["database"] == body["checks"]["migrations"]["code"]
    assert "redis" not in body["checks"]  # the suite counts rate limits in memory


def test_readyz_503_when_the_schema_is_behind(client):
    """A database at another revision than the code's head makes /readyz 503 with the migrations check failed."""
    with db.engine.begin() as connection:
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        connection.execute(text("UPDATE alembic_version SET version_num = 'older_revision'"))
    try:
        response = client.get("/readyz")
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"] == {"ok": False, "database": ["older_revision"],
                                                           "code": [head]}


def test_readyz_503_when_the_database_is_unreachable(client, monkeypatch):
    """A database that cannot be reached is a failed check and a 503, never a 500."""
    def refuse(*_args, **_kwargs):
        raise ConnectionRefusedError("database down")

    monkeypatch.setattr(db.engine, "connect", refuse)
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 503 and body["status"] == "fail"
    assert body["checks"]["database"] == {"ok": False, "error": "ConnectionRefusedError"}
    assert body["checks"]["migrations"]["ok"] is False


def test_readyz_checks_redis_when_rate_limits_live_there(app, client, monkeypatch):
    """With a Redis rate-limit store configured, /readyz pings it and fails when it does not answer."""
    from qa_portal.extensions import limiter

    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setattr(type(limiter.storage), "check", lambda self: False)
    body = client.get("/readyz").get_json()
    assert body["checks"]["redis"] == {"ok": False}
    assert body["status"] == "fail"
