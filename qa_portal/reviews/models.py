"""Review cases: one per selected pilot application, bound to frozen specification and standard versions."""
import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.core.models import TimestampMixin
from qa_portal.extensions import db
from qa_portal.pilots.models import Application, Institution


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


CASE_STATE_ENUM = Enum(
    CaseState, name="case_state", native_enum=False, create_constraint=True, length=30,
    values_callable=lambda members: [member.value for member in members],
)


class Case(TimestampMixin, db.Model):
    """A review case; its standard-set version and specification versions are frozen at opening."""

    __tablename__ = "cases"

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

    institution: Mapped[Institution] = relationship(lazy="joined")
    application: Mapped[Application | None] = relationship()
    standard_version = relationship("StandardVersion")
    specification_links: Mapped[list["CaseSpecification"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseSpecification.id", lazy="selectin"
    )

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
