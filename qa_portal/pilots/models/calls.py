"""Outcome schemes (as data), pilot calls, applications and the selection of pilot institutions."""
import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.auth.models import User
from qa_portal.core.models import TimestampMixin, string_enum, utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models.institutions import Institution


class OutcomeKind(enum.StrEnum):
    POSITIVE = "positive"
    CONDITIONAL = "conditional"
    NEGATIVE = "negative"


class DeqarDecision(enum.StrEnum):
    """DEQAR Submission API v2 decision vocabulary (reference/deqar.md)."""

    POSITIVE = "positive"
    POSITIVE_WITH_CONDITIONS = "positive with conditions or restrictions"
    NEGATIVE = "negative"
    NOT_APPLICABLE = "not applicable"


class OutcomeScheme(TimestampMixin, db.Model):
    """A named set of outcomes a council may decide; a call names the scheme its decisions use."""

    __tablename__ = "outcome_schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_hy: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    outcomes: Mapped[list["Outcome"]] = relationship(
        back_populates="scheme", cascade="all, delete-orphan", order_by="Outcome.position", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<OutcomeScheme {self.code}>"


class Outcome(db.Model):
    """One possible decision of a scheme, with its validity, conditions rule and DEQAR value."""

    __tablename__ = "outcomes"
    __table_args__ = (
        UniqueConstraint("scheme_id", "code"),
        CheckConstraint("kind <> 'negative' OR max_validity_years IS NULL", name="negative_has_no_validity"),
        CheckConstraint("kind = 'negative' OR max_validity_years > 0", name="validity_positive"),
        CheckConstraint(
            "(conditions_required AND kind = 'conditional' AND max_condition_window_months > 0)"
            " OR (NOT conditions_required AND max_condition_window_months IS NULL)",
            name="conditions_window",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("outcome_schemes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(40))
    label_en: Mapped[str] = mapped_column(String(200))
    label_hy: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OutcomeKind] = mapped_column(string_enum(OutcomeKind, "outcome_kind", 20))
    max_validity_years: Mapped[int | None] = mapped_column(Integer)
    conditions_required: Mapped[bool] = mapped_column(default=False)
    max_condition_window_months: Mapped[int | None] = mapped_column(Integer)
    deqar_decision: Mapped[DeqarDecision] = mapped_column(string_enum(DeqarDecision, "deqar_decision", 60))

    scheme: Mapped[OutcomeScheme] = relationship(back_populates="outcomes")

    def label(self, locale: str = "en") -> str:
        """The outcome's label in the visitor's language (English when Armenian is missing)."""
        return self.label_hy if locale == "hy" and self.label_hy else self.label_en


class CallStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    SELECTION_DONE = "selection_done"


class CallAction(enum.StrEnum):
    """The moves of a call's lifecycle (pilots/workflow.py holds their table)."""

    OPEN = "open"
    CLOSE = "close"
    COMPLETE_SELECTION = "complete_selection"


class Call(TimestampMixin, db.Model):
    """A pilot call bound to one approved standard-set version; only its workflow (pilots/workflow.py) writes `status`."""

    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("max_pilots >= 1", name="max_pilots_positive"),
        CheckConstraint("status <> 'selection_done' OR selection_completed_at IS NOT NULL",
                        name="selection_done_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    eligibility: Mapped[str] = mapped_column(Text, default="")
    standard_version_id: Mapped[int] = mapped_column(
        ForeignKey("standard_versions.id", ondelete="RESTRICT"), index=True
    )
    outcome_scheme_id: Mapped[int] = mapped_column(ForeignKey("outcome_schemes.id", ondelete="RESTRICT"), index=True)
    opens_at: Mapped[datetime] = mapped_column(DateTime)
    closes_at: Mapped[datetime] = mapped_column(DateTime)
    max_pilots: Mapped[int] = mapped_column(Integer)
    status: Mapped[CallStatus] = mapped_column(string_enum(CallStatus, "call_status", 20), default=CallStatus.DRAFT)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    selection_completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    standard_version = relationship("StandardVersion", lazy="joined")
    outcome_scheme: Mapped[OutcomeScheme] = relationship(lazy="joined")
    criteria: Mapped[list["SelectionCriterion"]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="SelectionCriterion.position",
        lazy="selectin",
    )
    applications: Mapped[list["Application"]] = relationship(back_populates="call")

    def accepts_submissions(self, now: datetime) -> bool:
        """Open, and between the opening and closing date-times."""
        return self.status == CallStatus.OPEN and self.opens_at <= now < self.closes_at

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.status}>"


class SelectionCriterion(db.Model):
    """One criterion officers score applications against; its weight counts in the ranking."""

    __tablename__ = "selection_criteria"
    __table_args__ = (CheckConstraint("weight >= 1 AND weight <= 100", name="weight_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer, default=1)

    call: Mapped[Call] = relationship(back_populates="criteria")


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class ApplicationAction(enum.StrEnum):
    """The moves of an application's lifecycle (pilots/workflow.py holds their table)."""

    SUBMIT = "submit"
    WITHDRAW = "withdraw"


class Application(TimestampMixin, db.Model):
    """An institution's application to a call with its micro-credential specifications."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("status <> 'submitted' OR submitted_at IS NOT NULL", name="submitted_has_time"),
        CheckConstraint("status <> 'withdrawn' OR (withdrawn_at IS NOT NULL AND withdrawal_reason <> '')",
                        name="withdrawn_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="RESTRICT"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="RESTRICT"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        string_enum(ApplicationStatus, "application_status", 20), default=ApplicationStatus.DRAFT
    )
    motivation: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    call: Mapped[Call] = relationship(back_populates="applications")
    institution: Mapped[Institution] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    specification_links: Mapped[list["ApplicationSpecification"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", lazy="selectin",
        order_by="ApplicationSpecification.id",
    )
    scores: Mapped[list["SelectionScore"]] = relationship(back_populates="application", cascade="all, delete-orphan")
    decision: Mapped["SelectionDecision | None"] = relationship(
        back_populates="application", cascade="all, delete-orphan", uselist=False
    )

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.status}>"


class ApplicationSpecification(db.Model):
    """A specification an application puts forward; the version is frozen when the application is submitted."""

    __tablename__ = "application_specifications"
    __table_args__ = (UniqueConstraint("application_id", "specification_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    specification_id: Mapped[int] = mapped_column(ForeignKey("micro_credentials.id", ondelete="RESTRICT"), index=True)
    specification_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("specification_versions.id", ondelete="RESTRICT"), index=True
    )

    application: Mapped[Application] = relationship(back_populates="specification_links")
    specification = relationship("MicroCredential", lazy="joined")
    specification_version = relationship("SpecificationVersion", lazy="joined")


class SelectionScore(TimestampMixin, db.Model):
    """One officer's score (0–5, with comment) of one application on one selection criterion."""

    __tablename__ = "selection_scores"
    __table_args__ = (
        UniqueConstraint("application_id", "criterion_id", "officer_id"),
        CheckConstraint("score >= 0 AND score <= 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("selection_criteria.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(back_populates="scores")
    criterion: Mapped[SelectionCriterion] = relationship()
    officer: Mapped[User] = relationship()


class SelectionOutcome(enum.StrEnum):
    SELECTED = "selected"
    RESERVE = "reserve"
    NOT_SELECTED = "not_selected"


class SelectionDecision(db.Model):
    """The agency's selection result for one application, with its required written rationale."""

    __tablename__ = "selection_decisions"
    __table_args__ = (CheckConstraint("length(trim(rationale)) > 0", name="rationale_required"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    outcome: Mapped[SelectionOutcome] = mapped_column(string_enum(SelectionOutcome, "selection_outcome", 20))
    rationale: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="decision")
    decided_by: Mapped[User | None] = relationship()
