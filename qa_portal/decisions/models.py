"""The council's decision on a case (outcome, validity, conditions, reasons citing criteria), the council members'
declarations of interest per case, appeals against published decisions (with their documents) and complaints about
the conduct of a process. A recorded decision is never edited (see services/council.py)."""
import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON, CheckConstraint, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from qa_portal.auth.models import User
from qa_portal.core.models import StoredFileMixin, ruling_columns, string_enum, utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import Outcome
from qa_portal.reviews.models import Case

__all__ = ["Decision", "DecisionCondition", "CouncilDeclaration", "decision_criteria", "AppealGround",
           "Admissibility", "AppealOutcome", "AppealStatus", "AppealAction", "Appeal", "AppealDocument",
           "ComplaintStatus", "ComplaintAction", "Complaint", "ConditionVerdict", "ConditionFollowUp", "VoteChoice",
           "CouncilMeeting", "MeetingAttendance", "AgendaItem", "CouncilVote"]

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
    # Its standing today (quality_assured, expired, under_appeal, not_quality_assured, superseded), filled by a query
    # that asks for it with services.qa_status.decision_standing(); never stored.
    standing: Mapped[str | None] = query_expression()
    # Why the council departs from the panel's recommendation or the decision rule (issue 15); empty when it
    # does not depart.
    departure_reason: Mapped[str] = mapped_column(Text, default="")

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


# --- appeals (ESG 2.7, rules A1–A3) and complaints (A4) ----------------------------------------------------------

class AppealGround(enum.StrEnum):
    EVIDENCE_MISREAD = "evidence_misread"
    CRITERIA_MISAPPLIED = "criteria_misapplied"
    PROCESS_NOT_FOLLOWED = "process_not_followed"


class Admissibility(enum.StrEnum):
    ADMISSIBLE = "admissible"
    LATE = "late"
    UNAUTHORISED = "unauthorised"
    OUT_OF_SCOPE = "out_of_scope"
    BEFORE_COURT = "before_court"  # the same matter is before a court (issue 15)


class AppealOutcome(enum.StrEnum):
    UPHOLD = "uphold"
    RETURN = "return_for_reconsideration"


class AppealStatus(enum.StrEnum):
    """Where an appeal stands (APPEAL_WORKFLOW in decisions/workflow.py is its only writer); named CHECK constraints
    tie it to the admissibility ruling and the appeals body's outcome."""

    LODGED = "lodged"
    ADMISSIBLE = "admissible"
    INADMISSIBLE = "inadmissible"
    UPHELD = "upheld"
    RETURNED = "returned"


class AppealAction(enum.StrEnum):
    RULE_ADMISSIBLE = "rule_admissible"
    RULE_INADMISSIBLE = "rule_inadmissible"
    UPHOLD = "uphold"
    RETURN = "return_for_reconsideration"


