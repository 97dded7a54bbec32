"""Self-evaluation (SER) rules and services: entries per criterion, SER texts, progress, warnings, frozen copies."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import object_effect, problems_guard
from qa_portal.extensions import db
from qa_portal.reviews.models import Case, CaseAction, CaseState, Evidence, SelfEvaluation, SerEntry, SerSubmission
from qa_portal.reviews.workflow import CASE_WORKFLOW
from qa_portal.standards.models import ComplianceLevel, Criterion, Standard


class SerLocked(DomainError):
    """The SER can only change while it is in preparation (HTTP 409)."""

    status_code = 409


class EditConflict(DomainError):
    """Someone saved the same text since this user opened it; the view shows both versions (HTTP 409)."""

    status_code = 409

    def __init__(self, message: str, current):
        super().__init__(message)
        self.current = current


def ensure_ser_editable(case: Case) -> None:
    """Refuse changes to the SER and its evidence unless the case is in `ser_in_preparation`."""
    if case.state != CaseState.SER_IN_PREPARATION:
        raise SerLocked(_("The self-evaluation is locked: it can only be changed while it is in preparation."))


# --- reading -------------------------------------------------------------------------------------------------

def version_standards(case: Case) -> list[Standard]:
    """The standards of the case's frozen version, each with its criteria loaded (one query each level)."""
    return list(db.session.scalars(
        select(Standard).where(Standard.version_id == case.standard_version_id)
        .options(selectinload(Standard.criteria)).order_by(Standard.position, Standard.id)
    ))


def version_levels(case: Case) -> list[ComplianceLevel]:
    """The compliance scale of the case's frozen version, best first."""
    return list(db.session.scalars(
        select(ComplianceLevel).where(ComplianceLevel.version_id == case.standard_version_id)
        .order_by(ComplianceLevel.position, ComplianceLevel.id)
    ))


def entries_by_criterion(case: Case) -> dict[int, SerEntry]:
    """The case's SER entries keyed by criterion id."""
    entries = db.session.scalars(select(SerEntry).where(SerEntry.case_id == case.id))
    return {entry.criterion_id: entry for entry in entries}


def case_evidence(case: Case) -> list[Evidence]:
    """The case's evidence files, oldest first, with their linked criteria."""
    return list(db.session.scalars(
        select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id)
    ))


def evidence_by_criterion(evidence: list[Evidence]) -> dict[int, list[Evidence]]:
    """Evidence files grouped by the criteria they are linked to."""
    grouped: dict[int, list[Evidence]] = {}
    for item in evidence:
        for criterion in item.criteria:
            grouped.setdefault(criterion.id, []).append(item)
    return grouped


def self_evaluation_of(case: Case) -> SelfEvaluation | None:
    """The SER-level texts of the case, if written."""
    return db.session.scalar(select(SelfEvaluation).where(SelfEvaluation.case_id == case.id))


@dataclass
class Progress:
    total: int = 0
    answered: int = 0
    with_evidence: int = 0

    @property
    def answered_percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def evidence_percent(self) -> int:
        return round(100 * self.with_evidence / self.total) if self.total else 0


@dataclass
class SerOverview:
    """Everything the SER page shows, loaded with a constant number of queries."""

    standards: list
    levels: list
    entries: dict
    evidence: list
    evidence_links: dict
    texts: SelfEvaluation | None
    per_standard: dict = field(default_factory=dict)
    overall: Progress = field(default_factory=Progress)
    problems: list = field(default_factory=list)
    unanswered_mandatory: list = field(default_factory=list)
    unsupported_mandatory: list = field(default_factory=list)
    unlinked_evidence: list = field(default_factory=list)


def ser_overview(case: Case) -> SerOverview:
    """Entries, evidence, progress per standard and overall, and the warnings of the SER page."""
    evidence = case_evidence(case)
    overview = SerOverview(standards=version_standards(case), levels=version_levels(case),
                           entries=entries_by_criterion(case), evidence=evidence,
                           evidence_links=evidence_by_criterion(evidence), texts=self_evaluation_of(case))
    for standard in overview.standards:
        progress = Progress()
        for criterion in standard.criteria:
            entry = overview.entries.get(criterion.id)
            linked = overview.evidence_links.get(criterion.id, [])
            answered = entry is not None and entry.is_answered
            supported = bool(linked) or (entry is not None and bool(entry.justification.strip()))
            progress.total += 1
            progress.answered += answered
            progress.with_evidence += bool(linked)
            if criterion.mandatory and not answered:
                overview.unanswered_mandatory.append(criterion)
            if criterion.mandatory and not supported:
                overview.unsupported_mandatory.append(criterion)
        overview.per_standard[standard.id] = progress
        overview.overall.total += progress.total
        overview.overall.answered += progress.answered
        overview.overall.with_evidence += progress.with_evidence
    overview.unlinked_evidence = [item for item in evidence if not item.criteria]
    overview.problems = _problems(overview)
    return overview


