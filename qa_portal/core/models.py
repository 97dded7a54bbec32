"""Model helpers shared by every domain: time, string enums, and the generic timeline of state changes."""
import enum
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qa_portal.extensions import db


def utcnow() -> datetime:
    """The current time in UTC, naive, as every datetime column stores it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def string_enum(enum_class: type[enum.Enum], name: str, length: int = 30) -> Enum:
    """A portable (non-native) enum column type storing the members' values, checked by a named CHECK constraint."""
    return Enum(enum_class, name=name, native_enum=False, create_constraint=True, length=length,
                values_callable=lambda members: [member.value for member in members])


class TimestampMixin:
    """created_at / updated_at columns maintained by SQLAlchemy."""

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class StateChange(db.Model):
    """One move of a lifecycle that keeps no timeline table of its own (core.workflow writes it): which
    workflow, which object, from which status to which, by whom, when and why."""

    __tablename__ = "state_changes"
    __table_args__ = (Index("ix_state_changes_object", "workflow", "object_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    comment: Mapped[str] = mapped_column(Text, default="")
