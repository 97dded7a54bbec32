"""Institutions and the membership that links HEI quality-unit users to them."""
import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.auth.models import User
from qa_portal.core.models import TimestampMixin, string_enum, utcnow
from qa_portal.extensions import db


class InstitutionType(enum.StrEnum):
    UNIVERSITY = "university"
    OTHER_PROVIDER = "other_provider"


INSTITUTION_TYPE_ENUM = string_enum(InstitutionType, "institution_type", 20)


class Institution(TimestampMixin, db.Model):
    """A higher education institution or other provider taking part in the pilots."""

    __tablename__ = "institutions"
    __table_args__ = (
        CheckConstraint("deqar_id IS NULL OR deqar_id LIKE 'DEQARINST%'", name="deqar_id_prefix"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(300))
    name_hy: Mapped[str | None] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(40), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    national_id: Mapped[str | None] = mapped_column(String(60))
    deqar_id: Mapped[str | None] = mapped_column(String(30), unique=True)
    eter_id: Mapped[str | None] = mapped_column(String(30))
    website: Mapped[str | None] = mapped_column(String(300))
    institution_type: Mapped[InstitutionType | None] = mapped_column(INSTITUTION_TYPE_ENUM)

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
