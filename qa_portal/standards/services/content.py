"""Editing a version's content: standards, criteria and compliance-scale levels, each behind ensure_editable()."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.versioning import ensure_version, flush_or_conflict
from qa_portal.extensions import db
from qa_portal.standards.models import (
    ESG_PART1_REFS, PRINCIPLE_REFS, ComplianceLevel, ConsultationComment, Criterion, Standard, StandardVersion,
)
from qa_portal.standards.services.versions import _clean, ensure_editable


def _conflict_message() -> str:
    return _("Someone else saved this after you opened it. Compare the two texts below.")


def _flush_or_conflict(model, row_id: int) -> None:
    """Flush the change; a colleague's save landing at the same moment is a conflict, not a 500."""
    flush_or_conflict(_("Someone else saved this at the same moment. Compare the two texts below."),
                      lambda: db.session.get(model, row_id))


def _refs(esg_refs, principle_refs) -> tuple[list[str], list[int]]:
    """Known ESG Part 1 items (in ESG order) and Council Recommendation principles (1–10), without duplicates."""
    esg = {str(ref) for ref in esg_refs or []}
    principles = {str(ref) for ref in principle_refs or []}
    if not esg <= set(ESG_PART1_REFS):
        raise DomainError(_("Choose ESG Part 1 items between 1.1 and 1.10."), field="esg_refs")
    if not principles <= {str(ref) for ref in PRINCIPLE_REFS}:
        raise DomainError(_("Choose principles between 1 and 10."), field="principle_refs")
    return [ref for ref in ESG_PART1_REFS if ref in esg], sorted(int(ref) for ref in principles)


def _ensure_standard_code_free(version: StandardVersion, code: str, standard: Standard | None = None) -> None:
    existing = db.session.scalar(select(Standard).where(Standard.version_id == version.id, Standard.code == code))
    if existing is not None and existing is not standard:
        raise DomainError(_("Another standard in this version already uses the code %(code)s.", code=code),
                          field="code")


def _standard_fields(standard: Standard) -> dict:
    return {"code": standard.code, "title": standard.title, "statement": standard.statement,
            "guidelines": standard.guidelines, "esg_refs": standard.esg_refs,
            "principle_refs": standard.principle_refs}


def add_standard(actor, version: StandardVersion, code: str, title: str, statement: str, guidelines: str = "",
                 esg_refs=(), principle_refs=()) -> Standard:
    """Append a standard to a version that can still be edited; its code must be new in the version."""
    ensure_editable(version)
    code = _clean(code)
    _ensure_standard_code_free(version, code)
    esg, principles = _refs(esg_refs, principle_refs)
    position = max((s.position for s in version.standards), default=0) + 1
    standard = Standard(position=position, code=code, title=_clean(title), statement=_clean(statement),
                        guidelines=_clean(guidelines), esg_refs=esg, principle_refs=principles)
    version.standards.append(standard)
    db.session.flush()
    record(actor, "standards.standard.create", standard, f"Added standard {code} to {version.label}",
           _standard_fields(standard))
    return standard


def update_standard(actor, standard: Standard, code: str, title: str, statement: str, guidelines: str = "",
                    esg_refs=(), principle_refs=(), expected_revision: int | None = None) -> Standard:
    """Change a standard of an editable version; a change typed on an older revision is a conflict."""
    ensure_editable(standard.version)
    if expected_revision is not None:
        ensure_version(standard, expected_revision, _conflict_message())
    code = _clean(code)
    _ensure_standard_code_free(standard.version, code, standard)
    before = _standard_fields(standard)
    esg, principles = _refs(esg_refs, principle_refs)
    standard.code, standard.title, standard.statement = code, _clean(title), _clean(statement)
    standard.guidelines, standard.esg_refs, standard.principle_refs = _clean(guidelines), esg, principles
    _flush_or_conflict(Standard, standard.id)
    record(actor, "standards.standard.update", standard, f"Updated standard {code} of {standard.version.label}",
           {"before": before, "after": _standard_fields(standard)})
    return standard


def delete_standard(actor, standard: Standard) -> None:
    """Remove a standard (and its criteria) unless stakeholders have commented on it."""
    version = standard.version
    ensure_editable(version)
    has_comments = db.session.scalar(select(func.count(ConsultationComment.id))
                                     .where(ConsultationComment.standard_id == standard.id))
    if has_comments:
        raise DomainError(_("Stakeholders have commented on this standard, so it cannot be removed."))
    record(actor, "standards.standard.delete", standard, f"Removed standard {standard.code} from {version.label}",
           _standard_fields(standard))
    version.standards.remove(standard)
    db.session.flush()


def _move(items: list, item, offset: int) -> None:
    """Swap an item's position with its neighbour's in an ordered list."""
    index = items.index(item)
    other = index + offset
    if 0 <= other < len(items):
        neighbour = items[other]
        item.position, neighbour.position = neighbour.position, item.position
        if item.position == neighbour.position:
            item.position += offset


def move_standard(actor, standard: Standard, offset: int) -> Standard:
    """Move a standard one place up (-1) or down (+1)."""
    ensure_editable(standard.version)
    _move(standard.version.standards, standard, offset)
    db.session.flush()
    record(actor, "standards.standard.move", standard, f"Moved standard {standard.code}", {"offset": offset})
    return standard


def _ensure_criterion_code_free(version: StandardVersion, code: str, criterion: Criterion | None = None) -> None:
    existing = db.session.scalar(select(Criterion).where(Criterion.version_id == version.id, Criterion.code == code))
    if existing is not None and existing is not criterion:
        raise DomainError(_("Another criterion in this version already uses the code %(code)s.", code=code),
                          field="code")


