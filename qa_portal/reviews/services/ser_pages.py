"""The SER written one standard at a time: every criterion of a standard saved at once (or one, the others' typing kept
as drafts), the user's server-side drafts saved as they type, and the conflicts of a whole page."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.reviews.models import Case, SerDraft, SerEntry
from qa_portal.reviews.services.self_evaluation import (
    EditConflict, _level_of_case, case_evidence, ensure_ser_editable, entries_by_criterion, evidence_by_criterion,
    save_ser_entry,
)
from qa_portal.standards.models import Standard


@dataclass
class EntryInput:
    """What the page holds for one criterion: the typed texts, the chosen level and evidence, the version typed on."""

    criterion_id: int
    narrative: str = ""
    level_id: int | None = None
    justification: str = ""
    evidence_ids: list = field(default_factory=list)
    base_version: int | None = None

    def same_as(self, entry: SerEntry | None, linked_ids: set) -> bool:
        """Whether this input says exactly what the saved entry says (nothing to save)."""
        if entry is None:
            return not (self.narrative.strip() or self.level_id or self.justification.strip() or self.evidence_ids)
        return (self.narrative.strip() == entry.narrative and self.level_id == entry.level_id
                and self.justification.strip() == entry.justification and set(self.evidence_ids) == linked_ids)


class StandardConflict(DomainError):
    """Someone saved some of this page's entries after the user opened it; the page shows both texts (HTTP 409)."""

    status_code = 409

    def __init__(self, message: str, conflicts: dict):
        super().__init__(message)
        self.conflicts = conflicts  # criterion id -> the saved SerEntry


def criteria_of_standard(case: Case, standard_id: int) -> Standard | None:
    """The standard of the case's frozen version (criteria loaded), or None."""
    standard = db.session.get(Standard, standard_id)
    if standard is None or standard.version_id != case.standard_version_id:
        return None
    return standard


def drafts_of(case: Case, user) -> dict[int, SerDraft]:
    """The user's unsaved drafts on the case, keyed by criterion id."""
    rows = db.session.scalars(select(SerDraft).where(SerDraft.case_id == case.id,
                                                     SerDraft.user_id == getattr(user, "id", None)))
    return {draft.criterion_id: draft for draft in rows}


def _linked_ids(case: Case) -> dict[int, set]:
    return {criterion_id: {item.id for item in items}
            for criterion_id, items in evidence_by_criterion(case_evidence(case)).items()}


def _check_inputs(case: Case, standard: Standard, inputs: list[EntryInput]) -> None:
    ids = {criterion.id for criterion in standard.criteria}
    if any(item.criterion_id not in ids for item in inputs):
        raise DomainError(_("This criterion does not belong to the standard of this page."))
    for item in inputs:
        _level_of_case(case, item.level_id)


def save_standard_page(actor, case: Case, standard: Standard, inputs: list[EntryInput],
                       only: int | None = None) -> list[int]:
    """Save the page's changed entries (every criterion, or `only` one while the others' typing is kept as drafts);
    an entry saved by someone else since the user's version is a conflict and nothing is saved. Returns the
    criterion ids saved."""
    ensure_ser_editable(case)
    _check_inputs(case, standard, inputs)
    entries, linked = entries_by_criterion(case), _linked_ids(case)
    to_save = [item for item in inputs if only is None or item.criterion_id == only]
    changed = [item for item in to_save
               if not item.same_as(entries.get(item.criterion_id), linked.get(item.criterion_id, set()))]
    conflicts = {item.criterion_id: entries[item.criterion_id] for item in changed
                 if item.criterion_id in entries and entries[item.criterion_id].version != item.base_version}
    if conflicts:
        raise StandardConflict(_("Someone else saved some of these entries after you opened them. Compare the "
                                 "texts below; nothing was saved."), conflicts)
    criteria = {criterion.id: criterion for criterion in standard.criteria}
    for item in changed:
        try:
            save_ser_entry(actor, case, criteria[item.criterion_id], item.narrative, item.level_id,
                           item.justification, item.evidence_ids, item.base_version)
        except EditConflict as error:  # a simultaneous save landed between our check and our UPDATE
            raise StandardConflict(error.message, {item.criterion_id: error.current}) from None
    kept = [item for item in inputs if only is not None and item.criterion_id != only]
    _store_drafts(actor, case, kept, entries_by_criterion(case), _linked_ids(case))
    db.session.execute(delete(SerDraft).where(
        SerDraft.case_id == case.id, SerDraft.user_id == getattr(actor, "id", None),
        SerDraft.criterion_id.in_([item.criterion_id for item in to_save])))
    db.session.flush()
    return [item.criterion_id for item in changed]


def _store_drafts(actor, case: Case, inputs: list[EntryInput], entries: dict, linked: dict) -> int:
    """Upsert a draft for each input that differs from its saved entry and drop the others; returns drafts kept."""
    drafts = drafts_of(case, actor)
    kept = 0
    for item in inputs:
        draft = drafts.get(item.criterion_id)
        if item.same_as(entries.get(item.criterion_id), linked.get(item.criterion_id, set())):
            if draft is not None:
                db.session.delete(draft)
            continue
        if draft is None:
            draft = SerDraft(case_id=case.id, criterion_id=item.criterion_id, user_id=actor.id)
            db.session.add(draft)
        draft.narrative, draft.justification = item.narrative, item.justification
        draft.level_id, draft.evidence_ids = item.level_id, sorted(set(item.evidence_ids))
        draft.base_version, draft.updated_at = item.base_version, utcnow()
        kept += 1
    return kept


def save_drafts(actor, case: Case, standard: Standard, inputs: list[EntryInput]) -> int:
    """Keep the user's typing on a standard's page as drafts (saved as they type); returns how many are kept."""
    ensure_ser_editable(case)
    _check_inputs(case, standard, inputs)
    known = {item.id for item in case_evidence(case)}
    for item in inputs:
        item.evidence_ids = [evidence_id for evidence_id in item.evidence_ids if evidence_id in known]
    kept = _store_drafts(actor, case, inputs, entries_by_criterion(case), _linked_ids(case))
    try:
        db.session.flush()
    except IntegrityError:  # the same user's other tab saved its first draft at the same moment
        db.session.rollback()
        raise DomainError(_("Your draft was saved from another window at the same moment; it is kept there.")) from None
    return kept


def record_page_save(actor, case: Case, standard: Standard, saved: list[int]) -> None:
    """Audit one save of a standard's page (each entry's own save is audited too)."""
    record(actor, "ser.standard_save", case, f"{case.reference}: saved the SER page of standard {standard.code}",
           {"case_id": case.id, "standard": standard.code, "criteria_saved": saved})