def _problems(overview: SerOverview) -> list[str]:
    problems = []
    if overview.unanswered_mandatory:
        problems.append(_("mandatory criteria without a narrative and self-rating: %(codes)s",
                          codes=", ".join(c.code for c in overview.unanswered_mandatory)))
    if overview.unsupported_mandatory:
        problems.append(_("mandatory criteria without evidence or a justification: %(codes)s",
                          codes=", ".join(c.code for c in overview.unsupported_mandatory)))
    return problems


def submission_problems(case: Case) -> list[str]:
    """Why the SER cannot be submitted yet (empty when every mandatory criterion is answered and backed)."""
    return ser_overview(case).problems


def submissions_of(case: Case) -> list[SerSubmission]:
    """The case's submitted copies, newest first."""
    return list(db.session.scalars(
        select(SerSubmission).where(SerSubmission.case_id == case.id).order_by(SerSubmission.number.desc())
    ))


def latest_submission(case: Case) -> SerSubmission | None:
    """The most recent submitted copy of the SER, if any."""
    return db.session.scalar(select(SerSubmission).where(SerSubmission.case_id == case.id)
                             .order_by(SerSubmission.number.desc()).limit(1))


# --- writing -------------------------------------------------------------------------------------------------

def _criterion_of_case(case: Case, criterion_id: int) -> Criterion:
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.version_id != case.standard_version_id:
        raise DomainError(_("This criterion does not belong to the case's standard-set version."))
    return criterion


def _level_of_case(case: Case, level_id: int | None) -> ComplianceLevel | None:
    if level_id is None:
        return None
    level = db.session.get(ComplianceLevel, level_id)
    if level is None or level.version_id != case.standard_version_id:
        raise DomainError(_("Choose a level of this version's compliance scale."), field="level")
    return level


def save_ser_entry(actor, case: Case, criterion: Criterion, narrative: str, level_id: int | None,
                   justification: str, evidence_ids: list[int], expected_version: int | None) -> SerEntry:
    """Save one criterion's entry and its evidence links; a save based on an older version is a conflict."""
    ensure_ser_editable(case)
    criterion = _criterion_of_case(case, criterion.id)
    level = _level_of_case(case, level_id)
    entry = db.session.scalar(select(SerEntry).where(SerEntry.case_id == case.id,
                                                     SerEntry.criterion_id == criterion.id))
    if entry is not None and expected_version != entry.version:
        raise EditConflict(_("Someone else saved this entry after you opened it. Compare the two texts below."),
                           entry)
    try:
        # No flush before ours: a colleague's save landing meanwhile must meet our version check in the UPDATE below,
        # not in an autoflush triggered by loading the evidence links.
        with db.session.no_autoflush:
            if entry is None:
                entry = SerEntry(case_id=case.id, criterion_id=criterion.id)
                db.session.add(entry)
            entry.narrative = (narrative or "").strip()
            entry.level_id = level.id if level else None
            entry.justification = (justification or "").strip()
            entry.updated_at, entry.updated_by_id = utcnow(), getattr(actor, "id", None)
            _link_evidence(case, criterion, evidence_ids)
        db.session.flush()
    except (StaleDataError, IntegrityError):  # updated, or first created, by a simultaneous save
        db.session.rollback()
        current = db.session.scalar(select(SerEntry).where(SerEntry.case_id == case.id,
                                                           SerEntry.criterion_id == criterion.id))
        raise EditConflict(_("Someone else saved this entry at the same moment. Compare the two texts below."),
                           current) from None
    record(actor, "ser.entry_save", entry, f"{case.reference}: saved the SER entry for {criterion.code}",
           {"case_id": case.id, "criterion": criterion.code, "version": entry.version,
            "level": level.code if level else None, "evidence_ids": sorted(evidence_ids)})
    return entry


def _link_evidence(case: Case, criterion: Criterion, evidence_ids: list[int]) -> None:
    """Make exactly these evidence files of the case linked to the criterion."""
    wanted = set(evidence_ids)
    items = case_evidence(case)
    unknown = wanted - {item.id for item in items}
    if unknown:
        raise DomainError(_("Choose evidence files of this case only."), field="evidence")
    for item in items:
        linked = criterion in item.criteria
        if item.id in wanted and not linked:
            item.criteria.append(criterion)
        elif item.id not in wanted and linked:
            item.criteria.remove(criterion)


SER_TEXT_FIELDS = ("summary", "strengths", "weaknesses", "improvement_plan")


