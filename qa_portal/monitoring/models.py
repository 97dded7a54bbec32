"""Offerings (cohorts) of published micro-credentials with aggregate learner counts and outcomes, the periods the
agency has locked, and the anonymous feedback surveys sent after a case's publication."""
import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.core.models import TimestampMixin, string_enum, utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, SpecificationVersion
from qa_portal.standards.models import StakeholderType

__all__ = ["OfferingMode", "Offering", "LockedPeriod", "AGE_BANDS", "GENDER_BANDS", "PRIOR_EDUCATION_BANDS",
           "OUTCOME_COUNTS", "OfferingTotal", "RespondentRole", "SurveyInvitation", "SurveyAnswer", "StandardUsefulness",
           "StakeholderContact", "OpenComment", "ConsensusSummary"]


class OfferingMode(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    BLENDED = "blended"


# Each group of bands counts every enrolled learner once (checked by the service and by the database).
AGE_BANDS = ("age_under_25", "age_25_34", "age_35_49", "age_50_plus")
GENDER_BANDS = ("gender_female", "gender_male", "gender_other")
PRIOR_EDUCATION_BANDS = ("prior_secondary", "prior_bachelor", "prior_master")
# Six months after completion: how many of those who completed were employed, promoted, in further study.
OUTCOME_COUNTS = ("employed_after", "promoted_after", "continued_study_after")


def _sum(columns) -> str:
    return " + ".join(columns)


class Offering(TimestampMixin, db.Model):
    """One cohort of a published micro-credential: dates, mode, counts only (never a learner's personal data)."""

    __tablename__ = "offerings"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("enrolled >= 0", name="enrolled_not_negative"),
        CheckConstraint("completed >= 0 AND completed <= enrolled", name="completed_within_enrolled"),
        CheckConstraint(f"{_sum(AGE_BANDS)} = enrolled", name="age_bands_sum"),
        CheckConstraint(f"{_sum(GENDER_BANDS)} = enrolled", name="gender_bands_sum"),
        CheckConstraint(f"{_sum(PRIOR_EDUCATION_BANDS)} = enrolled", name="prior_education_bands_sum"),
        CheckConstraint("employed_at_enrolment >= 0 AND employed_at_enrolment <= enrolled",
                        name="employed_within_enrolled"),
        CheckConstraint("satisfaction_respondents >= 0 AND satisfaction_respondents <= enrolled",
                        name="respondents_within_enrolled"),
        CheckConstraint("(satisfaction_mean IS NULL AND satisfaction_respondents = 0) OR "
                        "(satisfaction_mean >= 1 AND satisfaction_mean <= 5 AND satisfaction_respondents > 0)",
                        name="satisfaction_mean_range"),
        *(CheckConstraint(f"{name} IS NULL OR ({name} >= 0 AND {name} <= completed)", name=f"{name}_within_completed")
          for name in OUTCOME_COUNTS),
        *(CheckConstraint(f"{name} >= 0", name=f"{name}_not_negative")
          for name in AGE_BANDS + GENDER_BANDS + PRIOR_EDUCATION_BANDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="RESTRICT"), index=True)
    specification_version_id: Mapped[int] = mapped_column(
        ForeignKey("specification_versions.id", ondelete="RESTRICT"), index=True)
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    mode: Mapped[OfferingMode] = mapped_column(string_enum(OfferingMode, "offering_mode", 20))
    enrolled: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    age_under_25: Mapped[int] = mapped_column(Integer, default=0)
    age_25_34: Mapped[int] = mapped_column(Integer, default=0)
    age_35_49: Mapped[int] = mapped_column(Integer, default=0)
    age_50_plus: Mapped[int] = mapped_column(Integer, default=0)
    gender_female: Mapped[int] = mapped_column(Integer, default=0)
    gender_male: Mapped[int] = mapped_column(Integer, default=0)
    gender_other: Mapped[int] = mapped_column(Integer, default=0)
    employed_at_enrolment: Mapped[int] = mapped_column(Integer, default=0)
    prior_secondary: Mapped[int] = mapped_column(Integer, default=0)
    prior_bachelor: Mapped[int] = mapped_column(Integer, default=0)
    prior_master: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction_mean: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    satisfaction_respondents: Mapped[int] = mapped_column(Integer, default=0)
    employed_after: Mapped[int | None] = mapped_column(Integer)
    promoted_after: Mapped[int | None] = mapped_column(Integer)
    continued_study_after: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    institution: Mapped[Institution] = relationship()
    specification_version: Mapped[SpecificationVersion] = relationship(lazy="joined")

    @property
    def period(self) -> int:
        """The reporting period (calendar year of the start) the agency locks as a whole."""
        return self.starts_on.year

    def __repr__(self) -> str:
        return f"<Offering {self.id} of version {self.specification_version_id}>"


