"""The public record of each published decision, stored: its JSON exactly as the API serves it (decision_json), written
by registry/services/records.py whenever anything in it changes, so the bulk exports, `updated_since` and the export
ETags read one row per decision instead of rebuilding the JSON from a dozen tables."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from qa_portal.extensions import db


class PublicDecisionRecord(db.Model):
    """A published decision's public JSON (compact UTF-8 text), its `updated_at` as a column for `updated_since`,
    and when the stored text last changed (the exports' ETag)."""

    __tablename__ = "public_decision_records"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    stored_at: Mapped[datetime] = mapped_column(DateTime, index=True)

    def __repr__(self) -> str:
        return f"<PublicDecisionRecord {self.decision_id}>"
