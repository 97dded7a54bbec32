"""Micro-credential specifications: a stable micro-credential and its numbered, freezable versions."""
import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship
from sqlalchemy.sql.elements import ColumnElement

from qa_portal.auth.models import User
from qa_portal.core.models import TimestampMixin, string_enum
from qa_portal.extensions import db
from qa_portal.pilots.models.institutions import Institution


class SpecificationStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class SpecificationAction(enum.StrEnum):
    """The moves of a specification version's lifecycle (pilots/workflow.py holds their table)."""

    PUBLISH = "publish"
    PUBLISH_REVIEWED = "publish_reviewed"  # the system's: a published QA decision makes the reviewed version public
    WITHDRAW = "withdraw"


# The versions the public may read at their permanent URL (catalogue, register, API, exports): drafts never.
PUBLIC_SPECIFICATION_STATUSES = (SpecificationStatus.PUBLISHED, SpecificationStatus.WITHDRAWN)


class QaStatus(enum.StrEnum):
    """How far the agency has quality-assured the micro-credential (set by the review and decision steps)."""

    NOT_REVIEWED = "not_reviewed"
    UNDER_REVIEW = "under_review"
    QUALITY_ASSURED = "quality_assured"


class PublicQaStatus(enum.StrEnum):
    """The QA status the public is told (catalogue, register, API, DEQAR), never stored: derived from the decisions
    in force by pilots/services/qa_status.py's one SQL expression, else the stored QaStatus."""

    NOT_REVIEWED = "not_reviewed"
    UNDER_REVIEW = "under_review"
    QUALITY_ASSURED = "quality_assured"
    NOT_QUALITY_ASSURED = "not_quality_assured"
    EXPIRED = "expired"
    UNDER_APPEAL = "under_appeal"


class QfEheaCycle(enum.StrEnum):
    SHORT = "short"
    FIRST = "first"
    SECOND = "second"
    THIRD = "third"


class AssessmentType(enum.StrEnum):
    TESTING = "testing"
    SKILL_APPLICATION = "skill_application"
    PORTFOLIO = "portfolio"
    PRIOR_LEARNING = "prior_learning"
    OTHER = "other"


class ParticipationForm(enum.StrEnum):
    ONLINE = "online"
    ONSITE = "onsite"
    BLENDED = "blended"
    WORK_BASED = "work_based"
    OTHER = "other"


class Supervision(enum.StrEnum):
    """The three official values of Annex I for supervision and identity verification."""

    UNSUPERVISED_NO_ID = "unsupervised_no_id"
    SUPERVISED_NO_ID = "supervised_no_id"
    SUPERVISED_WITH_ID = "supervised_with_id"


class CertificateType(enum.StrEnum):
    """DEQAR's assessment_certification values."""

    ATTENDANCE = "attendance"
    ASSESSMENT_BASED = "assessment_based"
    NONE = "none"


class Stackability(enum.StrEnum):
    STANDALONE = "standalone"
    STACKABLE = "stackable"


