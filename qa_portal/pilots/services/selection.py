"""Selection: officers score submitted applications per criterion, rank them, decide, and complete the selection."""
from dataclasses import dataclass, field
from statistics import mean

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import (
    Application, ApplicationStatus, Call, CallAction, CallStatus, SelectionDecision, SelectionOutcome, SelectionScore,
)
from qa_portal.pilots.workflow import CALL_WORKFLOW, selected_applications


def _ensure_selecting(application: Application) -> None:
    if application.call.status != CallStatus.CLOSED:
        raise DomainError(_("Applications are scored and selected only while the call is closed and its "
                            "selection not yet complete (the call is %(status)s).",
                            status=application.call.status.value.replace("_", " ")))
    if application.status != ApplicationStatus.SUBMITTED:
        raise DomainError(_("Only submitted applications are scored and selected; this one is %(status)s.",
                            status=application.status.value))


def score_application(actor, application: Application, scores: dict[int, tuple[int, str]]) -> list[SelectionScore]:
    """Record the officer's 0–5 score and comment for every selection criterion of the call."""
    _ensure_selecting(application)
    criteria = {criterion.id: criterion for criterion in application.call.criteria}
    if set(scores) != set(criteria):
        raise DomainError(_("Score every selection criterion of the call."), field="entries")
    existing = {
        score.criterion_id: score for score in db.session.scalars(select(SelectionScore).where(
            SelectionScore.application_id == application.id, SelectionScore.officer_id == actor.id))
    }
    saved = []
    for criterion_id, (value, comment) in scores.items():
        if value is None or not 0 <= value <= 5:
            raise DomainError(_("A score is a whole number from 0 to 5 (criterion “%(name)s”).",
                                name=criteria[criterion_id].name), field="entries")
        row = existing.get(criterion_id)
        if row is None:
            row = SelectionScore(application_id=application.id, criterion_id=criterion_id, officer_id=actor.id)
            db.session.add(row)
        row.score, row.comment = value, (comment or "").strip()
        saved.append(row)
    db.session.flush()
    record(actor, "application.score", application, f"Scored application {application.id}",
           {str(criteria[c].name): v for c, (v, _c) in scores.items()})
    return saved


def decide_selection(actor, application: Application, outcome: SelectionOutcome, rationale: str) -> SelectionDecision:
    """Mark an application selected, reserve or not selected with a rationale; never more selected than the call allows."""
    _ensure_selecting(application)
    rationale = (rationale or "").strip()
    if not rationale:
        raise DomainError(_("Write the rationale for this decision."), field="rationale")
    call = application.call
    if outcome == SelectionOutcome.SELECTED:
        others = db.session.scalar(
            select(func.count(SelectionDecision.id)).join(Application)
            .where(Application.call_id == call.id, Application.id != application.id,
                   Application.status == ApplicationStatus.SUBMITTED,
                   SelectionDecision.outcome == SelectionOutcome.SELECTED)
        )
        if others >= call.max_pilots:
            raise DomainError(
                _("At most %(max)d applications can be selected in this call and %(count)d already are. "
                  "Mark one of them reserve or not selected first, or choose reserve here.",
                  max=call.max_pilots, count=others),
                field="outcome",
            )
    decision = application.decision
    before = None
    if decision is None:
        decision = SelectionDecision(application=application)
        db.session.add(decision)
    else:
        before = {"outcome": decision.outcome.value, "rationale": decision.rationale}
    decision.outcome, decision.rationale = outcome, rationale
    decision.decided_by_id, decision.decided_at = getattr(actor, "id", None), utcnow()
    db.session.flush()
    record(actor, "application.selection_decision", application,
           f"Application {application.id} marked {outcome.value}",
           {"outcome": outcome.value, "rationale": rationale, "before": before})
    return decision


def complete_selection(actor, call: Call) -> list[Application]:
    """Complete the selection (call → selection_done); the workflow signals downstream to open one case per selected
    application. Returns the selected applications."""
    CALL_WORKFLOW.apply(call, CallAction.COMPLETE_SELECTION, actor)
    return selected_applications(call)


@dataclass
class OfficerScores:
    officer: object
    by_criterion: dict[int, SelectionScore] = field(default_factory=dict)
    weighted: float | None = None


@dataclass
class RankedApplication:
    application: Application
    weighted_average: float | None
    officers: list[OfficerScores]
    criterion_means: dict[int, float]
    criterion_spread: dict[int, int]
    spread: float | None
    complete_officers: int = 0
    rank: int | None = None


def _weighted(values: dict[int, float], weights: dict[int, int]) -> float | None:
    if not values or set(values) != set(weights):
        return None
    return sum(values[c] * weights[c] for c in weights) / sum(weights.values())


def selection_ranking(call: Call) -> list[RankedApplication]:
    """Submitted applications ranked by the weighted average of the officers' mean score per criterion."""
    applications = db.session.scalars(
        select(Application).where(Application.call_id == call.id, Application.status == ApplicationStatus.SUBMITTED)
        .options(selectinload(Application.scores).joinedload(SelectionScore.officer),
                 selectinload(Application.decision))
    ).unique().all()
    weights = {criterion.id: criterion.weight for criterion in call.criteria}
    ranked = []
    for application in applications:
        officers: dict[int, OfficerScores] = {}
        per_criterion: dict[int, list[int]] = {}
        for score in application.scores:
            if score.criterion_id not in weights:
                continue
            officers.setdefault(score.officer_id, OfficerScores(score.officer)).by_criterion[score.criterion_id] = score
            per_criterion.setdefault(score.criterion_id, []).append(score.score)
        for entry in officers.values():
            entry.weighted = _weighted({c: s.score for c, s in entry.by_criterion.items()}, weights)
        means = {c: mean(values) for c, values in per_criterion.items()}
        totals = [entry.weighted for entry in officers.values() if entry.weighted is not None]
        ranked.append(RankedApplication(
            application=application,
            weighted_average=_weighted(means, weights),
            officers=sorted(officers.values(), key=lambda e: e.officer.full_name),
            criterion_means=means,
            criterion_spread={c: max(values) - min(values) for c, values in per_criterion.items()},
            spread=(max(totals) - min(totals)) if totals else None,
            complete_officers=len(totals),
        ))
    ranked.sort(key=lambda row: (row.weighted_average is None, -(row.weighted_average or 0), row.application.id))
    for position, row in enumerate(ranked, start=1):
        row.rank = position if row.weighted_average is not None else None
    return ranked
