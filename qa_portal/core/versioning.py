"""No lost edits where people share a text: a row's `version` counter (SQLAlchemy's version_id_col) is compared with
the version the user started typing on; a mismatch, or a colleague's save landing at the same moment, is an
EditConflict (409) whose page shows both texts (the SER's pattern), never a silent overwrite and never a 500."""
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from qa_portal.core.errors import DomainError
from qa_portal.extensions import db


class EditConflict(DomainError):
    """Someone saved the same text since this user opened it; the view shows both versions (HTTP 409)."""

    status_code = 409

    def __init__(self, message: str, current):
        super().__init__(message)
        self.current = current


def ensure_version(row, expected: int | None, message: str) -> None:
    """Refuse a save typed on another version of the row than the saved one."""
    if row is not None and row.version != expected:
        raise EditConflict(message, row)


def flush_or_conflict(message: str, reload: Callable[[], object]) -> None:
    """Flush; a simultaneous save (the UPDATE meets a newer version, or a second first INSERT) becomes a conflict."""
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise EditConflict(message, reload()) from None
