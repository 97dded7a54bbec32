"""The council's decision on a case (outcome, validity, conditions, reasons citing criteria), the council members'
declarations of interest per case, and nothing else: a recorded decision is never edited (see council.py)."""
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint, Column, Date, DateTime, ForeignKey, Integer, Table, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_portal.auth.models import User
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import Outcome
from qa_portal.reviews.models import Case

__all__ = ["Decision", "DecisionCondition", "CouncilDeclaration", "decision_criteria"]

decision_criteria = Table(
    "decision_criteria", db.metadata,
    Column("decision_id", ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True),
    Column("criterion_id", ForeignKey("criteria.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Decision(db.Model):
    """The council's decision on a case: outcome from the call's scheme, validity, reasons citing criteria,
    meeting date, whether the HEI was heard; published_at is stamped once when it is made public."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint("(valid_from IS NULL) = (valid_to IS NULL)", name="validity_both_or_neither"),
        CheckConstraint("valid_from IS NULL OR valid_from <= valid_to", name="validity_ordered"),
        CheckConstraint("length(trim(reasons)) > 0", name="has_reasons"),
        CheckConstraint("published_at IS NULL OR published_by_id IS NOT NULL", name="published_has_officer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="RESTRICT"), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    reasons: Mapped[str] = mapped_column(Text)
    meeting_date: Mapped[date] = mapped_column(Date)
    hei_heard: Mapped[bool] = mapped_column()
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A later decision on the same case (an upgrade after follow-up, a re-decision) names the one it replaces.
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), unique=True)

    case: Mapped[Case] = relationship()
    outcome: Mapped[Outcome] = relationship(lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    supersedes: Mapped["Decision | None"] = relationship(remote_side=[id])
    criteria = relationship("Criterion", secondary=decision_criteria, order_by="Criterion.id", lazy="selectin")
    conditions: Mapped[list["DecisionCondition"]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionCondition.position",
        lazy="selectin")

    @property
    def is_published(self) -> bool:
        """Made public in the register."""
        return self.published_at is not None

    def __repr__(self) -> str:
        return f"<Decision {self.id} case={self.case_id}>"


class DecisionCondition(db.Model):
    """A condition of a conditional outcome: what the institution must do, and by when."""

    __tablename__ = "decision_conditions"
    __table_args__ = (CheckConstraint("length(trim(text)) > 0", name="has_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)

    decision: Mapped[Decision] = relationship(back_populates="conditions")


class CouncilDeclaration(db.Model):
    """A council member's declaration of interests for one case: no conflict, or a conflict (which recuses
    them); a member may also recuse without a conflict, giving the reason."""

    __tablename__ = "council_declarations"
    __table_args__ = (
        UniqueConstraint("case_id", "user_id"),
        CheckConstraint("NOT has_conflict OR recused", name="conflict_recuses"),
        CheckConstraint("NOT recused OR length(trim(details)) > 0", name="recusal_has_details"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    has_conflict: Mapped[bool] = mapped_column(default=False)
    recused: Mapped[bool] = mapped_column(default=False)
    details: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    user: Mapped[User] = relationship(lazy="joined")
