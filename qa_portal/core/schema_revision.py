"""Where the database's schema stands against the migrations shipped with the code (for /readyz and backups)."""
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from qa_portal.extensions import db


def migration_script() -> ScriptDirectory:
    """The Alembic script directory of migrations/."""
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def migration_heads() -> set[str]:
    """The head revision(s) of the shipped migrations (read once per process: they are code, not data)."""
    heads = current_app.extensions.get("qa_migration_heads")
    if heads is None:
        heads = current_app.extensions["qa_migration_heads"] = set(migration_script().get_heads())
    return heads


def known_revisions() -> set[str]:
    """Every revision id the shipped migrations know."""
    return {script.revision for script in migration_script().walk_revisions()}


def database_revisions() -> set[str]:
    """The revision(s) the database's schema is at, from its alembic_version table (empty when never migrated)."""
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())
