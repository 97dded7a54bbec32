"""Backups: a round trip restores every table's rows, every uploaded file and an intact audit chain; restore checks
the manifest's hashes first and will not overwrite data without --force."""
import contextvars
import json
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, create_engine, inspect, select, text

from qa_portal import create_app
from qa_portal.core.backup import sha256_of
from qa_portal.extensions import db
from tests.decisions.factories import published_case
from tests.reviews.factories import make_case, make_evidence, tiny_png

pytestmark = pytest.mark.committing  # a backup reads the committed database from another connection or process


def _seed_with_uploads():
    """A published decision (many tables, a long audit chain) and a case with two uploaded files."""
    published_case()
    case = make_case()
    make_evidence(case, title="Quality policy")
    make_evidence(case, title="Photo", content=tiny_png())


def _rows(engine) -> dict[str, list]:
    """Every table's rows (alembic_version included), in a stable order."""
    with engine.connect() as connection:
        tables = {}
        for name in sorted(inspect(connection).get_table_names()):
            reflected = Table(name, MetaData(), autoload_with=connection)
            tables[name] = sorted((tuple(row) for row in connection.execute(select(reflected))), key=repr)
    return tables


def _file_hashes(directory: str) -> dict[str, str]:
    return {path.name: sha256_of(path) for path in Path(directory).iterdir() if path.is_file()}


@pytest.fixture
def empty_target(app):
    """An empty database of the suite's kind (a new PostgreSQL database, or a new SQLite file) and upload folder."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    uploads = tempfile.mkdtemp(prefix="qa-restore-uploads-")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tempfile.mkdtemp(prefix='qa-restore-')}/restored.sqlite", uploads
        return
    name = f"{url.rsplit('/', 1)[1]}_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{url.rsplit('/', 1)[0]}/{name}", uploads
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _in_app(target_app, args):
    """Run a flask command in another app, outside the suite's app context."""
    return contextvars.Context().run(target_app.test_cli_runner().invoke, args=args)


def _restore_app(target):
    url, uploads = target
    return create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": uploads})


def _dispose(target_app):
    def run():
        with target_app.app_context():
            db.engine.dispose()
    contextvars.Context().run(run)


def test_backup_round_trip_restores_every_row_file_and_the_audit_chain(app, empty_target, tmp_path):
    """Back up a database with uploads, restore into an empty database and folder: every table, every file hash
    and the audit chain's verification match."""
    _seed_with_uploads()
    backup_dir = tmp_path / "backup"
    created = app.test_cli_runner().invoke(args=["backup", "create", str(backup_dir)])
    assert created.exit_code == 0, created.output
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["database"]["dialect"] == db.engine.dialect.name
    assert manifest["database"]["revision"] == manifest["code_migration_heads"]
    stored = _file_hashes(app.config["UPLOAD_DIR"])  # the suite's folder: this test's two files and earlier ones
    assert {name for name in manifest["files"] if name.startswith("uploads/")} == {f"uploads/{n}" for n in stored}
    assert len(stored) >= 2

    target_app = _restore_app(empty_target)
    try:
        restored = _in_app(target_app, ["backup", "restore", str(backup_dir)])
        assert restored.exit_code == 0, restored.output
        assert f"{len(stored)} uploaded file(s)" in restored.output and "db upgrade" not in restored.output
        with target_app.app_context():
            restored_rows = _rows(db.engine)
        assert restored_rows == _rows(db.engine)
        assert sum(len(rows) for rows in restored_rows.values()) > 50
        assert _file_hashes(empty_target[1]) == stored
        verified = _in_app(target_app, ["audit", "verify"])
        assert verified.exit_code == 0 and "Audit chain intact" in verified.output
    finally:
        _dispose(target_app)


def test_backup_restore_refuses_a_database_with_data_unless_forced(app, tmp_path):
    """Restoring over a database that holds rows is refused without --force and done with it."""
    _seed_with_uploads()
    backup_dir = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(backup_dir)]).exit_code == 0
    refused = app.test_cli_runner().invoke(args=["backup", "restore", str(backup_dir)])
    assert refused.exit_code != 0 and "already holds data" in refused.output and "--force" in refused.output
    before = _rows(db.engine)
    forced = app.test_cli_runner().invoke(args=["backup", "restore", "--force", str(backup_dir)])
    assert forced.exit_code == 0, forced.output
    assert _rows(db.engine) == before


def test_backup_restore_refuses_a_damaged_backup_before_touching_anything(app, empty_target, tmp_path):
    """A file whose SHA-256 no longer matches the manifest stops the restore before the database is touched."""
    _seed_with_uploads()
    backup_dir = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(backup_dir)]).exit_code == 0
    damaged = next((backup_dir / "uploads").iterdir())
    damaged.write_bytes(damaged.read_bytes() + b"tampered")
    target_app = _restore_app(empty_target)
    try:
        result = _in_app(target_app, ["backup", "restore", str(backup_dir)])
        assert result.exit_code != 0 and f"uploads/{damaged.name} does not match its SHA-256" in result.output
        with target_app.app_context():
            assert [name for name in inspect(db.engine).get_table_names() if name != "alembic_version"] == []
        assert list(Path(empty_target[1]).iterdir()) == []
    finally:
        _dispose(target_app)


def test_backup_create_refuses_a_directory_that_is_not_empty(app, tmp_path):
    """A backup goes into a new or empty directory, never mixed with other files."""
    (tmp_path / "something.txt").write_text("x")
    result = app.test_cli_runner().invoke(args=["backup", "create", str(tmp_path)])
    assert result.exit_code != 0 and "is not empty" in result.output


def test_backup_restore_refuses_a_directory_without_manifest(app, tmp_path):
    """A directory that is not a QA Portal backup is refused with a clear message."""
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path)])
    assert result.exit_code != 0 and "not a QA Portal backup" in result.output
