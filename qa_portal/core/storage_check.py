"""The upload folder against the database: leftovers and orphans to remove, stored files gone missing to report.

A stored file is referenced by a column named `storage_name` (Evidence, AppealDocument, ConditionFollowUp, and any
later model that follows the convention: tests/core/test_storage_check.py lists them). The folder holds only what
store_upload writes — `<32 hex digits>` and, while an upload is being written, `.<32 hex digits>.part`. What is
younger than the grace period may belong to an upload still in flight (its transaction not yet committed) and is left
alone; what is older and referenced by no row is an orphan. Anything else in the folder was not written by the portal
and is reported, never removed."""
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from qa_portal.core.storage import upload_root
from qa_portal.extensions import db

STORED_NAME = re.compile(r"[0-9a-f]{32}")
PARTIAL_NAME = re.compile(r"\.[0-9a-f]{32}\.part")
STORAGE_COLUMN = "storage_name"


@dataclass
class StorageReport:
    """What `flask storage check` found (and, with --fix, removed)."""

    stale_partials: list[Path] = field(default_factory=list)
    orphans: list[Path] = field(default_factory=list)
    missing: list[tuple[str, str, str]] = field(default_factory=list)  # (table, row id, storage name)
    foreign: list[Path] = field(default_factory=list)
    recent_unreferenced: int = 0
    removed: list[Path] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Nothing left to remove and nothing missing (foreign files are only reported)."""
        leftovers = set(self.stale_partials + self.orphans) - set(self.removed)
        return not leftovers and not self.missing


def file_tables():
    """Every table with a stored-file column, as (table, its storage_name column)."""
    return [(table, table.c[STORAGE_COLUMN]) for table in db.metadata.sorted_tables if STORAGE_COLUMN in table.c]


def referenced_files() -> dict[str, tuple[str, str]]:
    """Every storage name a row references → (table, row id)."""
    referenced = {}
    for table, column in file_tables():
        key = list(table.primary_key.columns)[0]
        for row_id, name in db.session.execute(select(key, column).where(column.is_not(None))):
            referenced[name] = (table.name, str(row_id))
    return referenced


def check_storage(fix: bool = False, grace_seconds: float = 24 * 3600) -> StorageReport:
    """Compare the upload folder with the database; with fix, remove stale partial uploads and orphans."""
    root = upload_root()
    referenced = referenced_files()
    report = StorageReport()
    cutoff = time.time() - grace_seconds
    for path in sorted(root.iterdir()):
        name = path.name
        if not path.is_file() or not (STORED_NAME.fullmatch(name) or PARTIAL_NAME.fullmatch(name)):
            report.foreign.append(path)
            continue
        if name in referenced:
            continue
        if path.stat().st_mtime > cutoff:
            report.recent_unreferenced += 1
            continue
        (report.stale_partials if name.endswith(".part") else report.orphans).append(path)
    report.missing = sorted((table, row_id, name) for name, (table, row_id) in referenced.items()
                            if not (root / name).is_file())
    if fix:
        for path in report.stale_partials + report.orphans:
            path.unlink(missing_ok=True)
            report.removed.append(path)
    return report
