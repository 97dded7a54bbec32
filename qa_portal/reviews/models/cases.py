"""Review cases: one per selected pilot application, bound to frozen specification and standard versions."""
import enum
from datetime import datetime, timedelta

from sqlalchemy import (
    JSON, CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.auth.models import User
from qa_portal.core.models import StoredFileMixin, TimestampMixin, string_enum, utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import Application, Institution

__all__ = ["CaseState", "Case", "CaseSpecification", "CaseAction", "CaseEvent", "SelfEvaluation", "SerEntry",
           "SerDraft", "SerSubmission", "EvidenceType", "Confidentiality", "Evidence", "CASE_STATE_ENUM",
           "SER_PREPARATION_DAYS", "default_ser_due_at", "evidence_criteria"]


class CaseState(enum.StrEnum):
    """Every state of SPEC §2.3, so later stages add guards, not states (reviews/workflow.py moves them)."""

    SER_IN_PREPARATION = "ser_in_preparation"
    SER_SUBMITTED = "ser_submitted"
    PANEL_FORMATION = "panel_formation"
    DESK_REVIEW = "desk_review"
    SITE_VISIT = "site_visit"
    REPORT_DRAFTING = "report_drafting"
    FACTUAL_ACCURACY = "factual_accuracy"
    DECISION_PENDING = "decision_pending"
    DECIDED = "decided"
    PUBLISHED = "published"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"
    APPEAL_LODGED = "appeal_lodged"
    APPEAL_DECIDED = "appeal_decided"
    WITHDRAWN = "withdrawn"


CASE_STATE_ENUM = string_enum(CaseState, "case_state")


# An HEI gets this long to write its SER once its case opens (officers may set another date).
SER_PREPARATION_DAYS = 90


def default_ser_due_at() -> datetime:
    """The default SER due date of a new case: SER_PREPARATION_DAYS from now."""
    return utcnow() + timedelta(days=SER_PREPARATION_DAYS)


class Case(TimestampMixin, db.Model):
    """A review case; its standard-set version and specification versions are frozen at opening."""

    __tablename__ = "cases"
    # The case list pages newest first, overall and by stage, as an index scan however deep the page; the overdue
    # filter counts SERs in preparation past their due date from an index too.
    __table_args__ = (Index("ix_cases_created_at_id", "created_at", "id"),
                      Index("ix_cases_state_created_at_id", "state", "created_at", "id"),
                      Index("ix_cases_state_ser_due_at", "state", "ser_due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="RESTRICT"), index=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT"), unique=True
    )
    standard_version_id: Mapped[int] = mapped_column(
        ForeignKey("standard_versions.id", ondelete="RESTRICT"), index=True
    )
    state: Mapped[CaseState] = mapped_column(CASE_STATE_ENUM, default=CaseState.SER_IN_PREPARATION, index=True)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    ser_due_at: Mapped[datetime | None] = mapped_column(DateTime, default=default_ser_due_at)
    # The institution's confirmation that it has no objection to the proposed panel (ends its objection window).
    no_objection_at: Mapped[datetime | None] = mapped_column(DateTime)
    no_objection_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    institution: Mapped[Institution] = relationship(lazy="joined")
    application: Mapped[Application | None] = relationship()
    standard_version = relationship("StandardVersion")
    specification_links: Mapped[list["CaseSpecification"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseSpecification.id", lazy="selectin"
    )

    coordinator: Mapped[User | None] = relationship(foreign_keys=[coordinator_id])
    events: Mapped[list["CaseEvent"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseEvent.id", passive_deletes=True
    )
    evidence: Mapped[list["Evidence"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Evidence.id", passive_deletes=True
    )

    @property
    def ser_overdue(self) -> bool:
        """The SER is still in preparation after its due date."""
        return (self.state == CaseState.SER_IN_PREPARATION and self.ser_due_at is not None
                and self.ser_due_at < utcnow())

    def __repr__(self) -> str:
        return f"<Case {self.reference} {self.state}>"


class CaseSpecification(db.Model):
    """A frozen micro-credential specification version the case reviews."""

    __tablename__ = "case_specifications"
    __table_args__ = (UniqueConstraint("case_id", "specification_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    specification_version_id: Mapped[int] = mapped_column(
        ForeignKey("specification_versions.id", ondelete="RESTRICT"), index=True
    )

    case: Mapped[Case] = relationship(back_populates="specification_links")
    specification_version = relationship("SpecificationVersion", lazy="joined")


# --- workflow: actions and the case timeline (reviews/workflow.py is the only writer of Case.state) ---------

class CaseAction(enum.StrEnum):
    """Every action of the case lifecycle; CASE_WORKFLOW (reviews/workflow.py, with the rows the decisions stage
    registers) maps each to its sources, target and rules."""

    SUBMIT_SER = "submit_ser"
    RETURN_SER = "return_ser"
    ACCEPT_SER = "accept_ser"
    START_REVIEW = "start_review"
    START_SITE_VISIT = "start_site_visit"
    SKIP_SITE_VISIT = "skip_site_visit"
    CLOSE_SITE_VISIT = "close_site_visit"
    SEND_FOR_FACTUAL_CHECK = "send_for_factual_check"
    FINALISE_REPORT = "finalise_report"
    DECIDE = "decide"
    PUBLISH = "publish"
    START_FOLLOW_UP = "start_follow_up"
    REQUIRE_REDECISION = "require_redecision"
    CLOSE_CASE = "close_case"
    LODGE_APPEAL = "lodge_appeal"
    UPHOLD_DECISION = "uphold_decision"
    RETURN_FOR_RECONSIDERATION = "return_for_reconsideration"
    DISMISS_APPEAL = "dismiss_appeal"
    WITHDRAW = "withdraw"


class CaseEvent(db.Model):
    """One step of a case's timeline: who moved it from which state to which, when, and why."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    action: Mapped[CaseAction] = mapped_column(string_enum(CaseAction, "case_action"))
    from_state: Mapped[CaseState] = mapped_column(string_enum(CaseState, "case_event_from_state"))
    to_state: Mapped[CaseState] = mapped_column(string_enum(CaseState, "case_event_to_state"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    comment: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")


# --- self-evaluation report (SER) --------------------------------------------------------------------------

class SelfEvaluation(db.Model):
    """The SER-level texts of a case (summary, strengths, weaknesses, improvement plan) with an edit counter."""

    __tablename__ = "self_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    weaknesses: Mapped[str] = mapped_column(Text, default="")
    improvement_plan: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __mapper_args__ = {"version_id_col": version}


class SerEntry(db.Model):
    """The HEI's answer to one criterion: narrative (plain text), self-rating, justification when no evidence."""

    __tablename__ = "ser_entries"
    __table_args__ = (UniqueConstraint("case_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="RESTRICT"), index=True)
    narrative: Mapped[str] = mapped_column(Text, default="")
    level_id: Mapped[int | None] = mapped_column(ForeignKey("compliance_levels.id", ondelete="RESTRICT"))
    justification: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __mapper_args__ = {"version_id_col": version}

    level = relationship("ComplianceLevel", lazy="joined")
    updated_by: Mapped[User | None] = relationship()

    @property
    def is_answered(self) -> bool:
        """A criterion counts as answered once it has a narrative and a self-rating."""
        return bool(self.narrative.strip()) and self.level_id is not None


class SerDraft(db.Model):
    """One user's unsaved typing on one criterion's entry, kept as they type (or when they save another criterion),
    so a failed save or a lost connection loses nothing; dropped when the entry is saved."""

    __tablename__ = "ser_drafts"
    __table_args__ = (UniqueConstraint("case_id", "criterion_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    narrative: Mapped[str] = mapped_column(Text, default="")
    level_id: Mapped[int | None] = mapped_column(ForeignKey("compliance_levels.id", ondelete="SET NULL"))
    justification: Mapped[str] = mapped_column(Text, default="")
    evidence_ids: Mapped[list] = mapped_column(JSON, default=list)
    base_version: Mapped[int | None] = mapped_column(Integer)  # the entry's version the typing started from
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SerSubmission(db.Model):
    """A frozen copy of the SER as submitted (texts, ratings, evidence with checksums), and how it was screened."""

    __tablename__ = "ser_submissions"
    __table_args__ = (
        UniqueConstraint("case_id", "number"),
        CheckConstraint("returned_at IS NULL OR length(trim(return_reasons)) > 0", name="returned_has_reasons"),
        CheckConstraint("NOT (returned_at IS NOT NULL AND accepted_at IS NOT NULL)", name="returned_or_accepted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    return_reasons: Mapped[str | None] = mapped_column(Text)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])


# --- evidence files ----------------------------------------------------------------------------------------

class EvidenceType(enum.StrEnum):
    POLICY = "policy"
    SYLLABUS = "syllabus"
    ASSESSMENT_SAMPLE = "assessment_sample"
    FEEDBACK_DATA = "feedback_data"
    OTHER = "other"


class Confidentiality(enum.StrEnum):
    PUBLIC = "public"
    PANEL_ONLY = "panel_only"


evidence_criteria = Table(
    "evidence_criteria",
    db.metadata,
    Column("evidence_id", ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True),
    Column("criterion_id", ForeignKey("criteria.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Evidence(StoredFileMixin, db.Model):
    """An evidence file of a case, stored under a random name with its SHA-256; linkable to many criteria."""

    __tablename__ = "evidence"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    evidence_type: Mapped[EvidenceType] = mapped_column(string_enum(EvidenceType, "evidence_type"))
    language: Mapped[str] = mapped_column(String(8))
    confidentiality: Mapped[Confidentiality] = mapped_column(string_enum(Confidentiality, "confidentiality", 20))
    kind: Mapped[str] = mapped_column(String(10))  # the stored file's columns come from StoredFileMixin
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="evidence")
    criteria = relationship("Criterion", secondary=evidence_criteria, lazy="selectin", order_by="Criterion.code")
    uploaded_by: Mapped[User | None] = relationship()
