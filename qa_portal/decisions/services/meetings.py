"""The council decides as a body (issue 15 item 3): a meeting on a date with its agenda of cases awaiting a decision
and the members present; per case, each member's declaration (recusal) as made on the case (council.py); a proposed
outcome with its conditions, checked by the same rules as the decision form; a vote for / against / abstain by each
present, declared, non-recused member; and, once quorum and majority hold, the decision recorded through the one
decision service (council.record_decision), dated the meeting's date.

Quorum (QA_COUNCIL_QUORUM, or the meeting's own number; default a majority of the council members not recused from
the case) counts the present members who may vote. Majority (QA_COUNCIL_MAJORITY): "present" — more than half of
them vote for; "votes_cast" — more votes for than against."""
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.auth.models import Role, User, UserRole
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import ActionForbidden
from qa_portal.decisions.models import (AgendaItem, CouncilDeclaration, CouncilMeeting, CouncilVote, Decision,
                                        MeetingAttendance, VoteChoice)
from qa_portal.decisions.permissions import attends_meeting, can_schedule_meetings
from qa_portal.decisions.services.council import DecisionRefused, record_decision
from qa_portal.decisions.services.rules import DecisionInput, council_problems, decision_problems, scheme_of
from qa_portal.decisions.signals import meeting_scheduled
from qa_portal.extensions import db
from qa_portal.reviews.models import Case, CaseState

__all__ = ["MAJORITY_RULES", "Tally", "council_members", "schedule_meeting", "propose_outcome", "proposal_input",
           "cast_vote", "tally", "record_meeting_decision", "declarations_for", "scheme_outcomes"]

MAJORITY_RULES = ("present", "votes_cast")
TITLE_MAX = 200


def council_members() -> list[User]:
    """The active members of the decision council, by name."""
    return list(db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == Role.COUNCIL, User.active.is_(True)).order_by(User.full_name, User.id)))


def scheme_outcomes(case: Case) -> list:
    """The outcomes the case may be decided with (its call's scheme)."""
    scheme = scheme_of(case)
    return list(scheme.outcomes) if scheme else []


def declarations_for(item: AgendaItem) -> dict[int, CouncilDeclaration]:
    """The declarations made on the item's case, by member id."""
    return {declaration.user_id: declaration for declaration in db.session.scalars(
        select(CouncilDeclaration).where(CouncilDeclaration.case_id == item.case_id))}


def schedule_meeting(actor, held_on: date | None, title: str, case_ids: list[int], attendee_ids: list[int],
                     quorum: int | None = None) -> CouncilMeeting:
    """Create a meeting with its agenda (cases awaiting a decision) and attendance (council members)."""
    if not can_schedule_meetings(actor):
        raise ActionForbidden(_("Only officers and council members schedule council meetings."))
    title = (title or "").strip()
    if held_on is None:
        raise DomainError(_("Give the date of the meeting."), field="held_on")
    if not title:
        raise DomainError(_("Give the meeting a title."), field="title")
    if quorum is not None and quorum < 1:
        raise DomainError(_("A quorum is at least one member; leave it empty for the default."), field="quorum")
    cases = list(db.session.scalars(select(Case).where(Case.id.in_(case_ids or []))
                                    .order_by(Case.reference))) if case_ids else []
    if not cases or len(cases) != len(set(case_ids)):
        raise DomainError(_("Choose at least one case awaiting a decision for the agenda."), field="case_ids")
    if any(case.state != CaseState.DECISION_PENDING for case in cases):
        raise DomainError(_("Only cases awaiting a decision go on a council agenda."), field="case_ids")
    members = {member.id: member for member in council_members()}
    if not attendee_ids or any(user_id not in members for user_id in attendee_ids):
        raise DomainError(_("Record which council members are present (council members only)."),
                          field="attendee_ids")
    meeting = CouncilMeeting(held_on=held_on, title=title[:TITLE_MAX], quorum=quorum, created_by_id=actor.id,
                             created_at=utcnow())
    meeting.attendances = [MeetingAttendance(user_id=user_id) for user_id in sorted(set(attendee_ids))]
    meeting.items = [AgendaItem(case_id=case.id, position=number) for number, case in enumerate(cases)]
    db.session.add(meeting)
    db.session.flush()
    record(actor, "council.meeting", meeting, f"Council meeting {held_on}: {len(cases)} case(s), "
           f"{len(meeting.attendances)} present", {"cases": [case.reference for case in cases],
                                                   "present": sorted(set(attendee_ids)), "quorum": quorum})
    meeting_scheduled.send(meeting, actor=actor)
    return meeting


def _open_item(actor, item: AgendaItem) -> None:
    """Refuse when the actor is not a present member, the item is decided or its case no longer awaits a decision."""
    if not attends_meeting(actor, item.meeting):
        raise ActionForbidden(_("Only council members present at the meeting take part in it."))
    if item.decision_id is not None or item.case.state != CaseState.DECISION_PENDING:
        raise DomainError(_("The council has already decided this case."))


def proposal_input(item: AgendaItem) -> DecisionInput | None:
    """The proposal as the decision service's input, dated the meeting's date; None before one is made."""
    data = item.proposal
    if not data:
        return None

    def day(text):
        return date.fromisoformat(text) if text else None

    return DecisionInput(
        outcome_id=data["outcome_id"], valid_from=day(data["valid_from"]), valid_to=day(data["valid_to"]),
        reasons=data["reasons"],
        criterion_ids=list(data["criterion_ids"]), meeting_date=item.meeting.held_on, hei_heard=data["hei_heard"],
        conditions=[(text, date.fromisoformat(due_on)) for text, due_on in data["conditions"]],
        departure_reason=data.get("departure_reason", ""))