class OfferingTotal(db.Model):
    """The sums of one specification version's offerings, kept by the offering services in the same transaction
    (services/offering_totals.py), so the dashboard aggregates one row per version instead of every offering."""

    __tablename__ = "offering_totals"

    specification_version_id: Mapped[int] = mapped_column(
        ForeignKey("specification_versions.id", ondelete="CASCADE"), primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"), index=True)
    offerings: Mapped[int] = mapped_column(Integer)
    enrolled: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    satisfaction_points: Mapped[Decimal] = mapped_column(Numeric(14, 2))  # Σ mean × respondents
    satisfaction_respondents: Mapped[int] = mapped_column(Integer)
    employed_after: Mapped[int] = mapped_column(Integer)
    outcome_completed: Mapped[int] = mapped_column(Integer)  # completed learners of offerings whose outcomes are known


class LockedPeriod(db.Model):
    """A reporting year the agency has locked: its offerings can no longer be added, changed or removed."""

    __tablename__ = "locked_periods"
    __table_args__ = (CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    locked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


# --- feedback after publication ----------------------------------------------------------------------------------

class RespondentRole(enum.StrEnum):
    INSTITUTION = "institution"
    PANEL_MEMBER = "panel_member"


class SurveyInvitation(db.Model):
    """Who was asked for feedback on a published case, and whether they answered (not what: answers are anonymous)."""

    __tablename__ = "survey_invitations"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    respondent_role: Mapped[RespondentRole] = mapped_column(string_enum(RespondentRole, "respondent_role", 20))
    invited_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)

    case = relationship("Case", lazy="joined")
    user = relationship("User")


class SurveyAnswer(db.Model):
    """One anonymous answer: it names the case and the respondent's role, never the person (shown only aggregated)."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        CheckConstraint("clarity BETWEEN 1 AND 5", name="clarity_range"),
        CheckConstraint("workload BETWEEN 1 AND 5", name="workload_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    respondent_role: Mapped[RespondentRole] = mapped_column(string_enum(RespondentRole, "answer_respondent_role", 20))
    clarity: Mapped[int] = mapped_column(Integer)
    workload: Mapped[int] = mapped_column(Integer)
    comments: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date] = mapped_column(Date)  # a day, not a time: an answer cannot be matched to its invitation

    usefulness: Mapped[list["StandardUsefulness"]] = relationship(back_populates="answer",
                                                                  cascade="all, delete-orphan")


class StandardUsefulness(db.Model):
    """How useful one standard was to a respondent's review (1 not at all … 5 very)."""

    __tablename__ = "standard_usefulness"
    __table_args__ = (UniqueConstraint("answer_id", "standard_id"),
                      CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("survey_answers.id", ondelete="CASCADE"), index=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id", ondelete="RESTRICT"), index=True)
    rating: Mapped[int] = mapped_column(Integer)

    answer: Mapped[SurveyAnswer] = relationship(back_populates="usefulness")


# --- consultation open to stakeholders without an account ------------------------------------------------------

class StakeholderContact(db.Model):
    """Someone without an account who takes part in consultations: an e-mail address confirmed by a one-time link,
    and an organisation and stakeholder type they declare themselves (never checked: marked self-declared)."""

    __tablename__ = "stakeholder_contacts"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    organisation: Mapped[str] = mapped_column(String(300))
    stakeholder_type: Mapped[StakeholderType] = mapped_column(
        string_enum(StakeholderType, "contact_stakeholder_type", 30))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # SHA-256 of the pending link's token
    token_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OpenComment(db.Model):
    """A self-declared stakeholder's comment on a version in consultation (on one standard or the whole)."""

    __tablename__ = "open_comments"
    __table_args__ = (CheckConstraint("length(trim(text)) > 0", name="has_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_contacts.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id", ondelete="CASCADE"), index=True)
    standard_id: Mapped[int | None] = mapped_column(ForeignKey("standards.id", ondelete="RESTRICT"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    contact: Mapped[StakeholderContact] = relationship(lazy="joined")
    standard = relationship("Standard")


class ConsensusSummary(db.Model):
    """What an approved version changed in response to which comments, and why others were not taken up; public on
    the version's page."""

    __tablename__ = "consensus_summaries"
    __table_args__ = (CheckConstraint("length(trim(text)) > 0", name="has_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    written_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
