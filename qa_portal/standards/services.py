"""Standards services: sets, versions (new version = clone of the latest), content editing behind one
immutability guard, consultation comments and answers, and status changes through the workflow."""
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.standards import workflow
from qa_portal.standards.models import (
    CommentResponse, ComplianceLevel, ConsultationComment, Criterion, StakeholderType, Standard, StandardSet,
    StandardVersion, VersionStatus,
)

# The default compliance scale of a new set: (code, label, description, not applicable?).
DEFAULT_SCALE = [
    ("fully_compliant", "Fully compliant",
     "The criterion is met in full; any remarks concern improvements, not shortcomings.", False),
    ("substantially_compliant", "Substantially compliant",
     "The criterion is met in most respects; minor shortcomings do not put its purpose at risk.", False),
    ("partially_compliant", "Partially compliant",
     "The criterion is met only in part; shortcomings put its purpose at risk and need action.", False),
    ("non_compliant", "Non-compliant",
     "The criterion is not met, or no evidence shows that it is.", False),
    ("not_applicable", "Not applicable",
     "The criterion does not apply to this micro-credential; the panel states why.", True),
]


class ConsultationClosed(DomainError):
    """The version is not in consultation, so it takes no comments or answers (HTTP 409)."""

    status_code = 409


class VersionLocked(DomainError):
    """An approved, superseded or withdrawn version is frozen: editing it is a conflict (HTTP 409)."""

    status_code = 409


def approved_versions() -> Select:
    """The versions in force now (status approved), newest first: what calls and cases may bind to."""
    return (select(StandardVersion).where(StandardVersion.status == VersionStatus.APPROVED)
            .order_by(StandardVersion.approved_at.desc(), StandardVersion.id.desc()))


def ensure_editable(version: StandardVersion) -> None:
    """Refuse any change to the content of an approved, superseded or withdrawn version."""
    if version.is_locked:
        raise VersionLocked(_(
            "Version %(number)s is %(status)s and can no longer be changed. Start a new version to make changes.",
            number=version.number, status=workflow.STATUS_LABELS[version.status]))


def _clean(value: str | None) -> str:
    return (value or "").strip()


# --- sets and versions -------------------------------------------------------------------------

def find_standard_set(code: str) -> StandardSet | None:
    """The set with this code (codes are stored lower-case)."""
    return db.session.scalar(select(StandardSet).where(StandardSet.code == _clean(code).lower()))


def create_standard_set(actor, code: str, title: str, title_hy: str | None = None,
                        description: str = "") -> StandardSet:
    """Create a set with its first draft version and the default compliance scale."""
    code = _clean(code).lower()
    if find_standard_set(code) is not None:
        raise DomainError(_("Another standard set already uses this code."), field="code")
    standard_set = StandardSet(code=code, title=_clean(title), title_hy=_clean(title_hy) or None,
                               description=_clean(description))
    version = StandardVersion(number=1, status=VersionStatus.DRAFT, created_by_id=getattr(actor, "id", None))
    version.levels = [ComplianceLevel(position=index, code=level_code, label=label, description=text,
                                      not_applicable=not_applicable)
                      for index, (level_code, label, text, not_applicable) in enumerate(DEFAULT_SCALE, 1)]
    standard_set.versions.append(version)
    db.session.add(standard_set)
    db.session.flush()
    record(actor, "standards.set.create", standard_set, f"Created standard set {code} with draft version 1",
           {"code": code, "title": standard_set.title})
    return standard_set


def update_standard_set(actor, standard_set: StandardSet, title: str, title_hy: str | None,
                        description: str) -> StandardSet:
    """Change a set's title and description (the content of its versions is edited per version)."""
    before = {"title": standard_set.title, "title_hy": standard_set.title_hy, "description": standard_set.description}
    standard_set.title, standard_set.title_hy = _clean(title), _clean(title_hy) or None
    standard_set.description = _clean(description)
    db.session.flush()
    record(actor, "standards.set.update", standard_set, f"Updated standard set {standard_set.code}",
           {"before": before, "after": {"title": standard_set.title, "title_hy": standard_set.title_hy,
                                        "description": standard_set.description}})
    return standard_set


