"""Desk review scoring: each scoring member's judgement per criterion (drafts, then one locked submission), who
may see whose judgements, the divergence summary with spread flags, and the chair's consensus per criterion."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import problems_guard
from qa_portal.extensions import db
from qa_portal.pilots.permissions import is_officer
from qa_portal.reviews.models import (
    CaseAction, CaseState, ConsensusJudgement, Evidence, Judgement, MemberStatus, PanelMember, PanelRole,
)
from qa_portal.reviews.services.panel import ROLE_LABELS  # noqa: F401  (the scoring pages and PDF show roles)
from qa_portal.reviews.permissions import panel_seat
from qa_portal.reviews.services.self_evaluation import version_levels, version_standards
from qa_portal.reviews.workflow import CASE_WORKFLOW
from qa_portal.standards.models import ComplianceLevel, Criterion

SPREAD_THRESHOLD = 2  # levels apart (by the scale's order, not-applicable left out) that flag a divergence
CONSENSUS_STATES = (CaseState.DESK_REVIEW, CaseState.SITE_VISIT, CaseState.REPORT_DRAFTING)


class ScoringRefused(DomainError):
    """A scoring step the rules do not allow now (HTTP 409)."""

    status_code = 409


# --- who scores, who sees ------------------------------------------------------------------------------------

def scoring_members(case) -> list[PanelMember]:
    """The case's cleared members who judge the criteria (every role but the secretary), chair first."""
    members = db.session.scalars(select(PanelMember).where(
        PanelMember.case_id == case.id, PanelMember.status == MemberStatus.CLEARED,
        PanelMember.role != PanelRole.SECRETARY).order_by(PanelMember.id)).all()
    return sorted(members, key=lambda member: (member.role != PanelRole.CHAIR, member.id))


def scoring_seat(user, case) -> PanelMember | None:
    """The user's seat when it is a scoring one (cleared, not the secretary), else None."""
    seat = panel_seat(user, case)
    if seat is None or seat.status != MemberStatus.CLEARED or seat.role == PanelRole.SECRETARY:
        return None
    return seat


def can_see_others_judgements(user, case) -> bool:
    """Officers always; a scoring member (the chair included) only once their own judgements are submitted."""
    if is_officer(user):
        return True
    seat = scoring_seat(user, case)
    return seat is not None and seat.scores_submitted_at is not None


# --- reading ---------------------------------------------------------------------------------------------------

def _judgements(case, member_ids) -> list[Judgement]:
    if not member_ids:
        return []
    return list(db.session.scalars(
        select(Judgement).where(Judgement.member_id.in_(member_ids))
        .options(selectinload(Judgement.evidence)).order_by(Judgement.id)))


def judgements_of(member: PanelMember) -> dict[int, Judgement]:
    """One member's judgements keyed by criterion id."""
    return {judgement.criterion_id: judgement for judgement in _judgements(member.case, [member.id])}


def consensus_of(case) -> dict[int, ConsensusJudgement]:
    """The panel's consensus judgements of the case keyed by criterion id."""
    rows = db.session.scalars(select(ConsensusJudgement).where(ConsensusJudgement.case_id == case.id)
                              .options(selectinload(ConsensusJudgement.recorded_by)))
    return {row.criterion_id: row for row in rows}


def criteria_in_order(standards) -> list[Criterion]:
    """The criteria of the loaded standards, in the version's order."""
    return [criterion for standard in standards for criterion in standard.criteria]


def missing_judgements(case, member: PanelMember, judgements: dict | None = None,
                       standards: list | None = None) -> list[Criterion]:
    """The criteria the member has not judged completely (a level and a written rationale) yet."""
    judgements = judgements_of(member) if judgements is None else judgements
    standards = version_standards(case) if standards is None else standards
    return [criterion for criterion in criteria_in_order(standards)
            if not (criterion.id in judgements and judgements[criterion.id].is_complete)]


