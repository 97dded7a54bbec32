"""A case's expert panel: members and their roles, conflict-of-interest declarations and rulings, HEI objections.

A member's ``status`` says where their clearance stands; MEMBER_WORKFLOW (reviews/workflow.py) is the only code that
changes it: proposed (no declaration yet) → cleared (declared none, nothing detected) or conflicted (declared or
detected) → cleared (an officer ruled the conflict mitigated, with a reason) or removed (conflict or objection
upheld, or taken off the panel). An objection's ``ruling`` is pending until an officer upholds or rejects it
(OBJECTION_WORKFLOW).
"""
import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.auth.models import User
from qa_portal.core.models import ruling_columns, string_enum, utcnow
from qa_portal.extensions import db
from qa_portal.reviews.models.cases import Case

__all__ = ["PanelRole", "MemberStatus", "MemberAction", "PanelMember", "ConflictKind", "ConflictDeclaration",
           "DeclaredConflict", "ObjectionRuling", "ObjectionAction", "PanelObjection"]


class PanelRole(enum.StrEnum):
    """A member's seat on the panel (ESG 2.4)."""

    CHAIR = "chair"
    ACADEMIC = "academic"
    STUDENT = "student"
    EMPLOYER = "employer"
    INTERNATIONAL = "international"
    SECRETARY = "secretary"


class MemberStatus(enum.StrEnum):
    """Where a member's clearance stands; only cleared members see the case's documents."""

    PROPOSED = "proposed"
    CONFLICTED = "conflicted"
    CLEARED = "cleared"
    REMOVED = "removed"


class MemberAction(enum.StrEnum):
    """The moves of a member's clearance (MEMBER_WORKFLOW in reviews/workflow.py maps each)."""

    DECLARE = "declare"  # a signed declaration that leaves an interest to rule on (declared or detected)
    DECLARE_CLEAR = "declare_clear"  # a signed declaration of no interest, with nothing detected: cleared
    MITIGATE_CONFLICT = "mitigate_conflict"
    UPHOLD_CONFLICT = "uphold_conflict"
    REMOVE = "remove"


class PanelMember(db.Model):
    """An expert proposed for (or sitting on) a case's panel, with their role, clearance and scoring deadline."""

    __tablename__ = "panel_members"
    __table_args__ = (
        UniqueConstraint("case_id", "user_id"),
        CheckConstraint("status <> 'removed' OR length(trim(removal_reason)) > 0", name="removed_has_reason"),
        CheckConstraint("conflict_ruling_at IS NULL OR length(trim(conflict_ruling_reason)) > 0",
                        name="ruling_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    role: Mapped[PanelRole] = mapped_column(string_enum(PanelRole, "panel_role", 20))
    status: Mapped[MemberStatus] = mapped_column(string_enum(MemberStatus, "member_status", 20),
                                                 default=MemberStatus.PROPOSED, index=True)
    proposed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The portal's own finding from the expert's affiliations and memberships, kept as shown when proposed.
    detected_conflict: Mapped[str] = mapped_column(Text, default="")
    # An officer's ruling on a conflict (its verdict is the status it led to: cleared or removed).
    conflict_ruling_reason, conflict_ruling_by_id, conflict_ruling_at = ruling_columns()
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)
    removal_reason: Mapped[str] = mapped_column(Text, default="")
    scoring_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    scores_submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The officer's acknowledgement, with a reason, that an academic member's fields do not cover the
    # micro-credential's broad ISCED-F field (issue 15).
    field_warning_reason, field_warning_by_id, field_warning_at = ruling_columns()
    # When the member acknowledged the case's briefing (procedure, standards version, conflict rules,
    # confidentiality); scoring waits for it (ESG 2.4).
    briefed_at: Mapped[datetime | None] = mapped_column(DateTime)

    case: Mapped[Case] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    declaration: Mapped["ConflictDeclaration | None"] = relationship(
        back_populates="member", cascade="all, delete-orphan", uselist=False, lazy="selectin")
    objections: Mapped[list["PanelObjection"]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="PanelObjection.id", lazy="selectin")

    @property
    def is_cleared(self) -> bool:
        """The member may see the case's documents and take part."""
        return self.status == MemberStatus.CLEARED

    @property
    def scoring_overdue(self) -> bool:
        """The member's scoring deadline passed without a submission."""
        return (self.scores_submitted_at is None and self.scoring_due_at is not None
                and self.scoring_due_at < utcnow())

    def __repr__(self) -> str:
        return f"<PanelMember case={self.case_id} user={self.user_id} {self.role} {self.status}>"


class ConflictKind(enum.StrEnum):
    """The kinds of interest an expert declares (SPEC §2.3)."""

    EMPLOYMENT = "employment"
    STUDY = "study"
    CONSULTANCY = "consultancy"
    GOVERNANCE = "governance"
    FAMILY = "family"
    COMPETING_APPLICATION = "competing_application"
    OTHER = "other"


class ConflictDeclaration(db.Model):
    """A member's signed declaration for one case: none, or the interests listed in its items."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (CheckConstraint("length(trim(signed_name)) > 0", name="signed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"), unique=True)
    declares_none: Mapped[bool] = mapped_column(default=False)
    signed_name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    member: Mapped[PanelMember] = relationship(back_populates="declaration")
    items: Mapped[list["DeclaredConflict"]] = relationship(
        back_populates="declaration", cascade="all, delete-orphan", order_by="DeclaredConflict.id", lazy="selectin")


class DeclaredConflict(db.Model):
    """One declared interest: its kind and the details the expert gave."""

    __tablename__ = "declared_conflicts"
    __table_args__ = (CheckConstraint("length(trim(details)) > 0", name="has_details"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("conflict_declarations.id", ondelete="CASCADE"),
                                                index=True)
    kind: Mapped[ConflictKind] = mapped_column(string_enum(ConflictKind, "conflict_kind", 30))
    details: Mapped[str] = mapped_column(Text)

    declaration: Mapped[ConflictDeclaration] = relationship(back_populates="items")


class ObjectionRuling(enum.StrEnum):
    """Where an objection stands: pending until an officer rules (OBJECTION_WORKFLOW in reviews/workflow.py)."""

    PENDING = "pending"
    UPHELD = "upheld"
    REJECTED = "rejected"


class ObjectionAction(enum.StrEnum):
    UPHOLD = "uphold"
    REJECT = "reject"


class PanelObjection(db.Model):
    """The HEI's objection to a proposed member, with its reasons and the officer's ruling."""

    __tablename__ = "panel_objections"
    __table_args__ = (
        CheckConstraint("length(trim(reasons)) > 0", name="has_reasons"),
        CheckConstraint("ruling = 'pending' OR length(trim(ruling_reason)) > 0", name="ruling_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id", ondelete="CASCADE"), index=True)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    raised_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reasons: Mapped[str] = mapped_column(Text)
    ruling: Mapped[ObjectionRuling] = mapped_column(string_enum(ObjectionRuling, "objection_ruling", 20),
                                                   default=ObjectionRuling.PENDING)
    ruling_reason, ruled_by_id, ruled_at = ruling_columns()

    member: Mapped[PanelMember] = relationship(back_populates="objections")
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