def save_ser_texts(actor, case: Case, texts: dict[str, str], expected_version: int | None) -> SelfEvaluation:
    """Save the SER summary, strengths, weaknesses and improvement plan; an older base version is a conflict."""
    ensure_ser_editable(case)
    ser = self_evaluation_of(case)
    if ser is not None and expected_version != ser.version:
        raise EditConflict(_("Someone else saved these texts after you opened them. Compare the two versions below."),
                           ser)
    if ser is None:
        ser = SelfEvaluation(case_id=case.id)
        db.session.add(ser)
    for name in SER_TEXT_FIELDS:
        setattr(ser, name, (texts.get(name) or "").strip())
    ser.updated_at, ser.updated_by_id = utcnow(), getattr(actor, "id", None)
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):  # updated, or first created, by a simultaneous save
        db.session.rollback()
        raise EditConflict(_("Someone else saved these texts at the same moment. Compare the two versions below."),
                           self_evaluation_of(case)) from None
    record(actor, "ser.texts_save", ser, f"{case.reference}: saved the SER summary texts",
           {"case_id": case.id, "version": ser.version})
    return ser


def _snapshot(case: Case) -> dict:
    overview = ser_overview(case)
    texts = overview.texts
    standards = []
    for standard in overview.standards:
        criteria = []
        for criterion in standard.criteria:
            entry = overview.entries.get(criterion.id)
            level = entry.level if entry is not None else None
            criteria.append({
                "id": criterion.id, "code": criterion.code, "text": criterion.text, "mandatory": criterion.mandatory,
                "narrative": entry.narrative if entry else "", "justification": entry.justification if entry else "",
                "level_code": level.code if level else None, "level_label": level.label if level else None,
                "evidence_ids": [item.id for item in overview.evidence_links.get(criterion.id, [])],
            })
        standards.append({"id": standard.id, "code": standard.code, "title": standard.title, "criteria": criteria})
    evidence = [{"id": item.id, "title": item.title, "type": item.evidence_type.value, "language": item.language,
                 "confidentiality": item.confidentiality.value, "original_name": item.original_name,
                 "size": item.size, "sha256": item.sha256} for item in overview.evidence]
    return {
        "texts": {name: getattr(texts, name) if texts else "" for name in SER_TEXT_FIELDS},
        "standards": standards,
        "evidence": evidence,
        "progress": {"total": overview.overall.total, "answered": overview.overall.answered,
                     "with_evidence": overview.overall.with_evidence},
    }


def freeze_submission(case: Case, actor) -> SerSubmission:
    """Keep a frozen copy of the SER as submitted (workflow effect of submit_ser)."""
    number = (db.session.scalar(select(func.max(SerSubmission.number)).where(SerSubmission.case_id == case.id))
              or 0) + 1
    now = utcnow()
    content = _snapshot(case)
    # the deadline as it stood, and whether this copy came in after it (flagged wherever the copy is listed)
    content["due_at"] = case.ser_due_at.isoformat() if case.ser_due_at else None
    content["late"] = bool(case.ser_due_at and now > case.ser_due_at)
    submission = SerSubmission(case_id=case.id, number=number, content=content, submitted_at=now,
                               submitted_by_id=getattr(actor, "id", None))
    db.session.add(submission)
    db.session.flush()
    return submission


def _open_submission(case: Case) -> SerSubmission:
    submission = latest_submission(case)
    if submission is None or submission.returned_at or submission.accepted_at:
        raise DomainError(_("There is no submitted self-evaluation waiting for screening."))
    return submission


def mark_submission_returned(case: Case, actor, reasons: str) -> SerSubmission:
    """Record the officer's reasons on the submitted copy (workflow effect of return_ser); the copy stays readable."""
    submission = _open_submission(case)
    submission.returned_at, submission.returned_by_id = utcnow(), getattr(actor, "id", None)
    submission.return_reasons = reasons
    db.session.flush()
    return submission


def mark_submission_accepted(case: Case, actor) -> SerSubmission:
    """Record that the officer accepted the submitted copy for panel review (workflow effect of accept_ser)."""
    submission = _open_submission(case)
    submission.accepted_at, submission.accepted_by_id = utcnow(), getattr(actor, "id", None)
    db.session.flush()
    return submission


def _record_return(case: Case, actor, data: dict) -> None:
    """Returning records the officer's reasons on the submitted copy, which stays readable."""
    mark_submission_returned(case, actor, data["reason"])


# --- the SER's rules on the case workflow (reviews/workflow.py holds the table) ---------------------------------
# Submitting needs every mandatory criterion answered and backed, and keeps a frozen copy; screening marks that copy.
CASE_WORKFLOW.extend(CaseAction.SUBMIT_SER, guards=[problems_guard(
    submission_problems, _l("The self-evaluation cannot be submitted yet: %(problems)s"))],
    effects=[object_effect(freeze_submission)])
CASE_WORKFLOW.extend(CaseAction.RETURN_SER, effects=[_record_return])
CASE_WORKFLOW.extend(CaseAction.ACCEPT_SER, effects=[object_effect(mark_submission_accepted)])
