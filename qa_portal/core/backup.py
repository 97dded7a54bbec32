"""Backups: the database (SQLite's online backup API, or pg_dump's custom format) plus the uploaded files, with a
manifest.json holding the schema revision, the time and every file's SHA-256; restore checks every hash before it
touches anything and refuses a database or upload folder that already holds data unless forced.

The database is copied first and the files second: a file is written before the row that names it is committed, so
every file a backed-up row names is in the backup (a file stored meanwhile is an unreferenced extra)."""
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import exists, inspect, select, table, text
from sqlalchemy.engine import URL

from qa_portal.core.schema_revision import database_revisions, known_revisions, migration_heads
from qa_portal.core.models import utcnow
from qa_portal.extensions import db

MANIFEST = "manifest.json"
FORMAT = "qa-portal-backup"
FORMAT_VERSION = 1
DATABASE_FILES = {"sqlite": "database.sqlite", "postgresql": "database.dump"}
UPLOADS = "uploads"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


@dataclass(frozen=True)
class RestoreReport:
    """What a restore did: the backup's schema revision and whether `flask db upgrade` must follow."""

    revision: list[str]
    files: int
    needs_upgrade: bool


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _stored_files(root: Path) -> list[Path]:
    """The stored uploads: regular files, without the hidden `.name.part` of an upload still being written."""
    if not root.is_dir():
        return []
    return sorted(path for path in root.iterdir() if path.is_file() and not path.name.startswith("."))


def _dialect() -> str:
    name = db.engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def _sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


def _libpq_target() -> tuple[str, dict]:
    """The database as a libpq URL for pg_dump/pg_restore, with the password passed in the environment (PGPASSWORD)
    rather than on a command line other users can read."""
    url: URL = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _check_pg_tools(tool: str) -> None:
    """pg_dump/pg_restore must exist and be at least the server's major version (pg_dump refuses a newer server)."""
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed: install the PostgreSQL client of the server's version.")
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    client_major = int(match.group(1)) if match else 0
    server_major = int(db.session.execute(text("SHOW server_version_num")).scalar()) // 10000
    db.session.rollback()
    if client_major < server_major:
        raise BackupError(f"{tool} {client_major} is older than the PostgreSQL {server_major} server: install "
                          f"postgresql-client-{server_major}.")


def _run_pg(command: list[str], env: dict) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _copy_hashed(source: Path, target: Path) -> str:
    """Copy a file through a temporary name, hashing the bytes written; returns their SHA-256."""
    digest = hashlib.sha256()
    partial = target.with_name(f".{target.name}.part")
    with open(source, "rb") as reader, open(partial, "wb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
    os.replace(partial, target)
    return digest.hexdigest()


def _dump_database(dialect: str, target: Path) -> None:
    db.session.remove()
    if dialect == "sqlite":
        source = sqlite3.connect(_sqlite_path())
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)  # the online backup API: a consistent copy while the app keeps writing
        finally:
            copy.close()
            source.close()
        return
    _check_pg_tools("pg_dump")
    url, env = _libpq_target()
    _run_pg(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", url], env)


def create_backup(directory: Path) -> dict:
    """Write the database, then every stored upload, then manifest.json into directory (new or empty)."""
    dialect = _dialect()
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new directory.")
    (directory / UPLOADS).mkdir(parents=True, exist_ok=True)
    created_at = utcnow().isoformat(timespec="seconds") + "Z"
    revision = sorted(database_revisions())
    database_file = DATABASE_FILES[dialect]
    _dump_database(dialect, directory / database_file)
    files = {database_file: sha256_of(directory / database_file)}
    for source in _stored_files(_upload_dir()):
        files[f"{UPLOADS}/{source.name}"] = _copy_hashed(source, directory / UPLOADS / source.name)
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "created_at": created_at,
        "database": {"dialect": dialect, "file": database_file, "revision": revision},
        "code_migration_heads": sorted(migration_heads()),
        "files": files,
    }
    partial = directory / f".{MANIFEST}.part"
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, directory / MANIFEST)
    return manifest


def read_verified_manifest(directory: Path) -> dict:
    """The backup's manifest, once every file it lists is present with its SHA-256 and nothing else is there."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupError(f"{directory} has no {MANIFEST}: it is not a QA Portal backup.") from error
    except ValueError as error:
        raise BackupError(f"{directory / MANIFEST} is not valid JSON.") from error
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{directory} is not a QA Portal backup of format version {FORMAT_VERSION}.")
    listed: dict = manifest["files"]
    for name, expected in sorted(listed.items()):
        path = directory / name
        if not path.is_file():
            raise BackupError(f"The backup is incomplete: {name} is missing.")
        if sha256_of(path) != expected:
            raise BackupError(f"The backup is damaged: {name} does not match its SHA-256 in the manifest.")
    present = {f"{UPLOADS}/{path.name}" for path in _stored_files(directory / UPLOADS)}
    unlisted = sorted(present - set(listed))
    if unlisted:
        raise BackupError(f"The backup holds files its manifest does not list: {', '.join(unlisted[:5])}.")
    return manifest


def _database_holds_data() -> bool:
    """True when any table but alembic_version has a row."""
    names = [name for name in inspect(db.engine).get_table_names() if name != "alembic_version"]
    with db.engine.connect() as connection:
        return any(connection.execute(select(exists().select_from(table(name)))).scalar() for name in names)


def _check_revision_known(revision: list[str]) -> bool:
    """Refuse a backup from a newer schema than this code knows; True when `flask db upgrade` must follow."""
    unknown = sorted(set(revision) - known_revisions())
    if unknown:
        raise BackupError(f"The backup's schema revision {', '.join(unknown)} is unknown to this version of QA "
                          "Portal: restore it with the version that made it.")
    return set(revision) != migration_heads()


def _restore_database(dialect: str, source: Path) -> None:
    db.session.remove()
    if dialect == "sqlite":
        target_path = _sqlite_path()
        db.engine.dispose()
        source_connection = sqlite3.connect(source)
        target = sqlite3.connect(target_path)
        try:
            with target:
                source_connection.backup(target)
        finally:
            target.close()
            source_connection.close()
        db.engine.dispose()
        return
    _check_pg_tools("pg_restore")
    url, env = _libpq_target()
    db.engine.dispose()
    _run_pg(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", f"--dbname={url}", str(source)], env)
    db.engine.dispose()


def restore_backup(directory: Path, force: bool = False) -> RestoreReport:
    """Verify the backup, check it fits this database, then restore the database and copy the uploads back."""
    manifest = read_verified_manifest(directory)
    dialect = _dialect()
    database = manifest["database"]
    if database["dialect"] != dialect:
        raise BackupError(f"This is a {database['dialect']} backup; the configured database is {dialect}.")
    needs_upgrade = _check_revision_known(database["revision"])
    uploads = _upload_dir()
    if not force:
        if _database_holds_data():
            raise BackupError("The database already holds data: restoring would replace it. Add --force to do so.")
        if _stored_files(uploads):
            raise BackupError(f"The upload folder {uploads} already holds files. Add --force to restore into it.")
    _restore_database(dialect, directory / database["file"])
    uploads.mkdir(parents=True, exist_ok=True)
    names = [name for name in manifest["files"] if name.startswith(f"{UPLOADS}/")]
    for name in names:
        _copy_hashed(directory / name, uploads / name.removeprefix(f"{UPLOADS}/"))
    return RestoreReport(revision=database["revision"], files=len(names), needs_upgrade=needs_upgrade)
