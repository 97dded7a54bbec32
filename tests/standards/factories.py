"""Factory helpers for standards: make_version(status=…, standards=…), make_comment(version, …)."""
import itertools

from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.standards import services
from qa_portal.standards.models import (
    ComplianceLevel, ConsultationComment, Criterion, StakeholderType, Standard, StandardSet, StandardVersion,
    VersionStatus,
)

_counter = itertools.count(1)


def make_standard_set(code: str | None = None, title: str | None = None, title_hy: str | None = None) -> StandardSet:
    """A set with a first draft version 1 carrying the default compliance scale (no standards)."""
    n = next(_counter)
    standard_set = services.create_standard_set(None, code or f"set-{n}", title or f"Standard set {n}", title_hy)
    db.session.commit()
    return standard_set


def add_content(version: StandardVersion, standards: int = 2, criteria: int = 2) -> StandardVersion:
    """Give a version `standards` standards with `criteria` criteria each, and a decision rule (bypasses the guard)."""
    for s in range(1, standards + 1):
        standard = Standard(position=s, code=f"S{s}", title=f"Standard {s} title",
                            statement=f"Statement of standard {s}.", guidelines="", esg_refs=["1.1"],
                            principle_refs=[1])
        version.standards.append(standard)
        db.session.flush()
        for c in range(1, criteria + 1):
            standard.criteria.append(Criterion(version_id=version.id, position=c, code=f"C{s}.{c}",
                                               text=f"Criterion {s}.{c} text.", expected_evidence="Evidence.",
                                               mandatory=True))
    version.decision_rule = version.decision_rule or "Positive when every mandatory criterion is met."
    db.session.commit()
    return version


def make_version(status: VersionStatus = VersionStatus.DRAFT, standard_set: StandardSet | None = None,
                 standards: int = 2, criteria: int = 2) -> StandardVersion:
    """A version in the given status with content; the data its status implies (dates, reason) is filled in."""
    if standard_set is None:
        version = make_standard_set().versions[0]
    else:
        version = StandardVersion(number=max(v.number for v in standard_set.versions) + 1)
        version.levels = [ComplianceLevel(position=i, code=code, label=label, description=text, not_applicable=na)
                          for i, (code, label, text, na) in enumerate(services.DEFAULT_SCALE, 1)]
        standard_set.versions.append(version)
        db.session.flush()
    add_content(version, standards, criteria)
    now = utcnow()
    if status != VersionStatus.DRAFT:
        version.consultation_opened_at = now
    if status in (VersionStatus.APPROVED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN):
        version.approved_at = now
    if status == VersionStatus.SUPERSEDED:
        version.superseded_at = now
    if status == VersionStatus.WITHDRAWN:
        version.withdrawn_at, version.withdrawn_reason = now, "Replaced by national regulation."
    version.status = status
    db.session.commit()
    return version


def make_comment(version: StandardVersion, author=None, standard: Standard | None = None, text: str = "A comment.",
                 stakeholder_type: StakeholderType = StakeholderType.HEI) -> ConsultationComment:
    """A consultation comment stored directly (whatever the version's status)."""
    comment = ConsultationComment(version=version, standard=standard, author_id=getattr(author, "id", None),
                                  stakeholder_type=stakeholder_type, text=text)
    db.session.add(comment)
    db.session.commit()
    return comment
