"""Evidence services: upload a case's files (type checked by content), describe and link them, audit downloads."""
from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.core.storage import store_upload
from qa_portal.extensions import db
from qa_portal.reviews.models import Case, Confidentiality, Evidence, EvidenceType
from qa_portal.reviews.services.self_evaluation import ensure_ser_editable, submissions_of
from qa_portal.standards.models import Criterion

# Languages an evidence file may be written in (ISO 639-1), plus "other".
EVIDENCE_LANGUAGES = ("hy", "en", "ru", "other")


def _criteria_of_case(case: Case, criterion_ids: list[int]) -> list[Criterion]:
    wanted = set(criterion_ids)
    if not wanted:
        return []
    criteria = list(db.session.scalars(
        select(Criterion).where(Criterion.id.in_(wanted), Criterion.version_id == case.standard_version_id)
    ))
    if len(criteria) != len(wanted):
        raise DomainError(_("Choose criteria of this case's standard-set version only."), field="criteria")
    return criteria


def _clean_details(title: str, evidence_type, language: str, confidentiality) -> tuple:
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the file a title."), field="title")
    if language not in EVIDENCE_LANGUAGES:
        raise DomainError(_("Choose the language of the file."), field="language")
    try:
        return title, EvidenceType(evidence_type), language, Confidentiality(confidentiality)
    except ValueError:
        raise DomainError(_("Choose the type and confidentiality of the file."), field="evidence_type") from None


def upload_evidence(actor, case: Case, stream, filename: str | None, title: str, evidence_type, language: str,
                    confidentiality, criterion_ids: list[int]) -> Evidence:
    """Store an uploaded file under a random name with its SHA-256 and record it as evidence of the case."""
    ensure_ser_editable(case)
    return store_evidence(actor, case, stream, filename, title, evidence_type, language, confidentiality,
                          criterion_ids)


def store_evidence(actor, case: Case, stream, filename: str | None, title: str, evidence_type, language: str,
                   confidentiality, criterion_ids: list[int]) -> Evidence:
    """Store a file (content-checked) as evidence of the case and audit it; the caller checks the stage (the SER
    while it is editable, or a factual-accuracy comment while its window is open)."""
    title, evidence_type, language, confidentiality = _clean_details(title, evidence_type, language,
                                                                     confidentiality)
    criteria = _criteria_of_case(case, criterion_ids)
    stored = store_upload(stream, filename)
    evidence = Evidence(case_id=case.id, title=title, evidence_type=evidence_type, language=language,
                        confidentiality=confidentiality, kind=stored.kind, uploaded_by_id=getattr(actor, "id", None),
                        uploaded_at=utcnow())
    evidence.keep_stored_file(stored)
    evidence.criteria = criteria
    db.session.add(evidence)
    db.session.flush()
    record(actor, "evidence.upload", evidence, f"{case.reference}: uploaded evidence “{title}”",
           {"case_id": case.id, "sha256": stored.sha256, "size": stored.size, "kind": stored.kind,
            "confidentiality": confidentiality.value, "criteria": [c.code for c in criteria]})
    return evidence


def update_evidence(actor, evidence: Evidence, title: str, evidence_type, language: str, confidentiality,
                    criterion_ids: list[int]) -> Evidence:
    """Change an evidence file's description and the criteria it backs (while the SER is in preparation)."""
    case = evidence.case
    ensure_ser_editable(case)
    title, evidence_type, language, confidentiality = _clean_details(title, evidence_type, language,
                                                                     confidentiality)
    criteria = _criteria_of_case(case, criterion_ids)
    before = {"title": evidence.title, "criteria": [c.code for c in evidence.criteria],
              "confidentiality": evidence.confidentiality.value}
    evidence.title, evidence.evidence_type = title, evidence_type
    evidence.language, evidence.confidentiality = language, confidentiality
    evidence.criteria = criteria
    db.session.flush()
    record(actor, "evidence.update", evidence, f"{case.reference}: updated evidence “{title}”",
           {"before": before, "after": {"title": title, "criteria": [c.code for c in criteria],
                                        "confidentiality": confidentiality.value}})
    return evidence


def delete_evidence(actor, evidence: Evidence) -> str:
    """Remove an evidence file while the SER is in preparation, unless a submitted copy of the SER cites it;
    returns its storage name so the view deletes the file once the transaction has committed."""
    case = evidence.case
    ensure_ser_editable(case)
    cited = any(item["id"] == evidence.id for submission in submissions_of(case)
                for item in submission.content.get("evidence", []))
    if cited:
        raise DomainError(_("This file is part of a submitted copy of the self-evaluation and stays on record."))
    storage_name, title = evidence.storage_name, evidence.title
    evidence.criteria = []
    db.session.delete(evidence)
    db.session.flush()
    record(actor, "evidence.delete", ("Evidence", evidence.id), f"{case.reference}: deleted evidence “{title}”",
           {"case_id": case.id, "sha256": evidence.sha256})
    return storage_name


def record_evidence_download(actor, evidence: Evidence) -> None:
    """Audit every download of a panel-only file (public files are not logged one by one)."""
    if evidence.confidentiality == Confidentiality.PANEL_ONLY:
        record(actor, "evidence.download", evidence,
               f"{evidence.case.reference}: downloaded panel-only evidence “{evidence.title}”",
               {"case_id": evidence.case_id, "sha256": evidence.sha256})