def latest_version(standard_set: StandardSet) -> StandardVersion | None:
    """The set's highest-numbered version."""
    return db.session.scalar(select(StandardVersion).where(StandardVersion.standard_set_id == standard_set.id)
                             .order_by(StandardVersion.number.desc()).limit(1))


def start_new_version(actor, standard_set: StandardSet) -> StandardVersion:
    """Clone the latest version (standards, criteria, scale, decision rule) into a new draft."""
    open_version = db.session.scalar(select(StandardVersion).where(
        StandardVersion.standard_set_id == standard_set.id,
        StandardVersion.status.in_([VersionStatus.DRAFT, VersionStatus.CONSULTATION])))
    if open_version is not None:
        raise DomainError(_("Version %(number)s is still being drafted or consulted on: finish or withdraw it first.",
                            number=open_version.number))
    source = latest_version(standard_set)
    version = StandardVersion(number=(source.number + 1) if source else 1, status=VersionStatus.DRAFT,
                              created_by_id=getattr(actor, "id", None),
                              decision_rule=source.decision_rule if source else "")
    standard_set.versions.append(version)
    db.session.flush()
    if source is not None:
        _copy_content(source, version)
    db.session.flush()
    record(actor, "standards.version.create", version,
           f"Started {version.label}" + (f" from v{source.number}" if source else ""),
           {"cloned_from": source.id if source else None})
    return version


def _copy_content(source: StandardVersion, target: StandardVersion) -> None:
    for standard in source.standards:
        copy = Standard(position=standard.position, code=standard.code, title=standard.title,
                        statement=standard.statement, guidelines=standard.guidelines,
                        esg_refs=list(standard.esg_refs), principle_refs=list(standard.principle_refs))
        copy.criteria = [Criterion(version_id=target.id, position=criterion.position, code=criterion.code,
                                   text=criterion.text, expected_evidence=criterion.expected_evidence,
                                   mandatory=criterion.mandatory) for criterion in standard.criteria]
        target.standards.append(copy)
    target.levels = [ComplianceLevel(position=level.position, code=level.code, label=level.label,
                                     description=level.description, not_applicable=level.not_applicable)
                     for level in source.levels]


def update_version_details(actor, version: StandardVersion, decision_rule: str, change_note: str) -> StandardVersion:
    """Set the decision rule and the note on what changed in this version."""
    ensure_editable(version)
    version.decision_rule, version.change_note = _clean(decision_rule), _clean(change_note)
    db.session.flush()
    record(actor, "standards.version.update", version, f"Updated the decision rule and note of {version.label}",
           {"decision_rule": version.decision_rule, "change_note": version.change_note})
    return version


def open_consultation(actor, version: StandardVersion) -> StandardVersion:
    """Open the stakeholder consultation on a draft (through the workflow)."""
    return workflow.apply_action(version, workflow.VersionAction.OPEN_CONSULTATION, actor)


def approve_version(actor, version: StandardVersion) -> StandardVersion:
    """Approve a consulted version; earlier approved versions of the set become superseded."""
    return workflow.apply_action(version, workflow.VersionAction.APPROVE, actor)


def withdraw_version(actor, version: StandardVersion, reason: str) -> StandardVersion:
    """Withdraw a version, giving the reason (it stays readable, marked as withdrawn)."""
    return workflow.apply_action(version, workflow.VersionAction.WITHDRAW, actor, reason=_clean(reason))


# --- standards, criteria and scale levels ---------------------------------------------------------

