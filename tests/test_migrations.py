"""Migrations: one head, upgrade and downgrade on an empty database, no drift from the models."""
import os
import tempfile
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from qa_portal import create_app
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseAction
from tests.reviews.factories import make_case

pytestmark = pytest.mark.committing  # runs the migrations on databases of its own


def _script_directory(app) -> ScriptDirectory:
    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config)


def test_migrations_have_one_head(app):
    """Parallel work must be merged: exactly one head revision."""
    assert len(_script_directory(app).get_heads()) == 1


def test_revision_files_are_date_stamped(app):
    """Revision file names start with their date (YYYYMMDD_)."""
    for name in os.listdir(os.path.join(os.path.dirname(app.root_path), "migrations", "versions")):
        if name.endswith(".py"):
            assert name[:8].isdigit() and name[8] == "_", name


def test_models_and_migrations_do_not_drift(app):
    """Autogenerate against the migrated test database finds nothing to change."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def _empty_database_url(app):
    """A brand-new empty database on the same server kind as the suite."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        name = f"qa_migrations_{uuid.uuid4().hex[:8]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return url.rsplit("/", 1)[0] + f"/{name}", lambda: _drop_database(url, name)
    directory = tempfile.mkdtemp(prefix="qa-migrations-")
    return f"sqlite:///{directory}/empty.sqlite", lambda: None


def _drop_database(url, name):
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_downgrade_upgrade_on_an_empty_database(app):
    """Every migration upgrades an empty database, downgrades to nothing, and upgrades again."""
    url, cleanup = _empty_database_url(app)
    fresh = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url})
    try:
        with fresh.app_context():
            upgrade()
            tables = set(inspect(db.engine).get_table_names())
            assert {"users", "user_roles", "audit_entries", "institutions"} <= tables
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            db.engine.dispose()
    finally:
        cleanup()


def test_case_action_check_allows_every_action_and_nothing_else(app):
    """Migration 0010 rebuilt the named CHECK on case_events.action: every CaseAction (dismiss_appeal too) is
    stored, an unknown action is refused by the database."""
    case = make_case()
    insert = text("INSERT INTO case_events (case_id, action, from_state, to_state, at, comment) "
                  "VALUES (:case_id, :action, 'published', 'published', CURRENT_TIMESTAMP, '')")
    for action in CaseAction:
        db.session.execute(insert, {"case_id": case.id, "action": action.value})
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(insert, {"case_id": case.id, "action": "dismiss_everything"})
        db.session.flush()
    db.session.rollback()
