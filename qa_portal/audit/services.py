"""Writing and verifying the audit chain."""
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select, text

from qa_portal.audit.models import GENESIS_HASH, AuditEntry
from qa_portal.core.models import utcnow
from qa_portal.extensions import db


def _object_ref(obj) -> tuple[str | None, str | None]:
    if obj is None:
        return None, None
    if isinstance(obj, tuple):
        return obj[0], str(obj[1])
    return type(obj).__name__, str(getattr(obj, "id", None))


def compute_hash(entry: AuditEntry) -> str:
    """SHA-256 over the entry's content and its predecessor's hash, in canonical JSON."""
    payload = {
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "summary": entry.summary,
        "data": entry.data,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lock_chain() -> None:
    # PostgreSQL: serialise writers for this transaction so each sees the true last entry.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(727274)"))


def record(actor, action: str, obj=None, summary: str = "", data: dict | None = None) -> AuditEntry:
    """Append one audit entry (actor may be None for the system or anonymous visitors); flushes, never commits."""
    _lock_chain()
    last_hash = db.session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1))
    object_type, object_id = _object_ref(obj)
    entry = AuditEntry(
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", None) or "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        data=json.loads(json.dumps(data or {}, default=str)),
        prev_hash=last_hash or GENESIS_HASH,
    )
    entry.entry_hash = compute_hash(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass
class ChainProblem:
    entry_id: int
    reason: str


def verify_chain(batch_size: int = 1000) -> ChainProblem | None:
    """Recompute every hash in order; return the first broken entry, or None when the chain holds."""
    expected_prev = GENESIS_HASH
    last_id = 0
    while True:
        rows = db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch_size)
        ).all()
        if not rows:
            return None
        for entry in rows:
            if entry.prev_hash != expected_prev:
                return ChainProblem(entry.id, "does not follow the entry before it (a row was removed or reordered)")
            if compute_hash(entry) != entry.entry_hash:
                return ChainProblem(entry.id, "its content no longer matches its hash (the row was altered)")
            expected_prev = entry.entry_hash
            last_id = entry.id
        db.session.expunge_all()
