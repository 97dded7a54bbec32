"""The stored public record of each published decision (registry/models.py): decision_json's output as compact JSON
text, written whenever anything in it changes — by registry/subscribers.py on a lifecycle move (publication,
supersession, an appeal's ruling or outcome, a specification's withdrawal), a condition's report or verdict and an
institution's edit, and by the daily pass for what a date turns (a condition overdue, a validity over) — so the bulk
exports, `updated_since` and the export ETags read one row per decision.

There is one serializer: every record is decision_json(decision). Bulk rebuilds (the demo's scale data, a new
database) feed it the exporter's light records (export.decision_batches) instead of ORM objects, which is faster but
the same function."""
import json
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import delete, func, insert, or_, select, update

from qa_portal.core.models import utcnow
from qa_portal.decisions.models import Decision, DecisionCondition
from qa_portal.extensions import db
from qa_portal.registry.models import PublicDecisionRecord
from qa_portal.registry.services.queries import CONDITIONS, DECISIONS, FOLLOW_UPS, published_decisions
from qa_portal.registry.services.serializers.decisions import decision_json, decision_updated_at_of

__all__ = ["RECORDS", "record_text", "refresh_records", "rebuild_records", "store_missing_records",
           "refresh_records_turned_by_date"]

RECORDS = PublicDecisionRecord.__table__
CHUNK = 500  # decisions serialised and stored per round: bounded memory


def record_text(decision) -> str:
    """The decision's public record as stored and exported: decision_json as compact UTF-8 JSON."""
    return json.dumps(decision_json(decision), ensure_ascii=False, separators=(",", ":"))


def _store(decisions: list, now: datetime) -> int:
    """Insert or update the records of these published decisions whose text changed; returns how many changed."""
    ids = [decision.id for decision in decisions]
    stored = dict(db.session.execute(select(RECORDS.c.decision_id, RECORDS.c.document)
                                     .where(RECORDS.c.decision_id.in_(ids))).all())
    new, changed = [], []
    for decision in decisions:
        text = record_text(decision)
        if stored.get(decision.id) == text:
            continue
        row = {"decision_id": decision.id, "document": text, "updated_at": decision_updated_at_of(decision),
               "stored_at": now}
        (changed if decision.id in stored else new).append(row)
    if new:
        db.session.execute(insert(PublicDecisionRecord), new)
    if changed:
        db.session.execute(update(PublicDecisionRecord), changed)
    return len(new) + len(changed)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def refresh_records(decision_ids: Iterable[int]) -> int:
    """Store the current public JSON of these decisions (read afresh from the database), drop the record of any that
    is not published; flushes. Returns how many records changed."""
    ids, changed, now = sorted(set(decision_ids)), 0, utcnow()
    for chunk in _chunks(ids):
        decisions = db.session.scalars(published_decisions().where(DECISIONS.c.id.in_(chunk))
                                       .execution_options(populate_existing=True)).unique().all()
        changed += _store(decisions, now)
        unpublished = set(chunk) - {decision.id for decision in decisions}
        if unpublished:
            changed += db.session.execute(delete(PublicDecisionRecord)
                                          .where(PublicDecisionRecord.decision_id.in_(unpublished))).rowcount
    db.session.flush()
    return changed


def rebuild_records(only_missing: bool = False) -> int:
    """Serialise every published decision (or only those without a record) in keyset batches through the exporter's
    light records and store what changed; flushes. Returns how many records changed."""
    from qa_portal.registry.services.export import decision_batches

    statement = published_decisions()
    if only_missing:
        statement = statement.where(DECISIONS.c.id.not_in(select(RECORDS.c.decision_id)))
    changed, now = 0, utcnow()
    for batch in decision_batches(statement):
        changed += _store(batch, now)
    db.session.flush()
    return changed


def store_missing_records() -> int:
    """Store the record of every published decision that has none yet (data loaded in bulk, a restored database)."""
    return rebuild_records(only_missing=True)


def refresh_records_turned_by_date(today: date | None = None) -> int:
    """Refresh the records a date changes without any write: a condition not met whose due date passed since its
    decision's record was stored (now overdue), a validity that ended since then. Returns how many changed."""
    today = today or utcnow().date()
    stored_on = func.date(RECORDS.c.stored_at)
    overdue = (select(CONDITIONS.c.decision_id)
               .select_from(CONDITIONS.join(RECORDS, RECORDS.c.decision_id == CONDITIONS.c.decision_id)
                            .outerjoin(FOLLOW_UPS, FOLLOW_UPS.c.condition_id == CONDITIONS.c.id))
               .where(CONDITIONS.c.due_on < today, stored_on <= CONDITIONS.c.due_on,
                      or_(FOLLOW_UPS.c.verdict.is_(None), FOLLOW_UPS.c.verdict != "met")))
    expired = (select(DECISIONS.c.id).select_from(DECISIONS.join(RECORDS, RECORDS.c.decision_id == DECISIONS.c.id))
               .where(DECISIONS.c.valid_to < today, stored_on <= DECISIONS.c.valid_to))
    ids = set(db.session.scalars(overdue)) | set(db.session.scalars(expired))
    return refresh_records(ids) if ids else 0


def decisions_of_condition(condition: DecisionCondition) -> list[int]:
    """The decision whose record shows this condition."""
    return [condition.decision_id]


def decisions_of_cases(case_ids: Iterable[int]) -> list[int]:
    """Every decision of these cases (a publication also changes the decision it supersedes, on the same case)."""
    return list(db.session.scalars(select(Decision.id).where(Decision.case_id.in_(list(case_ids)))))
