"""Synthetic review cases in every lifecycle state, for the page benchmark (`flask demo scale --cases N`).

Half the cases are decided and published (`scale.generate_decisions`: published or closed, a share of the conditional
ones moved on to follow-up); the other half are open, spread evenly over the stages before a decision (SER in
preparation, some overdue; submitted; panel formation; desk review; site visit; report drafting; factual accuracy;
decision pending) and withdrawn. Open cases have their institution, specifications and coordinator (the demo
officer) but no SER, panel or report rows: what the list pages and "My work" read. Bulk Core inserts like
`scale.py`, so 100,000 cases take minutes, not hours."""
import math
import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select, update

from qa_portal.core.models import utcnow
from qa_portal.decisions.models import Decision
from qa_portal.demo.scale import (
    REFERENCE_PREFIX, _insert, _institutions, _Plan, _specifications, generate_decisions, prerequisites,
)
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, Outcome, OutcomeKind
from qa_portal.reviews.models import Case, CaseSpecification, CaseState

__all__ = ["OPEN_STATES", "generate_cases"]

OPEN_STATES = (CaseState.SER_IN_PREPARATION, CaseState.SER_SUBMITTED, CaseState.PANEL_FORMATION,
               CaseState.DESK_REVIEW, CaseState.SITE_VISIT, CaseState.REPORT_DRAFTING, CaseState.FACTUAL_ACCURACY,
               CaseState.DECISION_PENDING, CaseState.WITHDRAWN)
DECIDED_SHARE = 0.5
FOLLOW_UP_SHARE = 0.5  # of the published cases whose (only) decision is conditional
BATCH = 5000
CASES_PER_INSTITUTION = 200


def _scale_case_count() -> int:
    return db.session.scalar(select(func.count(Case.id)).where(Case.reference.like(f"{REFERENCE_PREFIX}%")))


def _follow_up(rng: random.Random) -> None:
    """Move a share of the published cases whose decision is conditional (and not superseded) into follow-up."""
    conditional = (select(Decision.case_id).join(Decision.outcome)
                   .where(Decision.published_at.is_not(None)).group_by(Decision.case_id)
                   .having(func.count(Decision.id) == 1))
    candidates = list(db.session.scalars(
        select(Case.id).where(Case.state == CaseState.PUBLISHED, Case.reference.like(f"{REFERENCE_PREFIX}%"),
                              Case.id.in_(conditional.where(Outcome.kind == OutcomeKind.CONDITIONAL)))))
    chosen = [case_id for case_id in candidates if rng.random() < FOLLOW_UP_SHARE]
    for start in range(0, len(chosen), BATCH):
        db.session.execute(update(Case).where(Case.id.in_(chosen[start:start + BATCH]))
                           .values(state=CaseState.FOLLOW_UP), execution_options={"synchronize_session": False})


def _open_cases(count: int, rng: random.Random) -> None:
    """`count` open or withdrawn cases, the states taken in turn, created over the last year."""
    pre = prerequisites()
    now = utcnow().replace(microsecond=0)
    offset = _scale_case_count()
    institution_ids = _institutions(max(1, math.ceil((offset + count) / CASES_PER_INSTITUTION)), now)
    names = dict(db.session.execute(select(Institution.id, Institution.name_en)
                                    .where(Institution.id.in_(institution_ids))).all())
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        # Specifications of open cases are under review (the plan's kind only decides that in _specifications).
        plans = [_Plan(offset + start + n + 1, institution_ids[(offset + start + n + 1) % len(institution_ids)],
                       OutcomeKind.NEGATIVE, now.date() + timedelta(days=120), 2 if rng.random() < 0.2 else 1)
                 for n in range(size)]
        versions = _specifications(plans, names, rng)
        rows = []
        for plan in plans:
            state = OPEN_STATES[plan.number % len(OPEN_STATES)]
            created = now - timedelta(days=rng.randint(1, 365), minutes=rng.randint(0, 1440))
            # SERs are due 90 days after opening: those opened long ago and still in preparation are overdue.
            rows.append({"reference": f"{REFERENCE_PREFIX}{created.year}-{plan.number:06d}",
                         "institution_id": plan.institution_id, "application_id": None,
                         "standard_version_id": pre.standard_version_id, "state": state,
                         "coordinator_id": pre.officer_id if plan.number % 3 else None,
                         "ser_due_at": datetime.combine((created + timedelta(days=90)).date(), time(23, 59)),
                         "created_at": created, "updated_at": created})
        case_ids = _insert(Case, rows, with_ids=True)
        _insert(CaseSpecification, [{"case_id": case_id, "specification_version_id": version_id}
                                    for case_id, version_ids in zip(case_ids, versions) for version_id in version_ids])


def generate_cases(count: int, seed: int = 2026) -> int:
    """Add about `count` synthetic cases in every lifecycle state (half decided and published, half open or
    withdrawn); flushes, the command commits. Returns how many cases were added."""
    if count < 1:
        return 0
    before = _scale_case_count()
    rng = random.Random(seed + before)
    decided = round(count * DECIDED_SHARE)
    if decided:
        generate_decisions(decided, seed=seed + before)
        _follow_up(rng)
    added = _scale_case_count() - before
    if count > added:
        _open_cases(count - added, rng)
    db.session.flush()
    return _scale_case_count() - before
