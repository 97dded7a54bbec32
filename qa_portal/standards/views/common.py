"""Helpers shared by the standards views: the drafting pages' prefix, a version's URL, loading a version or 404."""
from flask import abort, url_for
from sqlalchemy.orm import selectinload

from qa_portal.extensions import db
from qa_portal.standards.models import Standard, StandardVersion

PREFIX = "/manage/standards"  # the officers' drafting pages


def version_url(version: StandardVersion, anchor: str | None = None) -> str:
    """The drafting page of a version, optionally at an anchor (a standard, the scale)."""
    return url_for("standards.version_detail", version_id=version.id, _anchor=anchor)


def load_version(version_id: int) -> StandardVersion:
    """A version with its standards and criteria loaded in a constant number of queries, or 404."""
    version = db.session.scalar(
        db.select(StandardVersion).where(StandardVersion.id == version_id).options(
            selectinload(StandardVersion.standards).selectinload(Standard.criteria),
            selectinload(StandardVersion.levels),
        )
    )
    if version is None:
        abort(404)
    return version

