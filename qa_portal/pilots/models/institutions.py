"""Institutions and the membership that links HEI quality-unit users to them."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.auth.models import User
from qa_portal.core.models import TimestampMixin, utcnow
from qa_portal.extensions import db


class Institution(TimestampMixin, db.Model):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(300))
    name_hy: Mapped[str | None] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(40), unique=True)

    memberships: Mapped[list["InstitutionMembership"]] = relationship(
        back_populates="institution", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Institution {self.short_name}>"


class InstitutionMembership(db.Model):
    """A user who works for an institution's quality unit."""

    __tablename__ = "institution_memberships"
    __table_args__ = (UniqueConstraint("user_id", "institution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"), index=True)
    since: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()
    institution: Mapped[Institution] = relationship(back_populates="memberships")
