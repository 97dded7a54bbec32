"""Model helpers shared by every domain."""
from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    """The current time in UTC, naive, as every datetime column stores it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class TimestampMixin:
    """created_at / updated_at columns maintained by SQLAlchemy."""

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
