"""The outbox (one row per e-mail, written with the change that causes it, sent later by the worker), each user's
mail preferences and their private calendar feed."""
import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.auth.models import User
from qa_portal.core.models import string_enum, utcnow
from qa_portal.extensions import db


class MailStatus(enum.StrEnum):
    """Where an outbox message stands: queued until sent (or given up after the last retry); held for a daily
    digest, then digested into one digest message."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"
    DIGESTED = "digested"


class OutboxMessage(db.Model):
    """One e-mail to one recipient: rendered in their language when queued, with a Message-ID fixed at that moment
    so a resend after a crash is recognisably the same message."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_time"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(1000), default="")  # the one portal link it carries (for the digest)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    # A reminder's (task, due date, offset, recipient): the same reminder is never queued twice.
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[MailStatus] = mapped_column(string_enum(MailStatus, "mail_status", 20), default=MailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    recipient: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} → {self.to_address} {self.status}>"


class MailPreference(db.Model):
    """A user's choice: each message at once or one daily digest, and the optional categories they opted out of
    (account and security mail is always sent at once)."""

    __tablename__ = "mail_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    daily_digest: Mapped[bool] = mapped_column(default=False)
    opted_out: Mapped[list] = mapped_column(JSON, default=list)


class CalendarFeed(db.Model):
    """A user's private iCalendar feed: whoever holds the token reads their deadlines; a new token revokes the old."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
