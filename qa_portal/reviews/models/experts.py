"""The expert pool: profiles of the people who sit on panels, their fields, languages and dated affiliations."""
import enum
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.auth.models import User
from qa_portal.core.models import TimestampMixin, string_enum
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution

__all__ = ["ExpertType", "ExpertProfile", "ExpertField", "ExpertLanguage", "ExpertAffiliation"]


class ExpertType(enum.StrEnum):
    """The perspective an expert brings to a panel (ESG 2.4: peers, students, employers, international)."""

    ACADEMIC = "academic"
    STUDENT = "student"
    EMPLOYER = "employer"
    QA_PROFESSIONAL = "qa_professional"
    INTERNATIONAL = "international"


class ExpertProfile(TimestampMixin, db.Model):
    """An expert's profile, one per user: type, country, training, availability, fields and languages."""

    __tablename__ = "expert_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    expert_type: Mapped[ExpertType] = mapped_column(string_enum(ExpertType, "expert_type", 20), index=True)
    country: Mapped[str] = mapped_column(String(2), default="AM")
    training_date: Mapped[date | None] = mapped_column(Date)
    # A student expert's student status (enrolment) from and until: a student seat needs it current on the day the
    # desk review starts (issue 15).
    student_status_from: Mapped[date | None] = mapped_column(Date)
    student_status_until: Mapped[date | None] = mapped_column(Date)
    available: Mapped[bool] = mapped_column(default=True)
    biography: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(lazy="joined")
    fields: Mapped[list["ExpertField"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ExpertField.isced_code", lazy="selectin")
    languages: Mapped[list["ExpertLanguage"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ExpertLanguage.language", lazy="selectin")
    affiliations: Mapped[list["ExpertAffiliation"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ExpertAffiliation.started_on",
        lazy="selectin")

    def __repr__(self) -> str:
        return f"<ExpertProfile user={self.user_id} {self.expert_type}>"


class ExpertField(db.Model):
    """One field of expertise of an expert, as an ISCED-F 2013 code."""

    __tablename__ = "expert_fields"

    profile_id: Mapped[int] = mapped_column(ForeignKey("expert_profiles.id", ondelete="CASCADE"), primary_key=True)
    isced_code: Mapped[str] = mapped_column(String(4), primary_key=True, index=True)

    profile: Mapped[ExpertProfile] = relationship(back_populates="fields")


class ExpertLanguage(db.Model):
    """One working language of an expert (ISO 639-1 code)."""

    __tablename__ = "expert_languages"

    profile_id: Mapped[int] = mapped_column(ForeignKey("expert_profiles.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)

    profile: Mapped[ExpertProfile] = relationship(back_populates="languages")


class ExpertAffiliation(db.Model):
    """A dated affiliation (institution from the list or by name, role, from, to; no end = current)."""

    __tablename__ = "expert_affiliations"
    __table_args__ = (
        CheckConstraint("institution_id IS NOT NULL OR length(trim(institution_name)) > 0",
                        name="names_institution"),
        CheckConstraint("ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="RESTRICT"), index=True)
    institution_name: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    profile: Mapped[ExpertProfile] = relationship(back_populates="affiliations")
    institution: Mapped[Institution | None] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        """The institution's name as listed, or as typed when it is not in the list."""
        return self.institution.name_en if self.institution is not None else self.institution_name
