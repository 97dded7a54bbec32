"""Health endpoints for a load balancer or an orchestrator: /healthz (the process answers) and /readyz (the database
and Redis answer and the schema is at the migrations' head), JSON, public, cheap."""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from qa_portal.core.access import public
from qa_portal.core.schema_revision import database_revisions, migration_heads
from qa_portal.extensions import db, limiter

bp = Blueprint("health", __name__)


def _check_database() -> dict:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"ok": True}


def _check_migrations() -> dict:
    current, heads = database_revisions(), migration_heads()
    return {"ok": current == heads, "database": sorted(current), "code": sorted(heads)}


def _check_redis() -> dict | None:
    """Redis (the shared rate-limit store) when one is configured; None for an in-process store (development)."""
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return None
    return {"ok": bool(limiter.storage.check())}


def _run(check) -> dict | None:
    """Run one check; any failure (a driver's own exception class included) is a failed check, never a 500."""
    try:
        return check()
    except Exception as error:  # noqa: BLE001
        if isinstance(error, SQLAlchemyError):
            db.session.rollback()
        current_app.logger.warning("Readiness check %s failed: %r", check.__name__, error)
        return {"ok": False, "error": type(error).__name__}


@bp.route("/healthz")
@public
def healthz():
    """The process is up and answering; touches nothing else."""
    return jsonify(status="ok")


@bp.route("/readyz")
@public
def readyz():
    """Each dependency's check; 503 when any fails, so the proxy stops sending traffic here."""
    checks = {"database": _run(_check_database)}
    checks["migrations"] = _run(_check_migrations) if checks["database"]["ok"] else {"ok": False, "skipped": True}
    redis = _run(_check_redis)
    if redis is not None:
        checks["redis"] = redis
    ready = all(check["ok"] for check in checks.values())
    return jsonify(status="ok" if ready else "fail", checks=checks), 200 if ready else 503
