"""A validator for the bulk exports: a strong ETag computed from what the exported records depend on, so a registry
that polls a 100k-decision export gets 304 Not Modified without the export being generated.

The exports' content is a function of the request (filters, host), today's date (a condition's overdue flag, which
decisions are valid on a date) and the public record's tables. The fingerprint takes, in one query, the count and
latest change of each of those tables: published decisions (rows are immutable once published, so count, top id and
latest publication capture them), condition follow-ups and appeals (status timestamps), and the rows decisions embed
that can change (specification versions, institutions, outcome schemes: their updated_at)."""
import hashlib

from flask import current_app, request
from sqlalchemy import func, select

from qa_portal.core.models import utcnow
from qa_portal.core.urls import public_base_url
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, OutcomeScheme, SpecificationVersion
from qa_portal.decisions.models import Appeal, ConditionFollowUp, Decision

__all__ = ["export_etag"]


def _state_of_the_public_record() -> tuple:
    """Counts and latest-change times of every table the exported records are made from (one statement)."""
    published = Decision.published_at.is_not(None)
    follow_up_changed = func.coalesce(ConditionFollowUp.verified_at, ConditionFollowUp.reported_at)
    appeal_changed = func.coalesce(Appeal.decided_at, Appeal.admissibility_at, Appeal.lodged_at)
    lookups = (
        select(func.count(Decision.id)).where(published),
        select(func.max(Decision.id)).where(published),
        select(func.max(Decision.published_at)),
        select(func.count(ConditionFollowUp.id)),
        select(func.max(follow_up_changed)),
        select(func.count(Appeal.id)),
        select(func.max(appeal_changed)),
        select(func.max(SpecificationVersion.updated_at)),
        select(func.max(Institution.updated_at)),
        select(func.max(OutcomeScheme.updated_at)),
    )
    return tuple(db.session.execute(select(*(lookup.scalar_subquery() for lookup in lookups))).one())


def export_etag(kind: str) -> str:
    """The export's ETag: a hash of its kind, the request's path and filters, the public address its URLs are built
    from (QA_PUBLIC_BASE_URL, not the Host header), today's date, the appeal window and the state of the public
    record."""
    parts = (kind, public_base_url(), request.full_path, utcnow().date().isoformat(), current_app.config["QA_APPEAL_WINDOW_DAYS"],
             *_state_of_the_public_record())
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
