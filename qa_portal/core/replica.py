"""A read replica for read-only traffic: with QA_DATABASE_REPLICA_URL set, the SELECTs of a request that asked for it
(the registry API's GETs) go to the replica engine; writes, flushes and every other request use the primary.

The replica is a Flask-SQLAlchemy bind (`SQLALCHEMY_BINDS["replica"]`) that no model names, so only this session's
routing ever chooses it; without the setting nothing changes."""
from flask import Flask, g, has_app_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy.sql.selectable import SelectBase

REPLICA_BIND = "replica"


class ReplicaRoutingSession(Session):
    """db.session: reads of a replica-reading request go to the replica bind, everything else to the primary."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if (bind is None and not self._flushing and isinstance(clause, SelectBase)
                and has_app_context() and g.get("qa_read_replica")):
            replica = self._db.engines.get(REPLICA_BIND)
            if replica is not None:
                return replica
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def configure_replica(app: Flask) -> None:
    """Register QA_DATABASE_REPLICA_URL as the replica bind (before db.init_app creates the engines)."""
    url = app.config.get("QA_DATABASE_REPLICA_URL")
    if url:
        app.config["SQLALCHEMY_BINDS"] = {**app.config.get("SQLALCHEMY_BINDS", {}), REPLICA_BIND: url}


def read_from_replica() -> None:
    """A before-request hook for read-only blueprints: this request's GET/HEAD reads may come from the replica."""
    g.qa_read_replica = request.method in ("GET", "HEAD")