def _criterion_fields(criterion: Criterion) -> dict:
    return {"code": criterion.code, "text": criterion.text, "expected_evidence": criterion.expected_evidence,
            "mandatory": criterion.mandatory}


def add_criterion(actor, standard: Standard, code: str, text: str, expected_evidence: str = "",
                  mandatory: bool = True) -> Criterion:
    """Append a criterion to a standard of an editable version; its code must be new in the version."""
    version = standard.version
    ensure_editable(version)
    code = _clean(code)
    _ensure_criterion_code_free(version, code)
    position = max((c.position for c in standard.criteria), default=0) + 1
    criterion = Criterion(version_id=version.id, position=position, code=code, text=_clean(text),
                          expected_evidence=_clean(expected_evidence), mandatory=bool(mandatory))
    standard.criteria.append(criterion)
    db.session.flush()
    record(actor, "standards.criterion.create", criterion, f"Added criterion {code} to {version.label}",
           _criterion_fields(criterion))
    return criterion


def update_criterion(actor, criterion: Criterion, code: str, text: str, expected_evidence: str = "",
                     mandatory: bool = True, expected_revision: int | None = None) -> Criterion:
    """Change a criterion of an editable version; a change typed on an older revision is a conflict."""
    version = criterion.standard.version
    ensure_editable(version)
    if expected_revision is not None:
        ensure_version(criterion, expected_revision, _conflict_message())
    code = _clean(code)
    _ensure_criterion_code_free(version, code, criterion)
    before = _criterion_fields(criterion)
    criterion.code, criterion.text = code, _clean(text)
    criterion.expected_evidence, criterion.mandatory = _clean(expected_evidence), bool(mandatory)
    _flush_or_conflict(Criterion, criterion.id)
    record(actor, "standards.criterion.update", criterion, f"Updated criterion {code} of {version.label}",
           {"before": before, "after": _criterion_fields(criterion)})
    return criterion


def delete_criterion(actor, criterion: Criterion) -> None:
    """Remove a criterion from an editable version."""
    standard = criterion.standard
    ensure_editable(standard.version)
    record(actor, "standards.criterion.delete", criterion,
           f"Removed criterion {criterion.code} from {standard.version.label}", _criterion_fields(criterion))
    standard.criteria.remove(criterion)
    db.session.flush()


def move_criterion(actor, criterion: Criterion, offset: int) -> Criterion:
    """Move a criterion one place up (-1) or down (+1) within its standard."""
    ensure_editable(criterion.standard.version)
    _move(criterion.standard.criteria, criterion, offset)
    db.session.flush()
    record(actor, "standards.criterion.move", criterion, f"Moved criterion {criterion.code}", {"offset": offset})
    return criterion


def _ensure_level_code_free(version: StandardVersion, code: str, level: ComplianceLevel | None = None) -> None:
    for other in version.levels:
        if other.code == code and other is not level:
            raise DomainError(_("Another level of this scale already uses the code %(code)s.", code=code),
                              field="code")


def _level_fields(level: ComplianceLevel) -> dict:
    return {"code": level.code, "label": level.label, "description": level.description,
            "not_applicable": level.not_applicable}


def add_level(actor, version: StandardVersion, code: str, label: str, description: str = "",
              not_applicable: bool = False) -> ComplianceLevel:
    """Append a level to an editable version's compliance scale."""
    ensure_editable(version)
    code = _clean(code).lower()
    _ensure_level_code_free(version, code)
    position = max((level.position for level in version.levels), default=0) + 1
    level = ComplianceLevel(position=position, code=code, label=_clean(label), description=_clean(description),
                            not_applicable=bool(not_applicable))
    version.levels.append(level)
    db.session.flush()
    record(actor, "standards.level.create", level, f"Added scale level {code} to {version.label}",
           _level_fields(level))
    return level


def update_level(actor, level: ComplianceLevel, code: str, label: str, description: str = "",
                 not_applicable: bool = False, expected_revision: int | None = None) -> ComplianceLevel:
    """Change a level of an editable version's compliance scale; a change typed on an older revision is a
    conflict."""
    ensure_editable(level.version)
    if expected_revision is not None:
        ensure_version(level, expected_revision, _conflict_message())
    code = _clean(code).lower()
    _ensure_level_code_free(level.version, code, level)
    before = _level_fields(level)
    level.code, level.label, level.description = code, _clean(label), _clean(description)
    level.not_applicable = bool(not_applicable)
    _flush_or_conflict(ComplianceLevel, level.id)
    record(actor, "standards.level.update", level, f"Updated scale level {code} of {level.version.label}",
           {"before": before, "after": _level_fields(level)})
    return level


def delete_level(actor, level: ComplianceLevel) -> None:
    """Remove a level from an editable version's compliance scale."""
    version = level.version
    ensure_editable(version)
    record(actor, "standards.level.delete", level, f"Removed scale level {level.code} from {version.label}",
           _level_fields(level))
    version.levels.remove(level)
    db.session.flush()


def move_level(actor, level: ComplianceLevel, offset: int) -> ComplianceLevel:
    """Move a scale level one place up (-1) or down (+1)."""
    ensure_editable(level.version)
    _move(level.version.levels, level, offset)
    db.session.flush()
    record(actor, "standards.level.move", level, f"Moved scale level {level.code}", {"offset": offset})
    return level
