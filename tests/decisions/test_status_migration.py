"""Migration 20261202_0013 on data already there: each appeal gets the status its admissibility ruling and outcome
say, an objection without a ruling becomes pending, and the downgrade gives both back as they were."""
from datetime import date, datetime

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

import qa_portal
from qa_portal import create_app
from qa_portal.extensions import db
from tests.test_migrations import _empty_database_url

pytestmark = pytest.mark.committing  # migrates a database of its own up and down

REVISION = "20261202_0013"
# (admissibility, outcome) of the appeals stored before the migration, and the status each must get.
APPEALS = [((None, None), "lodged"), (("admissible", None), "admissible"), (("late", None), "inadmissible"),
           (("out_of_scope", None), "inadmissible"), (("admissible", "uphold"), "upheld"),
           (("admissible", "return_for_reconsideration"), "returned")]


def _without_parent_rows(app):
    """Let the fresh database hold appeals and objections whose cases, decisions and members are not there: the
    foreign keys are not what this migration is about (SQLite: foreign_keys off; PostgreSQL: replica role)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        event.remove(Engine, "connect", qa_portal._sqlite_pragmas)
        return lambda: event.listen(Engine, "connect", qa_portal._sqlite_pragmas)
    event.listen(db.engine, "connect", lambda connection, _record: connection.cursor().execute(
        "SET session_replication_role = replica"))
    return lambda: None


def _store_old_rows() -> None:
    """The appeals and objections as the schema before the migration holds them."""
    with db.engine.begin() as connection:
        for number, ((admissibility, outcome), _status) in enumerate(APPEALS, 1):
            connection.execute(text(
                "INSERT INTO appeals (id, case_id, decision_id, lodged_at, grounds, statement, decision_due_on, "
                "admissibility, admissibility_reason, outcome, outcome_reasons) VALUES (:id, :id, :id, :at, '[]', "
                "'Statement.', :due, :admissibility, :reason, :outcome, :reasons)"),
                {"id": number, "at": datetime(2026, 11, 1), "due": date(2027, 2, 1), "admissibility": admissibility,
                 "reason": "Ruled." if admissibility else "", "outcome": outcome,
                 "reasons": "Decided." if outcome else ""})
        for number, ruling in ((1, None), (2, "upheld")):
            connection.execute(text(
                "INSERT INTO panel_objections (id, member_id, raised_at, reasons, ruling, ruling_reason) "
                "VALUES (:id, :id, :at, 'Reasons.', :ruling, :reason)"),
                {"id": number, "at": datetime(2026, 11, 1), "ruling": ruling, "reason": "Ruled." if ruling else ""})


def _column(table: str, column: str) -> list:
    with db.engine.connect() as connection:
        return list(connection.execute(text(f"SELECT {column} FROM {table} ORDER BY id")).scalars())


def test_lifecycle_status_migration_derives_statuses_from_data_and_downgrades(app):
    """Upgrading gives each stored appeal the status its data says and each unruled objection 'pending';
    downgrading drops the status and turns 'pending' back into no ruling."""
    url, cleanup = _empty_database_url(app)
    fresh = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url})
    try:
        with fresh.app_context():
            restore = _without_parent_rows(fresh)
            try:
                config = fresh.extensions["migrate"].migrate.get_config()
                before = ScriptDirectory.from_config(config).get_revision(REVISION).down_revision
                upgrade(revision=before)
                _store_old_rows()
                upgrade(revision=REVISION)
                assert _column("appeals", "status") == [status for _data, status in APPEALS]
                assert _column("panel_objections", "ruling") == ["pending", "upheld"]
                downgrade(revision=before)
                assert _column("panel_objections", "ruling") == [None, "upheld"]
                assert _column("appeals", "admissibility") == [data[0] for data, _status in APPEALS]
            finally:
                restore()
                db.engine.dispose()
    finally:
        cleanup()
