"""Scoring on one page: a member saves every criterion's judgement at once (Save all), and the chair records the
consensus of many criteria at once in the summary grid; both compare each row's version, so no edit is lost."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from qa_portal.core.errors import DomainError
from qa_portal.extensions import db
from qa_portal.reviews.models import ConsensusJudgement, Judgement, PanelMember
from qa_portal.reviews.services import scoring


@dataclass
class JudgementInput:
    """One criterion's row of a member's page: level, rationale, evidence, and the version it was typed on."""

    criterion_id: int
    level_id: int | None = None
    rationale: str = ""
    evidence_ids: list = field(default_factory=list)
    base_version: int | None = None

    def same_as(self, judgement: Judgement | None) -> bool:
        """Whether the row says what is saved already (nothing to save)."""
        if judgement is None:
            return self.level_id is None and not self.rationale.strip() and not self.evidence_ids
        return (self.level_id == judgement.level_id and self.rationale.strip() == judgement.rationale
                and set(self.evidence_ids) == {item.id for item in judgement.evidence})


@dataclass
class ConsensusInput:
    """One criterion's consensus cell of the chair's grid."""

    criterion_id: int
    level_id: int | None = None
    rationale: str = ""
    base_version: int | None = None

    @property
    def blank(self) -> bool:
        return self.level_id is None and not self.rationale.strip()

    def same_as(self, consensus: ConsensusJudgement | None) -> bool:
        """Whether the cell says what is recorded already (or stays blank where nothing is)."""
        if consensus is None:
            return self.blank
        return self.level_id == consensus.level_id and self.rationale.strip() == consensus.rationale


class RowsConflict(DomainError):
    """Someone saved some of this page's rows after the user opened it; the page shows both texts (HTTP 409)."""

    status_code = 409

    def __init__(self, message: str, conflicts: dict):
        super().__init__(message)
        self.conflicts = conflicts  # criterion id -> the saved row (Judgement or ConsensusJudgement)


def _conflict_message() -> str:
    return _("Someone saved some of these rows after you opened the page. Nothing was saved: compare the texts "
             "below and save again to replace the saved versions.")


def _stale(rows: dict, changed: list) -> dict:
    return {item.criterion_id: rows[item.criterion_id] for item in changed
            if item.criterion_id in rows and rows[item.criterion_id].version != item.base_version}


def save_all_judgements(actor, member: PanelMember, inputs: list[JudgementInput]) -> list[int]:
    """Save every changed judgement of a member's page at once (drafts: incomplete allowed); a row saved elsewhere
    since the page's version is a conflict and nothing is saved. Returns the criterion ids saved."""
    scoring._ensure_judgements_open(member)
    saved = scoring.judgements_of(member)
    changed = [item for item in inputs if not item.same_as(saved.get(item.criterion_id))]
    conflicts = _stale(saved, changed)
    if conflicts:
        raise RowsConflict(_conflict_message(), conflicts)
    try:
        with db.session.no_autoflush:
            for item in changed:
                scoring.save_judgement(actor, member, item.criterion_id, item.level_id, item.rationale,
                                       item.evidence_ids)
        db.session.flush()
    except (StaleDataError, IntegrityError):  # a simultaneous save of the same rows
        db.session.rollback()
        raise RowsConflict(_conflict_message(), _stale(scoring.judgements_of(member), changed)) from None
    return [item.criterion_id for item in changed]


def record_consensus_grid(actor, case, inputs: list[ConsensusInput]) -> list[int]:
    """Record the panel's consensus of every changed cell of the chair's grid at once; a cell recorded elsewhere
    since the page's version is a conflict and nothing is saved. Returns the criterion ids recorded."""
    recorded = scoring.consensus_of(case)
    changed = [item for item in inputs if not item.same_as(recorded.get(item.criterion_id))]
    conflicts = _stale(recorded, changed)
    if conflicts:
        raise RowsConflict(_conflict_message(), conflicts)
    try:
        for item in changed:
            scoring.record_consensus(actor, case, item.criterion_id, item.level_id, item.rationale)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise RowsConflict(_conflict_message(), _stale(scoring.consensus_of(case), changed)) from None
    return [item.criterion_id for item in changed]