class Appeal(db.Model):
    """The institution's appeal against a published decision: grounds and statement, the officer's admissibility
    ruling, and the appeals body's decision (uphold, or return for reconsideration) due by decision_due_on."""

    __tablename__ = "appeals"
    __table_args__ = (
        CheckConstraint("length(trim(statement)) > 0", name="has_statement"),
        CheckConstraint("admissibility IS NULL OR length(trim(admissibility_reason)) > 0",
                        name="admissibility_has_reason"),
        CheckConstraint("outcome IS NULL OR admissibility = 'admissible'", name="decided_only_if_admissible"),
        CheckConstraint("outcome IS NULL OR length(trim(outcome_reasons)) > 0", name="outcome_has_reasons"),
        CheckConstraint("(status = 'lodged') = (admissibility IS NULL)", name="lodged_until_ruled"),
        CheckConstraint("(status = 'inadmissible') = (coalesce(admissibility, 'admissible') <> 'admissible')",
                        name="inadmissible_as_ruled"),
        CheckConstraint("(status = 'upheld') = (coalesce(outcome, '') = 'uphold')", name="upheld_as_decided"),
        CheckConstraint("(status = 'returned') = (coalesce(outcome, '') = 'return_for_reconsideration')",
                        name="returned_as_decided"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"), unique=True)
    lodged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lodged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    grounds: Mapped[list] = mapped_column(JSON, default=list)
    statement: Mapped[str] = mapped_column(Text)
    decision_due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[AppealStatus] = mapped_column(string_enum(AppealStatus, "appeal_status", 20),
                                                 default=AppealStatus.LODGED)
    admissibility: Mapped[Admissibility | None] = mapped_column(string_enum(Admissibility, "admissibility", 20))
    admissibility_reason, admissibility_by_id, admissibility_at = ruling_columns()
    outcome: Mapped[AppealOutcome | None] = mapped_column(string_enum(AppealOutcome, "appeal_outcome", 40))
    outcome_reasons, decided_by_id, decided_at = ruling_columns()

    case: Mapped[Case] = relationship()
    decision: Mapped[Decision] = relationship()
    lodged_by: Mapped[User | None] = relationship(foreign_keys=[lodged_by_id])
    admissibility_by: Mapped[User | None] = relationship(foreign_keys=[admissibility_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    documents: Mapped[list["AppealDocument"]] = relationship(
        back_populates="appeal", cascade="all, delete-orphan", order_by="AppealDocument.id", lazy="selectin")

    @property
    def is_open(self) -> bool:
        """Not yet ruled inadmissible nor decided."""
        return self.status in (AppealStatus.LODGED, AppealStatus.ADMISSIBLE)


class AppealDocument(StoredFileMixin, db.Model):
    """A document attached to an appeal, stored like evidence (content-checked, random name, SHA-256)."""

    __tablename__ = "appeal_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    appeal: Mapped[Appeal] = relationship(back_populates="documents")


class ComplaintStatus(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


class ComplaintAction(enum.StrEnum):
    ANSWER = "answer"


class Complaint(db.Model):
    """A complaint about the conduct of a process (not an outcome), optionally about one case, and its answer."""

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint("length(trim(text)) > 0", name="has_text"),
        CheckConstraint("status = 'open' OR length(trim(answer)) > 0", name="answered_has_answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lodged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    lodged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[ComplaintStatus] = mapped_column(string_enum(ComplaintStatus, "complaint_status", 20),
                                                    default=ComplaintStatus.OPEN, index=True)
    answer, answered_by_id, answered_at = ruling_columns()  # the officer's answer: its text, who, when

    lodged_by: Mapped[User] = relationship(foreign_keys=[lodged_by_id], lazy="joined")
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    case: Mapped[Case | None] = relationship()


# --- follow-up of conditions (issue 7 item 6, rules D7–D8) ------------------------------------------------------

class ConditionVerdict(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"


class ConditionFollowUp(StoredFileMixin, db.Model):
    """The follow-up of one condition (the condition itself is immutable): the institution's report with an optional
    content-checked evidence document, and the officer's verdict (met / not met) with a reason."""

    __tablename__ = "condition_follow_ups"
    stored_file_optional = True  # the evidence document is optional
    __table_args__ = (
        CheckConstraint("length(trim(report)) > 0", name="has_report"),
        CheckConstraint("verdict IS NULL OR length(trim(verdict_reason)) > 0", name="verdict_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    condition_id: Mapped[int] = mapped_column(ForeignKey("decision_conditions.id", ondelete="RESTRICT"), unique=True)
    report: Mapped[str] = mapped_column(Text)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    verdict: Mapped[ConditionVerdict | None] = mapped_column(string_enum(ConditionVerdict, "condition_verdict", 20))
    verdict_reason, verified_by_id, verified_at = ruling_columns()

    condition: Mapped[DecisionCondition] = relationship()


# Read-only from the condition's side, so recording a follow-up never counts as a change to the immutable condition.
DecisionCondition.follow_up = relationship(ConditionFollowUp, viewonly=True, uselist=False, lazy="selectin")

# Read-only reverse links for readers of a decision's public record (the registry API loads them with a page): the
# appeal lodged against it and the later decision that replaced it (Appeal.decision_id and supersedes_id write them).
Decision.appeal = relationship(Appeal, viewonly=True, uselist=False)
Decision.superseded_by = relationship(Decision, remote_side=[Decision.supersedes_id], viewonly=True, uselist=False)


# --- the council as a body: meetings, attendance, agenda, votes (issue 15 item 3) ---------------------------------

class VoteChoice(enum.StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class CouncilMeeting(db.Model):
    """A meeting of the decision council on a date, with its agenda of cases and who attended; `quorum` overrides the
    default (a majority of the council members not recused from the case)."""

    __tablename__ = "council_meetings"
    __table_args__ = (CheckConstraint("quorum IS NULL OR quorum > 0", name="quorum_positive"),
                      CheckConstraint("length(trim(title)) > 0", name="has_title"))

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    quorum: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    attendances: Mapped[list["MeetingAttendance"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAttendance.id", lazy="selectin")
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position", lazy="selectin")


class MeetingAttendance(db.Model):
    """A council member present at a meeting."""

    __tablename__ = "council_meeting_attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)

    meeting: Mapped[CouncilMeeting] = relationship(back_populates="attendances")
    user: Mapped[User] = relationship(lazy="joined")


class AgendaItem(db.Model):
    """A case on a meeting's agenda: the outcome and conditions proposed to the members (the decision form's fields,
    kept as they were proposed), the votes on it and, once quorum and majority held, the decision recorded."""

    __tablename__ = "council_agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    proposal: Mapped[dict | None] = mapped_column(JSON)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"), unique=True)

    meeting: Mapped[CouncilMeeting] = relationship(back_populates="items")
    case: Mapped[Case] = relationship(lazy="joined")
    decision: Mapped[Decision | None] = relationship()
    votes: Mapped[list["CouncilVote"]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="CouncilVote.id", lazy="selectin")


class CouncilVote(db.Model):
    """One present, non-recused member's vote on an agenda item's proposal."""

    __tablename__ = "council_votes"
    __table_args__ = (UniqueConstraint("item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("council_agenda_items.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    choice: Mapped[VoteChoice] = mapped_column(string_enum(VoteChoice, "vote_choice", 10))
    cast_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    item: Mapped[AgendaItem] = relationship(back_populates="votes")
    user: Mapped[User] = relationship(lazy="joined")


# The meeting a decision was taken at (read-only: AgendaItem.decision_id writes it), for the register and the letter.
Decision.agenda_item = relationship(AgendaItem, viewonly=True, uselist=False)