class LearningMode(enum.StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    SELF_PACED = "self_paced"


# EQF level each QF-EHEA cycle corresponds to (DEQAR qf_ehea_level).
CYCLE_EQF_LEVEL = {QfEheaCycle.SHORT: 5, QfEheaCycle.FIRST: 6, QfEheaCycle.SECOND: 7, QfEheaCycle.THIRD: 8}


class MicroCredential(TimestampMixin, db.Model):
    """The stable identity of a micro-credential, owned by an institution; its content lives in versions."""

    __tablename__ = "micro_credentials"
    # The specification list pages by institution then id (an index scan, however many there are).
    __table_args__ = (Index("ix_micro_credentials_institution_id_id", "institution_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="RESTRICT"), index=True)
    qa_status: Mapped[QaStatus] = mapped_column(string_enum(QaStatus, "qa_status"), default=QaStatus.NOT_REVIEWED)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The derived public status, filled by a query that asks for it (pilots.services.qa_status.with_public_status).
    public_qa_status: Mapped[str | None] = query_expression()

    institution: Mapped[Institution] = relationship()
    created_by: Mapped[User | None] = relationship()
    versions: Mapped[list["SpecificationVersion"]] = relationship(
        back_populates="micro_credential", cascade="all, delete-orphan", order_by="SpecificationVersion.number"
    )

    @property
    def latest_version(self) -> "SpecificationVersion":
        """The newest version (the one an edit starts from)."""
        return self.versions[-1]

    @property
    def latest_published(self) -> "SpecificationVersion | None":
        """The newest published version, if any."""
        published = [v for v in self.versions if v.status == SpecificationStatus.PUBLISHED]
        return published[-1] if published else None

    def __repr__(self) -> str:
        return f"<MicroCredential {self.id}>"


class SpecificationVersion(TimestampMixin, db.Model):
    """One numbered version of a specification; frozen or published versions never change."""

    __tablename__ = "specification_versions"
    __table_args__ = (
        UniqueConstraint("micro_credential_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("ects IS NULL OR ects > 0", name="ects_positive"),
        CheckConstraint("notional_hours IS NULL OR notional_hours > 0", name="hours_positive"),
        CheckConstraint("eqf_level IS NULL OR (eqf_level BETWEEN 1 AND 8)", name="eqf_level_range"),
        CheckConstraint("NOT (eqf_not_applicable AND eqf_level IS NOT NULL)", name="eqf_level_or_not_applicable"),
        CheckConstraint("nqf_level IS NULL OR (nqf_level BETWEEN 1 AND 8)", name="nqf_level_range"),
        CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from", name="validity_order"),
        CheckConstraint("stackability <> 'stackable' OR stackable_towards <> ''", name="stackable_has_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    micro_credential_id: Mapped[int] = mapped_column(
        ForeignKey("micro_credentials.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[SpecificationStatus] = mapped_column(
        string_enum(SpecificationStatus, "specification_status"), default=SpecificationStatus.DRAFT, index=True
    )
    frozen_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(Integer, default=1)  # compared on save: no lost edits

    __mapper_args__ = {"version_id_col": revision}

    title_en: Mapped[str] = mapped_column(String(300))
    title_hy: Mapped[str] = mapped_column(String(300), default="")
    awarding_bodies: Mapped[list[str]] = mapped_column(JSON, default=list)
    issuer_countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    short_description: Mapped[str] = mapped_column(Text, default="")
    ects: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    ects_override_reason: Mapped[str] = mapped_column(Text, default="")
    notional_hours: Mapped[int | None] = mapped_column(Integer)
    # Why the notional hours fall outside 25–30 per ECTS credit (required then; issue 15).
    hours_reason: Mapped[str] = mapped_column(Text, default="")
    eqf_level: Mapped[int | None] = mapped_column(Integer, index=True)
    eqf_not_applicable: Mapped[bool] = mapped_column(default=False)
    nqf_level: Mapped[int | None] = mapped_column(Integer)
    qf_ehea_cycle: Mapped[QfEheaCycle | None] = mapped_column(string_enum(QfEheaCycle, "qf_ehea_cycle"))
    isced_f_code: Mapped[str] = mapped_column(String(4), default="", index=True)
    assessment_type: Mapped[AssessmentType | None] = mapped_column(string_enum(AssessmentType, "assessment_type"))
    assessment_details: Mapped[str] = mapped_column(Text, default="")
    participation_form: Mapped[ParticipationForm | None] = mapped_column(
        string_enum(ParticipationForm, "participation_form")
    )
    supervision: Mapped[Supervision | None] = mapped_column(string_enum(Supervision, "supervision"))
    grading_scale: Mapped[str] = mapped_column(String(300), default="")
    certificate_type: Mapped[CertificateType | None] = mapped_column(string_enum(CertificateType, "certificate_type"))
    prerequisites: Mapped[str] = mapped_column(Text, default="")
    stackability: Mapped[Stackability | None] = mapped_column(string_enum(Stackability, "stackability"))
    stackable_towards: Mapped[str] = mapped_column(String(300), default="")
    learning_mode: Mapped[LearningMode | None] = mapped_column(string_enum(LearningMode, "learning_mode"))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    qa_type: Mapped[str] = mapped_column(Text, default="")
    further_learning: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    micro_credential: Mapped[MicroCredential] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()
    outcomes: Mapped[list["LearningOutcome"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="LearningOutcome.position"
    )

    @property
    def frozen(self) -> bool:
        """True once an application or case uses this version."""
        return self.frozen_at is not None

    @property
    def locked(self) -> bool:
        """A frozen or already published/withdrawn version never changes; editing it makes a new version."""
        return self.frozen or self.status != SpecificationStatus.DRAFT

    @hybrid_property
    def is_public(self) -> bool:
        """Published and withdrawn versions are readable at their permanent public URL (in Python and in SQL)."""
        return self.status in PUBLIC_SPECIFICATION_STATUSES

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> ColumnElement[bool]:
        return cls.status.in_(PUBLIC_SPECIFICATION_STATUSES)

    def __repr__(self) -> str:
        return f"<SpecificationVersion {self.micro_credential_id} v{self.number}>"


class LearningOutcome(db.Model):
    """One learning outcome statement of a version, with optional ESCO skill URIs."""

    __tablename__ = "learning_outcomes"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("specification_versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    statement: Mapped[str] = mapped_column(Text)
    esco_uris: Mapped[list[str]] = mapped_column(JSON, default=list)

    version: Mapped[SpecificationVersion] = relationship(back_populates="outcomes")
