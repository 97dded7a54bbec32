"""JSON shapes of the catalogue resources: institutions (public facts only), micro-credentials (every element of
the latest published version, the public version history, the QA status) and approved standard-set versions.

Each function reads only what the caller has loaded: no function here runs a query."""
from datetime import datetime

from qa_portal.core.urls import public_url
from qa_portal.pilots.models import Institution, MicroCredential, SpecificationStatus, SpecificationVersion
from qa_portal.pilots.models.reference import isced_name
from qa_portal.pilots.services.qa_status import status_of
from qa_portal.standards.models import Standard, StandardVersion

__all__ = ["iso_time", "institution_json", "institution_detail_json", "micro_credential_json",
           "specification_elements_json", "standard_version_json", "QaDecision"]


def iso_time(moment: datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with a Z, to the second."""
    return None if moment is None else moment.replace(microsecond=0).isoformat() + "Z"


def _iso_date(day) -> str | None:
    return None if day is None else day.isoformat()


def _code(member) -> str | None:
    """An enum member's stored value, or None."""
    return None if member is None else member.value


def institution_json(institution: Institution) -> dict:
    """An institution's public facts (names, acronym, type, country, identifiers, website) and its API URL;
    never its members, their emails or contact persons. Embedded in decisions and micro-credentials."""
    return {
        "id": institution.id,
        "url": public_url("registry.institution_detail", institution_id=institution.id),
        "name_en": institution.name_en,
        "name_hy": institution.name_hy or None,
        "acronym": institution.short_name,
        "type": _code(institution.institution_type),
        "country": institution.country,
        "national_id": institution.national_id,
        "website": institution.website,
        "deqar_id": institution.deqar_id,
        "eter_id": institution.eter_id,
    }


def institution_detail_json(institution: Institution, micro_credential_count: int, decision_count: int) -> dict:
    """An institution with links to its published micro-credentials and published decisions: the API lists filtered
    by the institution (so an institution with thousands of decisions still answers in one small object) and how
    many each holds."""
    return institution_json(institution) | {
        "updated_at": iso_time(institution.updated_at),
        "micro_credentials": {
            "count": micro_credential_count,
            "url": public_url("registry.micro_credential_list", institution=institution.id),
        },
        "decisions": {
            "count": decision_count,
            "url": public_url("registry.decision_list", institution=institution.id),
        },
    }


class QaDecision:
    """The few facts of a published decision a micro-credential's QA status shows (read as one row, no ORM)."""

    __slots__ = ("id", "published_at", "outcome_code", "outcome_kind", "standing", "superseded_by")

    def __init__(self, id: int, published_at: datetime, outcome_code: str, outcome_kind, standing: str | None = None,
                 superseded_by: int | None = None) -> None:
        self.id, self.published_at = id, published_at
        self.outcome_code, self.outcome_kind = outcome_code, outcome_kind
        self.standing, self.superseded_by = standing, superseded_by

    def as_json(self) -> dict:
        """The decision's id, API URL, public register page and outcome."""
        return {
            "id": self.id,
            "url": public_url("registry.decision_detail", decision_id=self.id),
            "page_url": public_url("decisions.register_decision", decision_id=self.id),
            "outcome": self.outcome_code,
            "outcome_kind": _code(self.outcome_kind),
            "published_at": iso_time(self.published_at),
            "status": self.standing,
            "superseded_by": (None if self.superseded_by is None else
                              public_url("registry.decision_detail", decision_id=self.superseded_by)),
        }


def specification_elements_json(version: SpecificationVersion) -> dict:
    """Every EU standard element (Annex I) and template element one specification version holds."""
    return {
        "title_en": version.title_en,
        "title_hy": version.title_hy or None,
        "awarding_bodies": list(version.awarding_bodies or []),
        "issuer_countries": list(version.issuer_countries or []),
        "short_description": version.short_description,
        "learning_outcomes": [
            {"position": outcome.position, "statement": outcome.statement, "esco_uris": list(outcome.esco_uris or [])}
            for outcome in version.outcomes
        ],
        "ects": None if version.ects is None else float(version.ects),
        "ects_override_reason": version.ects_override_reason or None,
        "notional_hours": version.notional_hours,
        "eqf_level": version.eqf_level,
        "eqf_not_applicable": version.eqf_not_applicable,
        "nqf_level": version.nqf_level,
        "qf_ehea_cycle": _code(version.qf_ehea_cycle),
        "isced_f": ({"code": version.isced_f_code, "name": isced_name(version.isced_f_code)}
                    if version.isced_f_code else None),
        "assessment_type": _code(version.assessment_type),
        "assessment_details": version.assessment_details,
        "participation_form": _code(version.participation_form),
        "learning_mode": _code(version.learning_mode),
        "supervision": _code(version.supervision),
        "grading_scale": version.grading_scale,
        "certificate_type": _code(version.certificate_type),
        "prerequisites": version.prerequisites,
        "stackability": _code(version.stackability),
        "stackable_towards": version.stackable_towards or None,
        "further_learning": version.further_learning,
        "languages": list(version.languages or []),
        "quality_assurance": version.qa_type,
        "valid_from": _iso_date(version.valid_from),
        "valid_to": _iso_date(version.valid_to),
    }


def _version_summary(credential: MicroCredential, version: SpecificationVersion) -> dict:
    """A public version's number, status, dates and permanent public page."""
    return {
        "number": version.number,
        "status": version.status.value,
        "published_at": iso_time(version.published_at),
        "withdrawn_at": iso_time(version.withdrawn_at),
        "page_url": public_url("pilots.catalogue_version", credential_id=credential.id, number=version.number),
    }


def public_versions(credential: MicroCredential) -> list[SpecificationVersion]:
    """The versions the public may read (published or withdrawn), oldest first; drafts never."""
    return [version for version in credential.versions if version.is_public]


def latest_published_version(credential: MicroCredential) -> SpecificationVersion:
    """The newest published version (the catalogue's entry for the micro-credential)."""
    return [v for v in credential.versions if v.status == SpecificationStatus.PUBLISHED][-1]


def micro_credential_updated_at(credential: MicroCredential, decisions: list[QaDecision]) -> datetime:
    """When anything the API shows of the micro-credential last changed: the record (its QA status), a public
    version (published, withdrawn) or a published decision on it. `updated_since` filters on the same times."""
    moments = [credential.updated_at] + [version.updated_at for version in public_versions(credential)]
    moments += [decision.published_at for decision in decisions]
    return max(moments)


def micro_credential_json(credential: MicroCredential, decisions: list[QaDecision]) -> dict:
    """A published micro-credential: every element of its latest published version, its public versions and its
    QA status (with the latest published decision on it). `decisions`: its published decisions, oldest first."""
    latest = latest_published_version(credential)
    latest_decision = decisions[-1] if decisions else None
    return {
        "id": credential.id,
        "url": public_url("registry.micro_credential_detail", specification_id=credential.id),
        "page_url": public_url("pilots.catalogue_version", credential_id=credential.id, number=latest.number),
        "institution": institution_json(credential.institution),
        "version": latest.number,
        "elements": specification_elements_json(latest),
        "versions": [_version_summary(credential, version) for version in public_versions(credential)],
        "qa_status": {
            "status": status_of(credential).value,
            "decision": latest_decision.as_json() if latest_decision else None,
            "history": [decision.as_json() for decision in decisions],
        },
        "decisions": [decision.as_json()["url"] for decision in decisions],
        "updated_at": iso_time(micro_credential_updated_at(credential, decisions)),
    }


def _standard_json(standard: Standard) -> dict:
    """One standard with its ESG Part 1 and Annex II references and its criteria."""
    return {
        "code": standard.code,
        "title": standard.title,
        "statement": standard.statement,
        "guidelines": standard.guidelines,
        "esg_refs": list(standard.esg_refs or []),
        "principle_refs": list(standard.principle_refs or []),
        "criteria": [
            {"code": criterion.code, "text": criterion.text, "expected_evidence": criterion.expected_evidence,
             "mandatory": criterion.mandatory}
            for criterion in standard.criteria
        ],
    }


def standard_version_json(version: StandardVersion) -> dict:
    """A published standard-set version as its public page shows it: set, status and dates, standards with their
    criteria, the compliance scale and the decision rule (never consultation comments or who approved it)."""
    standard_set = version.standard_set
    return {
        "id": version.id,
        "url": public_url("registry.standard_detail", version_id=version.id),
        "page_url": public_url("standards.public_version", code=standard_set.code, number=version.number),
        "pdf_url": public_url("standards.public_version_pdf", code=standard_set.code, number=version.number),
        "set": {"code": standard_set.code, "title_en": standard_set.title, "title_hy": standard_set.title_hy or None,
                "description": standard_set.description},
        "number": version.number,
        "status": version.status.value,
        "approved_at": iso_time(version.approved_at),
        "superseded_at": iso_time(version.superseded_at),
        "withdrawn_at": iso_time(version.withdrawn_at),
        "withdrawn_reason": version.withdrawn_reason,
        "change_note": version.change_note,
        "decision_rule": version.decision_rule,
        "standards": [_standard_json(standard) for standard in version.standards],
        "compliance_scale": [
            {"code": level.code, "label": level.label, "description": level.description,
             "not_applicable": level.not_applicable}
            for level in version.levels
        ],
        "updated_at": iso_time(version.updated_at),
    }