def _refs(esg_refs, principle_refs) -> tuple[list[str], list[int]]:
    return sorted({str(ref) for ref in esg_refs or []}, key=lambda ref: [int(p) for p in ref.split(".")]), \
        sorted({int(ref) for ref in principle_refs or []})


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
                    esg_refs=(), principle_refs=()) -> Standard:
    """Change a standard of an editable version."""
    ensure_editable(standard.version)
    code = _clean(code)
    _ensure_standard_code_free(standard.version, code, standard)
    before = _standard_fields(standard)
    esg, principles = _refs(esg_refs, principle_refs)
    standard.code, standard.title, standard.statement = code, _clean(title), _clean(statement)
    standard.guidelines, standard.esg_refs, standard.principle_refs = _clean(guidelines), esg, principles
    db.session.flush()
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
                     mandatory: bool = True) -> Criterion:
    """Change a criterion of an editable version."""
    version = criterion.standard.version
    ensure_editable(version)
    code = _clean(code)
    _ensure_criterion_code_free(version, code, criterion)
    before = _criterion_fields(criterion)
    criterion.code, criterion.text = code, _clean(text)
    criterion.expected_evidence, criterion.mandatory = _clean(expected_evidence), bool(mandatory)
    db.session.flush()
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
                 not_applicable: bool = False) -> ComplianceLevel:
    """Change a level of an editable version's compliance scale."""
    ensure_editable(level.version)
    code = _clean(code).lower()
    _ensure_level_code_free(level.version, code, level)
    before = _level_fields(level)
    level.code, level.label, level.description = code, _clean(label), _clean(description)
    level.not_applicable = bool(not_applicable)
    db.session.flush()
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


# --- consultation ---------------------------------------------------------------------------------

def add_comment(actor, version: StandardVersion, standard: Standard | None, stakeholder_type: StakeholderType,
                text: str) -> ConsultationComment:
    """Record a stakeholder's comment on a version in consultation (on one of its standards, or the whole)."""
    if version.status != VersionStatus.CONSULTATION:
        raise ConsultationClosed(_("Version %(number)s is not open for consultation, so it takes no comments.",
                            number=version.number))
    if standard is not None and standard.version_id != version.id:
        raise DomainError(_("Choose a standard of this version."), field="standard")
    text = _clean(text)
    if not text:
        raise DomainError(_("Write your comment."), field="text")
    comment = ConsultationComment(version=version, standard=standard, author_id=getattr(actor, "id", None),
                                  stakeholder_type=StakeholderType(stakeholder_type), text=text)
    db.session.add(comment)
    db.session.flush()
    record(actor, "standards.comment.create", comment,
           f"Commented on {version.label}" + (f" standard {standard.code}" if standard else ""),
           {"stakeholder_type": comment.stakeholder_type.value, "standard": standard.code if standard else None})
    return comment


def answer_comment(actor, comment: ConsultationComment, response: CommentResponse, answer_text: str) -> ConsultationComment:
    """Record (or revise) the agency's answer to a comment while the consultation is open."""
    if comment.version.status != VersionStatus.CONSULTATION:
        raise ConsultationClosed(_("The consultation on version %(number)s is closed; its answers are final.",
                            number=comment.version.number))
    answer_text = _clean(answer_text)
    if not answer_text:
        raise DomainError(_("Write the answer to the comment."), field="answer_text")
    answered_by_id = getattr(actor, "id", None)  # read before assigning: loading it may autoflush
    comment.response, comment.answer_text = CommentResponse(response), answer_text
    comment.answered_by_id, comment.answered_at = answered_by_id, utcnow()
    db.session.flush()
    record(actor, "standards.comment.answer", comment, f"Answered comment {comment.id} on {comment.version.label}",
           {"response": comment.response.value, "answer_text": answer_text})
    return comment


def unanswered_comment_counts(version_ids: list[int]) -> dict[int, int]:
    """Per version id, how many consultation comments still wait for an answer (one query)."""
    if not version_ids:
        return {}
    rows = db.session.execute(
        select(ConsultationComment.version_id, func.count(ConsultationComment.id))
        .where(ConsultationComment.version_id.in_(version_ids), ConsultationComment.response.is_(None))
        .group_by(ConsultationComment.version_id)
    ).all()
    return {version_id: count for version_id, count in rows}
