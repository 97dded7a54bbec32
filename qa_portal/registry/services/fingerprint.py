"""A validator for the bulk exports: a strong ETag computed from what the exported records depend on, so a registry
that polls a 100k-decision export gets 304 Not Modified without the export being generated.

The exports' content is a function of the request (filters, host), today's date and the stored public records
(registry/models.py), each rewritten with a new `stored_at` whenever its text changes (including what a date changes,
by the daily pass). The fingerprint takes, in one query, how many records there are and when one last changed."""
import hashlib

from flask import current_app, request
from sqlalchemy import func, select

from qa_portal.core.models import utcnow
from qa_portal.core.urls import public_base_url
from qa_portal.extensions import db
from qa_portal.registry.models import PublicDecisionRecord

__all__ = ["export_etag"]


def _state_of_the_public_record() -> tuple:
    """How many public records are stored and when one last changed (one statement over the stored records)."""
    return tuple(db.session.execute(select(func.count(PublicDecisionRecord.decision_id),
                                           func.max(PublicDecisionRecord.stored_at))).one())


def export_etag(kind: str) -> str:
    """The export's ETag: a hash of its kind, the request's path and filters, the public address its URLs are built
    from (QA_PUBLIC_BASE_URL, not the Host header), today's date, the appeal window and the state of the public
    record."""
    parts = (kind, public_base_url(), request.full_path, utcnow().date().isoformat(), current_app.config["QA_APPEAL_WINDOW_DAYS"],
             *_state_of_the_public_record())
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