def level_spread(levels: list[ComplianceLevel], scale: list[ComplianceLevel]) -> int:
    """How many steps of the scale separate the best and worst of these levels (not-applicable left out)."""
    order = {level.id: index for index, level in enumerate(lvl for lvl in scale if not lvl.not_applicable)}
    ranks = [order[level.id] for level in levels if level is not None and level.id in order]
    return max(ranks) - min(ranks) if ranks else 0


@dataclass
class CriterionRow:
    """One criterion of the summary: every member's judgement (None when not visible or not written)."""

    criterion: Criterion
    judgements: dict  # member id -> Judgement | None
    spread: int = 0
    consensus: ConsensusJudgement | None = None

    @property
    def divergent(self) -> bool:
        return self.spread >= SPREAD_THRESHOLD


@dataclass
class ScoringSummary:
    """Everything the summary page and PDF show, loaded with a constant number of queries."""

    standards: list
    levels: list
    members: list
    rows: dict = field(default_factory=dict)  # criterion id -> CriterionRow
    reveals: bool = True  # False: the viewer must submit their own judgements before seeing others'

    @property
    def divergent_rows(self) -> list:
        return [row for row in self.rows.values() if row.divergent]

    @property
    def waiting_for(self) -> list:
        return [member for member in self.members if member.scores_submitted_at is None]


def scoring_summary(case, viewer=None) -> ScoringSummary:
    """Per criterion every member's submitted judgement, the spread and the consensus; drafts stay private."""
    summary = ScoringSummary(standards=version_standards(case), levels=version_levels(case),
                             members=scoring_members(case))
    summary.reveals = viewer is None or can_see_others_judgements(viewer, case)
    submitted = [member.id for member in summary.members if member.scores_submitted_at is not None]
    by_key = {(j.member_id, j.criterion_id): j for j in _judgements(case, submitted if summary.reveals else [])}
    consensus = consensus_of(case)
    for criterion in criteria_in_order(summary.standards):
        judgements = {member.id: by_key.get((member.id, criterion.id)) for member in summary.members}
        row = CriterionRow(criterion=criterion, judgements=judgements, consensus=consensus.get(criterion.id))
        row.spread = level_spread([j.level for j in judgements.values() if j is not None], summary.levels)
        summary.rows[criterion.id] = row
    return summary


def others_judgements(case, member: PanelMember) -> dict[int, list[tuple[PanelMember, Judgement]]]:
    """The other members' submitted judgements per criterion, for a member who has submitted their own."""
    if member.scores_submitted_at is None:
        return {}
    others = {m.id: m for m in scoring_members(case) if m.id != member.id and m.scores_submitted_at is not None}
    grouped: dict[int, list[tuple[PanelMember, Judgement]]] = {}
    for judgement in _judgements(case, list(others)):
        grouped.setdefault(judgement.criterion_id, []).append((others[judgement.member_id], judgement))
    return grouped


# --- changing --------------------------------------------------------------------------------------------------

def _criterion_of_case(case, criterion_id: int) -> Criterion:
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.version_id != case.standard_version_id:
        raise ScoringRefused(_("This criterion is not part of the case's standards."))
    return criterion


def _level_of_case(case, level_id: int | None, field_name: str = "level") -> ComplianceLevel | None:
    if level_id is None:
        return None
    level = db.session.get(ComplianceLevel, level_id)
    if level is None or level.version_id != case.standard_version_id:
        raise ScoringRefused(_("Choose a level of the case's compliance scale."), field=field_name)
    return level


def _ensure_judgements_open(member: PanelMember) -> None:
    """A member's judgements change only during the desk review and until they are submitted (then locked)."""
    if member.case.state != CaseState.DESK_REVIEW:
        raise ScoringRefused(_("Judgements can only be written and submitted during the desk review."))
    if member.scores_submitted_at is not None:
        raise ScoringRefused(_("Your judgements are submitted and locked."))
    if member.briefed_at is None:
        raise ScoringRefused(_("Acknowledge the case's briefing (procedure, standards version, conflict rules, "
                               "confidentiality) on the panel page before scoring."))


