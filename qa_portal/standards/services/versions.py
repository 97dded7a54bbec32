"""Standard sets and versions: creation, new version = clone of the latest, the immutability guard, and
status changes through the workflow."""
from flask_babel import gettext as _
from sqlalchemy import Select, select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.extensions import db
from qa_portal.standards import workflow
from qa_portal.standards.models import (
    ComplianceLevel, Criterion, Standard, StandardSet, StandardVersion, VersionAction, VersionStatus,
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
    return workflow.VERSION_WORKFLOW.apply(version, VersionAction.OPEN_CONSULTATION, actor)


def approve_version(actor, version: StandardVersion) -> StandardVersion:
    """Approve a consulted version; earlier approved versions of the set become superseded."""
    return workflow.VERSION_WORKFLOW.apply(version, VersionAction.APPROVE, actor)


def withdraw_version(actor, version: StandardVersion, reason: str) -> StandardVersion:
    """Withdraw a version, giving the reason (it stays readable, marked as withdrawn)."""
    return workflow.VERSION_WORKFLOW.apply(version, VersionAction.WITHDRAW, actor, _clean(reason))
