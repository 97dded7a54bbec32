"""Specification services: write versions (a locked version is never changed), freeze, publish, withdraw."""
from flask_babel import gettext as _

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.versioning import EditConflict, conflict_on_race
from qa_portal.core.workflow import TransitionRefused
from qa_portal.extensions import db
from qa_portal.pilots.models import (
    Institution, LearningOutcome, MicroCredential, QaStatus, SpecificationAction, SpecificationStatus,
    SpecificationVersion,
)
from qa_portal.pilots.models.specification_rules import check_specification
from qa_portal.pilots.workflow import SPECIFICATION_WORKFLOW, freeze_specification_version  # noqa: F401 (a service)

# The columns of a version that hold the description (copied into a new version).
CONTENT_FIELDS = (
    "title_en", "title_hy", "awarding_bodies", "issuer_countries", "short_description", "ects",
    "ects_override_reason", "notional_hours", "hours_reason", "eqf_level", "eqf_not_applicable", "nqf_level", "qf_ehea_cycle",
    "isced_f_code", "assessment_type", "assessment_details", "participation_form", "supervision",
    "grading_scale", "certificate_type", "prerequisites", "stackability", "stackable_towards", "learning_mode",
    "languages", "qa_type", "further_learning", "valid_from", "valid_to",
)
TEXT_DEFAULTS = {
    "title_hy": "", "short_description": "", "ects_override_reason": "", "hours_reason": "", "isced_f_code": "",
    "assessment_details": "", "grading_scale": "", "prerequisites": "", "stackable_towards": "", "qa_type": "",
    "further_learning": "",
}
LIST_FIELDS = ("awarding_bodies", "issuer_countries", "languages")


def version_content(version: SpecificationVersion) -> dict:
    """A version's description as the data dict the services take (outcomes included)."""
    data = {field: getattr(version, field) for field in CONTENT_FIELDS}
    data["outcomes"] = [{"statement": o.statement, "esco_uris": list(o.esco_uris)} for o in version.outcomes]
    return data


def _normalised(data: dict) -> dict:
    clean = {field: data.get(field) for field in CONTENT_FIELDS}
    for field, default in TEXT_DEFAULTS.items():
        clean[field] = (clean[field] or default).strip()
    for field in LIST_FIELDS:
        clean[field] = list(clean[field] or [])
    clean["eqf_not_applicable"] = bool(clean["eqf_not_applicable"]) and clean["eqf_level"] is None
    if clean["stackability"] != "stackable":
        clean["stackable_towards"] = ""
    clean["outcomes"] = [
        {"statement": (o.get("statement") or "").strip(), "esco_uris": list(o.get("esco_uris") or [])}
        for o in data.get("outcomes") or []
        if (o.get("statement") or "").strip() or o.get("esco_uris")
    ]
    return clean


def _validate(data: dict) -> None:
    errors = check_specification(data)
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)


def _apply(version: SpecificationVersion, data: dict) -> None:
    for field in CONTENT_FIELDS:
        setattr(version, field, data[field])
    version.outcomes.clear()
    db.session.flush()
    for position, outcome in enumerate(data["outcomes"], start=1):
        version.outcomes.append(
            LearningOutcome(position=position, statement=outcome["statement"], esco_uris=outcome["esco_uris"])
        )


def create_specification(actor, institution: Institution, data: dict) -> SpecificationVersion:
    """Start a micro-credential for an institution with its first (draft) version."""
    data = _normalised(data)
    _validate(data)
    credential = MicroCredential(institution=institution, created_by=actor)
    version = SpecificationVersion(micro_credential=credential, number=1, created_by=actor)
    db.session.add_all([credential, version])
    _apply(version, data)
    db.session.flush()
    record(actor, "specification.create", credential,
           f"Created specification “{version.title_en}” for {institution.short_name}", {"version": 1})
    return version


def specification_base(version: SpecificationVersion) -> str:
    """The version an edit starts from, as the form carries it: "<number>.<revision>"."""
    return f"{version.number}.{version.revision}"


def update_specification(actor, credential: MicroCredential, data: dict,
                         expected_base: str | None = None) -> SpecificationVersion:
    """Save an edit: in place on an unlocked draft, else as a new version (earlier versions never change); an edit
    typed on another version than the latest, or on an older revision of it, is a conflict (no lost edits)."""
    data = _normalised(data)
    _validate(data)
    latest = credential.latest_version
    if expected_base and expected_base != specification_base(latest):
        raise EditConflict(_("Someone else saved this specification after you opened it. Compare the texts "
                             "below."), latest)
    if latest.locked and version_content(latest) == data:
        return latest
    if latest.locked:
        version = SpecificationVersion(micro_credential=credential, number=latest.number + 1, created_by=actor)
        db.session.add(version)
        _apply(version, data)
        db.session.flush()
        record(actor, "specification.new_version", credential,
               f"Created version {version.number} of “{version.title_en}” (version {latest.number} is locked)",
               {"version": version.number, "from_version": latest.number})
        return version
    before = version_content(latest)
    latest_id = latest.id
    with conflict_on_race(_("Someone else saved this specification at the same moment. Compare the texts below."),
                          lambda: db.session.get(SpecificationVersion, latest_id)):
        _apply(latest, data)
    changed = sorted(key for key, value in version_content(latest).items() if before.get(key) != value)
    record(actor, "specification.update", credential,
           f"Updated version {latest.number} of “{latest.title_en}”", {"version": latest.number, "fields": changed})
    return latest


def publish_specification_version(actor, version: SpecificationVersion) -> SpecificationVersion:
    """Publish a complete draft version, the latest, at its permanent public URL (through its workflow)."""
    SPECIFICATION_WORKFLOW.apply(version, SpecificationAction.PUBLISH, actor)
    return version


def publish_reviewed_version(actor, version: SpecificationVersion) -> SpecificationVersion:
    """Make public a frozen version a published QA decision covers (ESG 2.6: the decision, its report and what
    was reviewed are published together); unlike publish_specification_version it need not be the latest."""
    if version.status == SpecificationStatus.DRAFT:
        SPECIFICATION_WORKFLOW.apply(version, SpecificationAction.PUBLISH_REVIEWED, actor, system=True)
    return version


def withdraw_specification(actor, credential: MicroCredential, reason: str) -> list[SpecificationVersion]:
    """Withdraw every published version; they stay readable at their URLs, marked withdrawn."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for withdrawing this micro-credential."), field="reason")
    published = [v for v in credential.versions if v.status == SpecificationStatus.PUBLISHED]
    if not published:
        raise TransitionRefused(_("Only a published micro-credential can be withdrawn."))
    for version in published:
        SPECIFICATION_WORKFLOW.apply(version, SpecificationAction.WITHDRAW, actor, reason)
    return published


def set_qa_status(actor, credential: MicroCredential, status: QaStatus) -> MicroCredential:
    """Record how far the agency has quality-assured the micro-credential (shown and filterable in the catalogue)."""
    if credential.qa_status != status:
        before = credential.qa_status
        credential.qa_status = status
        db.session.flush()
        record(actor, "specification.qa_status", credential, f"QA status {before} → {status}",
               {"from": str(before), "to": str(status)})
    return credential