def propose_outcome(actor, item: AgendaItem, data: DecisionInput) -> AgendaItem:
    """Put an outcome with its conditions to the vote: a present member who may decide the case proposes it, and it
    keeps every rule of the decision form (checked now, and again when it is recorded); no vote is cast yet."""
    _open_item(actor, item)
    if item.votes:
        raise DomainError(_("Votes are cast on this proposal: it can no longer change."))
    data.meeting_date = item.meeting.held_on
    problems = decision_problems(item.case, actor, data)
    if problems:
        raise DecisionRefused(problems)
    item.proposal = {
        "outcome_id": data.outcome_id, "valid_from": data.valid_from.isoformat() if data.valid_from else None,
        "valid_to": data.valid_to.isoformat() if data.valid_to else None, "reasons": data.reasons.strip(),
        "criterion_ids": list(data.criterion_ids), "hei_heard": bool(data.hei_heard),
        "conditions": [(text.strip(), due_on.isoformat()) for text, due_on in data.conditions],
        "departure_reason": (data.departure_reason or "").strip()}
    item.proposed_by_id = actor.id
    db.session.flush()
    record(actor, "council.propose", item.case, f"{item.case.reference}: outcome proposed at the meeting of "
           f"{item.meeting.held_on}", {"meeting": item.meeting_id, "outcome_id": data.outcome_id})
    return item


def cast_vote(actor, item: AgendaItem, choice: str) -> CouncilVote:
    """A present member who has declared, is not recused and did not sit on the panel votes on the proposal (once;
    a vote may be changed until the decision is recorded)."""
    _open_item(actor, item)
    if item.proposal is None:
        raise DomainError(_("There is no proposal to vote on yet."))
    if choice not in {option.value for option in VoteChoice}:
        raise DomainError(_("Vote for, against or abstain."), field="choice")
    problems = council_problems(item.case, actor)
    if problems:
        raise ActionForbidden(" ".join(problems))
    vote = next((vote for vote in item.votes if vote.user_id == actor.id), None)
    if vote is None:
        vote = CouncilVote(user_id=actor.id)
        item.votes.append(vote)
    vote.choice, vote.cast_at = VoteChoice(choice), utcnow()
    db.session.flush()
    record(actor, "council.vote", item.case, f"{item.case.reference}: vote {choice}",
           {"meeting": item.meeting_id, "choice": choice})
    return vote


@dataclass
class Tally:
    """Where an agenda item's vote stands: who may vote, who is recused, the quorum and the votes."""

    eligible: list[User] = field(default_factory=list)  # present, declared, not recused, not on the panel
    recused: list[User] = field(default_factory=list)  # present and recused
    undeclared: list[User] = field(default_factory=list)  # present without a declaration on the case
    quorum: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    majority_rule: str = "present"

    @property
    def quorum_met(self) -> bool:
        """Enough present members may vote."""
        return len(self.eligible) >= self.quorum

    @property
    def majority_met(self) -> bool:
        """The proposal carries under the configured majority rule."""
        votes_for, against = self.counts.get("for", 0), self.counts.get("against", 0)
        if self.majority_rule == "votes_cast":
            return votes_for > against
        return votes_for * 2 > len(self.eligible)

    @property
    def carried(self) -> bool:
        """Quorum and majority both hold."""
        return self.quorum_met and self.majority_met


def tally(item: AgendaItem) -> Tally:
    """Count the item's votes against its quorum and majority (the votes of members no longer eligible are not
    counted)."""
    declarations = declarations_for(item)
    result = Tally(majority_rule=current_app.config["QA_COUNCIL_MAJORITY"]
                   if current_app.config["QA_COUNCIL_MAJORITY"] in MAJORITY_RULES else "present")
    for attendance in item.meeting.attendances:
        member, declaration = attendance.user, declarations.get(attendance.user_id)
        if declaration is None:
            result.undeclared.append(member)
        elif declaration.recused:
            result.recused.append(member)
        elif not council_problems(item.case, member):
            result.eligible.append(member)
    recused_ids = {user_id for user_id, declaration in declarations.items() if declaration.recused}
    not_recused = [member for member in council_members() if member.id not in recused_ids]
    configured = item.meeting.quorum or current_app.config["QA_COUNCIL_QUORUM"]
    result.quorum = configured if configured > 0 else len(not_recused) // 2 + 1
    eligible_ids = {member.id for member in result.eligible}
    for vote in item.votes:
        if vote.user_id in eligible_ids:
            result.counts[vote.choice.value] = result.counts.get(vote.choice.value, 0) + 1
    return result


def record_meeting_decision(actor, item: AgendaItem) -> Decision:
    """Record the proposal as the council's decision, dated the meeting, when quorum and majority hold — through
    council.record_decision (every decision rule, the case's workflow, the audit), signed by a present member who
    may vote on it."""
    _open_item(actor, item)
    data = proposal_input(item)
    if data is None:
        raise DomainError(_("There is no proposal to decide on yet."))
    result = tally(item)
    if not result.quorum_met:
        raise DomainError(_("No quorum: %(present)s member(s) may vote, %(quorum)s are needed.",
                            present=len(result.eligible), quorum=result.quorum))
    if not result.majority_met:
        raise DomainError(_("The proposal has no majority: %(for)s for, %(against)s against, %(abstain)s "
                            "abstaining.", **{choice.value: result.counts.get(choice.value, 0)
                                              for choice in VoteChoice}))
    decision = record_decision(actor, item.case, data)
    item.decision_id = decision.id
    db.session.flush()
    record(actor, "council.decide", decision, f"{item.case.reference}: decided by the council at its meeting of "
           f"{item.meeting.held_on}", {"meeting": item.meeting_id, "votes": result.counts,
                                       "quorum": result.quorum, "eligible": len(result.eligible)})
    return decision