def save_judgement(actor, member: PanelMember, criterion_id: int, level_id: int | None, rationale: str,
                   evidence_ids) -> Judgement:
    """Save one member's draft judgement (incomplete allowed) while the desk review runs and before submitting."""
    _ensure_judgements_open(member)
    case = member.case
    criterion = _criterion_of_case(case, criterion_id)
    _level_of_case(case, level_id)
    evidence_ids = set(evidence_ids or [])
    evidence = list(db.session.scalars(select(Evidence).where(Evidence.id.in_(evidence_ids),
                                                              Evidence.case_id == case.id))) if evidence_ids else []
    if len(evidence) != len(evidence_ids):
        raise ScoringRefused(_("Choose evidence files of this case only."), field="evidence")
    judgement = db.session.scalar(select(Judgement).where(Judgement.member_id == member.id,
                                                          Judgement.criterion_id == criterion.id))
    if judgement is None:
        judgement = Judgement(member_id=member.id, criterion_id=criterion.id)
        db.session.add(judgement)
    judgement.level_id = level_id
    judgement.rationale = (rationale or "").strip()
    judgement.evidence = sorted(evidence, key=lambda item: item.id)
    db.session.flush()
    return judgement


def submit_judgements(actor, member: PanelMember) -> None:
    """Submit a member's judgements once every criterion has a level and a rationale; they are locked after."""
    _ensure_judgements_open(member)
    case = member.case
    missing = missing_judgements(case, member)
    if missing:
        raise ScoringRefused(_("Judge every criterion with a level and a rationale first. Missing: %(codes)s",
                               codes=", ".join(criterion.code for criterion in missing)))
    member.scores_submitted_at = utcnow()
    db.session.flush()
    late = member.scoring_due_at is not None and member.scores_submitted_at > member.scoring_due_at
    record(actor, "scoring.submitted", case, f"{case.reference}: {member.user.full_name} submitted judgements",
           {"member_id": member.id, "late": late})


def record_consensus(actor, case, criterion_id: int, level_id: int | None, rationale: str) -> ConsensusJudgement:
    """The chair records the panel's agreed level and rationale for one criterion (desk review to drafting)."""
    if case.state not in CONSENSUS_STATES:
        raise ScoringRefused(_("The consensus can be recorded from the desk review until the report is sent."))
    if not can_see_others_judgements(actor, case):
        raise ScoringRefused(_("Submit your own judgements before recording the panel's consensus."))
    criterion = _criterion_of_case(case, criterion_id)
    if level_id is None:
        raise ScoringRefused(_("Choose the panel's level."), field="level")
    _level_of_case(case, level_id)
    rationale = (rationale or "").strip()
    if not rationale:
        raise ScoringRefused(_("Write the panel's rationale."), field="rationale")
    consensus = db.session.scalar(select(ConsensusJudgement).where(ConsensusJudgement.case_id == case.id,
                                                                   ConsensusJudgement.criterion_id == criterion.id))
    if consensus is None:
        consensus = ConsensusJudgement(case_id=case.id, criterion_id=criterion.id)
        db.session.add(consensus)
    consensus.level_id, consensus.rationale = level_id, rationale
    consensus.recorded_by_id, consensus.recorded_at = getattr(actor, "id", None), utcnow()
    db.session.flush()
    record(actor, "scoring.consensus", case, f"{case.reference}: consensus on {criterion.code}",
           {"criterion": criterion.code, "level_id": level_id, "rationale": rationale})
    return consensus


# --- workflow hook ---------------------------------------------------------------------------------------------

def desk_review_problems(case) -> list[str]:
    """The desk review ends only when every scoring member has submitted their judgements (names who has not)."""
    members = scoring_members(case)
    if not members:
        return [_("no cleared panel member scores this case")]
    waiting = [member.user.full_name for member in members if member.scores_submitted_at is None]
    if waiting:
        return [_("not every member has submitted their judgements (waiting for %(names)s)",
                  names=", ".join(waiting))]
    return []


# The case leaves the desk review (to the visit, or skipping it) only once every scoring member has submitted.
desk_review_finished = problems_guard(desk_review_problems, _l("The desk review is not finished: %(problems)s"))
CASE_WORKFLOW.extend(CaseAction.START_SITE_VISIT, guards=[desk_review_finished])
