"""Standard sets and their numbered versions: standards, criteria, compliance scale, consultation comments."""
import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.auth.models import User
from qa_portal.core.models import TimestampMixin, string_enum, utcnow
from qa_portal.extensions import db


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    CONSULTATION = "consultation"
    APPROVED = "approved"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


class VersionAction(enum.StrEnum):
    """The moves of a version's lifecycle (standards/workflow.py holds their table)."""

    OPEN_CONSULTATION = "open_consultation"
    APPROVE = "approve"
    WITHDRAW = "withdraw"
    SUPERSEDE = "supersede"


# Approved, superseded and withdrawn versions are frozen: any change means a new version.
LOCKED_STATUSES = frozenset({VersionStatus.APPROVED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN})
# Versions that were in force at some point and therefore keep a public, permanent URL.
PUBLISHED_STATUSES = frozenset({VersionStatus.APPROVED, VersionStatus.SUPERSEDED})


class StakeholderType(enum.StrEnum):
    HEI = "hei"
    STUDENT = "student"
    EMPLOYER = "employer"
    MINISTRY = "ministry"
    RECOGNITION_CENTRE = "recognition_centre"
    OTHER = "other"


class CommentResponse(enum.StrEnum):
    ACCEPTED = "accepted"
    PARTLY = "partly"
    NOT_ACCEPTED = "not_accepted"


VERSION_STATUS_ENUM = string_enum(VersionStatus, "version_status", 20)
STAKEHOLDER_ENUM = string_enum(StakeholderType, "stakeholder_type", 30)
RESPONSE_ENUM = string_enum(CommentResponse, "comment_response", 20)

# ESG 2015 Part 1 items and the Council Recommendation's ten principles (Annex II).
ESG_PART1_REFS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10"]
PRINCIPLE_REFS = list(range(1, 11))


class StandardSet(TimestampMixin, db.Model):
    """A family of QA standards (e.g. for micro-credentials) whose content lives in numbered versions."""

    __tablename__ = "standard_sets"
    __table_args__ = (CheckConstraint("code = lower(code)", name="code_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    title_hy: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")

    versions: Mapped[list["StandardVersion"]] = relationship(
        back_populates="standard_set", order_by="StandardVersion.number", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<StandardSet {self.code}>"


class StandardVersion(TimestampMixin, db.Model):
    """One numbered version of a set; its status only changes through standards.workflow."""

    __tablename__ = "standard_versions"
    __table_args__ = (
        UniqueConstraint("standard_set_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("status != 'withdrawn' OR withdrawn_reason IS NOT NULL", name="withdrawn_has_reason"),
        CheckConstraint("status NOT IN ('approved', 'superseded') OR approved_at IS NOT NULL",
                        name="approved_has_date"),
        CheckConstraint("status != 'superseded' OR superseded_at IS NOT NULL", name="superseded_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_set_id: Mapped[int] = mapped_column(ForeignKey("standard_sets.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    status: Mapped[VersionStatus] = mapped_column(VERSION_STATUS_ENUM, default=VersionStatus.DRAFT, index=True)
    decision_rule: Mapped[str] = mapped_column(Text, default="")
    change_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    consultation_opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    standard_set: Mapped[StandardSet] = relationship(back_populates="versions")
    standards: Mapped[list["Standard"]] = relationship(
        back_populates="version", order_by="Standard.position", cascade="all, delete-orphan"
    )
    levels: Mapped[list["ComplianceLevel"]] = relationship(
        back_populates="version", order_by="ComplianceLevel.position", cascade="all, delete-orphan"
    )
    comments: Mapped[list["ConsultationComment"]] = relationship(
        back_populates="version", order_by="ConsultationComment.id", cascade="all, delete-orphan"
    )
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def is_locked(self) -> bool:
        """True once the version is approved, superseded or withdrawn (its content is frozen)."""
        return self.status in LOCKED_STATUSES

    @property
    def is_published(self) -> bool:
        """True when the version has a public page: approved, superseded, or withdrawn after approval."""
        return self.status in PUBLISHED_STATUSES or (
            self.status == VersionStatus.WITHDRAWN and self.approved_at is not None
        )

    @property
    def label(self) -> str:
        return f"{self.standard_set.code} v{self.number}"

    def __repr__(self) -> str:
        return f"<StandardVersion {self.standard_set_id} v{self.number} {self.status}>"


class Standard(db.Model):
    """One standard of a version, with references to ESG Part 1 and the Council Recommendation's principles."""

    __tablename__ = "standards"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    statement: Mapped[str] = mapped_column(Text)
    guidelines: Mapped[str] = mapped_column(Text, default="")
    esg_refs: Mapped[list] = mapped_column(JSON, default=list)
    principle_refs: Mapped[list] = mapped_column(JSON, default=list)
    revision: Mapped[int] = mapped_column(Integer, default=1)  # compared on save: no lost edits

    __mapper_args__ = {"version_id_col": revision}

    version: Mapped[StandardVersion] = relationship(back_populates="standards")
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="standard", order_by="Criterion.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Standard {self.code}>"


class Criterion(db.Model):
    """A criterion under a standard; its code is unique in the whole version (it carries version_id for that)."""

    __tablename__ = "criteria"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    expected_evidence: Mapped[str] = mapped_column(Text, default="")
    mandatory: Mapped[bool] = mapped_column(default=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)  # compared on save: no lost edits

    __mapper_args__ = {"version_id_col": revision}

    standard: Mapped[Standard] = relationship(back_populates="criteria")

    def __repr__(self) -> str:
        return f"<Criterion {self.code}>"


class ComplianceLevel(db.Model):
    """One level of a version's compliance scale, in order from best to worst; one may mean "not applicable"."""

    __tablename__ = "compliance_levels"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    not_applicable: Mapped[bool] = mapped_column(default=False)

    revision: Mapped[int] = mapped_column(Integer, default=1)  # compared on save: no lost edits

    __mapper_args__ = {"version_id_col": revision}

    version: Mapped[StandardVersion] = relationship(back_populates="levels")

    def __repr__(self) -> str:
        return f"<ComplianceLevel {self.code}>"


class ConsultationComment(db.Model):
    """A stakeholder's comment on a version in consultation (on one standard or the whole), and the answer."""

    __tablename__ = "consultation_comments"
    __table_args__ = (
        CheckConstraint(
            "(response IS NULL AND answered_at IS NULL) OR "
            "(response IS NOT NULL AND answered_at IS NOT NULL AND answer_text IS NOT NULL)",
            name="answer_complete",
        ),
        Index("ix_consultation_comments_version_standard", "version_id", "standard_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id", ondelete="CASCADE"))
    standard_id: Mapped[int | None] = mapped_column(ForeignKey("standards.id", ondelete="RESTRICT"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stakeholder_type: Mapped[StakeholderType] = mapped_column(STAKEHOLDER_ENUM)
    # A comment received on paper, recorded by an officer on behalf of this organisation (issue 15); empty when
    # the author wrote it themselves (then the type comes from their account).
    on_behalf_of: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    response: Mapped[CommentResponse | None] = mapped_column(RESPONSE_ENUM)
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)

    version: Mapped[StandardVersion] = relationship(back_populates="comments")
    standard: Mapped[Standard | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    @property
    def is_answered(self) -> bool:
        return self.response is not None

    def __repr__(self) -> str:
        return f"<ConsultationComment {self.id}>"
