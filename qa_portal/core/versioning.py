"""No lost edits where people share a text: a row's `version` counter (SQLAlchemy's version_id_col) is compared with
the version the user started typing on; a mismatch, or a colleague's save landing at the same moment, is an
EditConflict (409) whose page shows both texts (the SER's pattern), never a silent overwrite and never a 500."""
from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy import inspect as sa_inspect
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


def saved_version(row) -> int | None:
    """The row's version counter (its mapper's version_id_col, named `version` or `revision`)."""
    mapper = sa_inspect(row).mapper
    return getattr(row, mapper.get_property_by_column(mapper.version_id_col).key)


def ensure_version(row, expected: int | None, message: str) -> None:
    """Refuse a save typed on another version of the row than the saved one."""
    if row is not None and saved_version(row) != expected:
        raise EditConflict(message, row)


@contextmanager
def conflict_on_race(message: str, reload: Callable[[], object]):
    """Inside, a simultaneous save (the UPDATE meets a newer version, or a second first INSERT) becomes a conflict
    showing the row as `reload()` finds it after the rollback."""
    try:
        yield
        db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise EditConflict(message, reload()) from None


def flush_or_conflict(message: str, reload: Callable[[], object]) -> None:
    """Flush; a simultaneous save becomes a conflict (see conflict_on_race)."""
    with conflict_on_race(message, reload):
        pass


def conflict_of(form, run):
    """The saved row a refused edit conflicted with (the page shows it beside the user's text), or None; its counter
    goes into the form's hidden `version`/`revision` field, so saving again replaces it, knowingly."""
    if not isinstance(run.error, EditConflict):
        return None
    counter = getattr(form, "version", None) or getattr(form, "revision", None)
    if counter is not None:
        counter.data = str(saved_version(run.error.current))
    return run.error.current
