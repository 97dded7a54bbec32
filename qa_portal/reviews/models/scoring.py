"""Desk review and site visit: each member's judgement per criterion, the panel's consensus, the visit's agenda."""
import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, \
    UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.auth.models import User
from qa_portal.core.models import string_enum, utcnow
from qa_portal.extensions import db
from qa_portal.reviews.models.cases import Case
from qa_portal.reviews.models.panel import PanelMember

__all__ = ["Judgement", "judgement_evidence", "ConsensusJudgement", "VisitMode", "SiteVisit",
           "StakeholderGroup", "VisitSession", "visit_session_standards"]


judgement_evidence = Table(
    "judgement_evidence",
    db.metadata,
    Column("judgement_id", ForeignKey("judgements.id", ondelete="CASCADE"), primary_key=True),
    Column("evidence_id", ForeignKey("evidence.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Judgement(db.Model):
    """One member's judgement of one criterion: a level of the case's scale, the rationale, evidence relied on."""

    __tablename__ = "judgements"
    __table_args__ = (UniqueConstraint("member_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="RESTRICT"), index=True)
    level_id: Mapped[int | None] = mapped_column(ForeignKey("compliance_levels.id", ondelete="RESTRICT"))
    rationale: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)  # compared on save: no lost edits

    __mapper_args__ = {"version_id_col": version}

    member: Mapped[PanelMember] = relationship()
    level = relationship("ComplianceLevel", lazy="joined")
    evidence = relationship("Evidence", secondary=judgement_evidence, lazy="selectin", order_by="Evidence.id")

    @property
    def is_complete(self) -> bool:
        """A judgement counts once it has a level and a written rationale."""
        return self.level_id is not None and bool(self.rationale.strip())


class ConsensusJudgement(db.Model):
    """The panel's agreed judgement of one criterion, recorded by the chair."""

    __tablename__ = "consensus_judgements"
    __table_args__ = (
        UniqueConstraint("case_id", "criterion_id"),
        CheckConstraint("length(trim(rationale)) > 0", name="has_rationale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="RESTRICT"), index=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("compliance_levels.id", ondelete="RESTRICT"))
    rationale: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)  # compared on save: no lost edits

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    level = relationship("ComplianceLevel", lazy="joined")
    recorded_by: Mapped[User | None] = relationship()


class VisitMode(enum.StrEnum):
    ONSITE = "onsite"
    ONLINE = "online"
    HYBRID = "hybrid"


class SiteVisit(db.Model):
    """A case's site visit (mode, dates, place), or the justification for skipping it and its approval."""

    __tablename__ = "site_visits"
    __table_args__ = (CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
                                      name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    mode: Mapped[VisitMode] = mapped_column(string_enum(VisitMode, "visit_mode", 10), default=VisitMode.ONSITE)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(300), default="")
    # Skipping: the chair (or officer) writes the justification; the officer's skip_site_visit action approves it.
    skip_justification: Mapped[str] = mapped_column(Text, default="")
    skip_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    skip_requested_at: Mapped[datetime | None] = mapped_column(DateTime)

    case: Mapped[Case] = relationship()
    sessions: Mapped[list["VisitSession"]] = relationship(
        back_populates="visit", cascade="all, delete-orphan",
        order_by="(VisitSession.starts_at, VisitSession.id)", lazy="selectin")


class StakeholderGroup(enum.StrEnum):
    """Who the panel meets in a session (SPEC §2.3)."""

    MANAGEMENT = "management"
    SER_TEAM = "ser_team"
    STUDENTS = "students"
    ALUMNI = "alumni"
    EMPLOYERS = "employers"
    TEACHING_STAFF = "teaching_staff"
    QA_UNIT = "qa_unit"


visit_session_standards = Table(
    "visit_session_standards",
    db.metadata,
    Column("session_id", ForeignKey("visit_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("standard_id", ForeignKey("standards.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class VisitSession(db.Model):
    """One session of the visit's agenda: time, stakeholder group, attendees, notes tagged to standards."""

    __tablename__ = "visit_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("site_visits.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    stakeholder_group: Mapped[StakeholderGroup] = mapped_column(string_enum(StakeholderGroup, "stakeholder_group", 20))
    attendees: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)  # compared on save: no lost edits

    __mapper_args__ = {"version_id_col": version}

    visit: Mapped[SiteVisit] = relationship(back_populates="sessions")
    standards = relationship("Standard", secondary=visit_session_standards, lazy="selectin",
                             order_by="Standard.position")
