"""Model helpers shared by every domain: time, string enums, the columns of a stored file and of a ruling, and the
generic timeline of state changes."""
import enum
from datetime import datetime, timezone
from typing import ClassVar

from sqlalchemy import DateTime, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, MappedColumn, declared_attr, mapped_column

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


class StoredFileMixin:
    """The columns of a file kept by core.storage.store_upload: its random storage name (unique), the name it was
    uploaded under, its MIME type, size and SHA-256. A model whose file is optional sets `stored_file_optional`."""

    stored_file_optional: ClassVar[bool] = False

    @declared_attr
    def storage_name(cls) -> Mapped[str | None]:
        return mapped_column(String(64), unique=True, nullable=cls.stored_file_optional)

    @declared_attr
    def original_name(cls) -> Mapped[str | None]:
        return mapped_column(String(255), nullable=cls.stored_file_optional)

    @declared_attr
    def mime_type(cls) -> Mapped[str | None]:
        return mapped_column(String(120), nullable=cls.stored_file_optional)

    @declared_attr
    def size(cls) -> Mapped[int | None]:
        return mapped_column(Integer, nullable=cls.stored_file_optional)

    @declared_attr
    def sha256(cls) -> Mapped[str | None]:
        return mapped_column(String(64), nullable=cls.stored_file_optional)

    def keep_stored_file(self, stored) -> None:
        """Record the facts of a file store_upload just kept (a core.storage.StoredFile)."""
        self.storage_name, self.original_name, self.mime_type = stored.storage_name, stored.original_name, \
            stored.mime_type
        self.size, self.sha256 = stored.size, stored.sha256


def ruling_columns() -> tuple[MappedColumn, MappedColumn, MappedColumn]:
    """The column group every ruling carries besides its verdict, to unpack in a model under the model's own
    names: the written reason (text, empty until ruled), who ruled (a user; NULL once that account is deleted) and
    when — e.g. `ruling_reason, ruled_by_id, ruled_at = ruling_columns()`."""
    return (mapped_column(Text, nullable=False, default=""),
            mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
            mapped_column(DateTime, nullable=True))


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
