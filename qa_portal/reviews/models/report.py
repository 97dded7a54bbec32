"""The panel report: a working copy per standard, numbered versions frozen when sent or finalised, and the
HEI's factual-accuracy comments with the chair's answers."""
import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.auth.models import User
from qa_portal.core.models import ruling_columns, string_enum, utcnow
from qa_portal.extensions import db
from qa_portal.reviews.models.cases import Case

__all__ = ["ReportStatus", "ReportAction", "PanelReport", "ReportSection", "PanelReportVersion", "CommentResponseKind",
           "FactualComment"]


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"  # with the HEI for the factual-accuracy check
    FINAL = "final"


class ReportAction(enum.StrEnum):
    """The report's moves (REPORT_WORKFLOW in reviews/workflow.py), each set off by the case's own move."""

    SEND = "send"  # the case's send_for_factual_check
    FINALISE = "finalise"  # the case's finalise_report


class PanelReport(db.Model):
    """A case's panel report: overall conclusion, recommended outcome, and its status; final means frozen."""

    __tablename__ = "panel_reports"
    __table_args__ = (
        CheckConstraint("status <> 'final' OR (final_sha256 IS NOT NULL AND finalised_at IS NOT NULL)",
                        name="final_is_hashed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    status: Mapped[ReportStatus] = mapped_column(string_enum(ReportStatus, "report_status", 10),
                                                 default=ReportStatus.DRAFT)
    overall_conclusion: Mapped[str] = mapped_column(Text, default="")
    recommended_outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcomes.id", ondelete="RESTRICT"))
    # Required when the recommendation departs from the standards' decision rule (e.g. positive despite a
    # non-compliant mandatory criterion).
    recommendation_reason: Mapped[str] = mapped_column(Text, default="")
    factual_check_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The institution's declaration that it has no further comments (ends its factual-accuracy window).
    no_further_comments_at: Mapped[datetime | None] = mapped_column(DateTime)
    no_further_comments_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    final_sha256: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship()
    recommended_outcome = relationship("Outcome", lazy="joined")
    sections: Mapped[list["ReportSection"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportSection.position", lazy="selectin")
    versions: Mapped[list["PanelReportVersion"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="PanelReportVersion.number")
    comments: Mapped[list["FactualComment"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="FactualComment.id")


class ReportSection(db.Model):
    """The report's section on one standard: findings, strengths, areas for improvement, recommendations,
    and the panel's judgement of the standard on the case's scale."""

    __tablename__ = "report_sections"
    __table_args__ = (UniqueConstraint("report_id", "standard_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("panel_reports.id", ondelete="CASCADE"), index=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    areas_for_improvement: Mapped[str] = mapped_column(Text, default="")
    recommendations: Mapped[str] = mapped_column(Text, default="")
    level_id: Mapped[int | None] = mapped_column(ForeignKey("compliance_levels.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer, default=1)  # compared on save: no lost edits

    __mapper_args__ = {"version_id_col": version}

    report: Mapped[PanelReport] = relationship(back_populates="sections")
    standard = relationship("Standard", lazy="joined")
    level = relationship("ComplianceLevel", lazy="joined")


class PanelReportVersion(db.Model):
    """A numbered, frozen copy of the report (JSON of every section), made when it is sent, re-saved after
    sending, or finalised; the final one carries the SHA-256 of its canonical JSON."""

    __tablename__ = "panel_report_versions"
    __table_args__ = (UniqueConstraint("report_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("panel_reports.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    is_final: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    report: Mapped[PanelReport] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()


class CommentResponseKind(enum.StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class FactualComment(db.Model):
    """The HEI's factual-accuracy comment on a section of the draft, with optional evidence, and the answer."""

    __tablename__ = "factual_comments"
    __table_args__ = (
        CheckConstraint("length(trim(comment)) > 0", name="has_text"),
        CheckConstraint("response IS NULL OR length(trim(answer)) > 0", name="response_has_answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("panel_reports.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("report_sections.id", ondelete="SET NULL"))
    section_label: Mapped[str] = mapped_column(String(300))  # "Overall conclusion" or the standard's code and title
    comment: Mapped[str] = mapped_column(Text)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id", ondelete="RESTRICT"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    response: Mapped[CommentResponseKind | None] = mapped_column(
        string_enum(CommentResponseKind, "comment_response", 10))
    answer, answered_by_id, answered_at = ruling_columns()  # the chair's answer: its text, who, when

    report: Mapped[PanelReport] = relationship(back_populates="comments")
    section: Mapped[ReportSection | None] = relationship()
    evidence = relationship("Evidence")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
