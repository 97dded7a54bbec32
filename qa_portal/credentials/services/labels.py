"""The QA label: each published positive or conditional decision, for each public micro-credential version it
covers, as an Open Badges 3.0 EndorsementCredential (W3C VC Data Model 2.0) by the agency, signed as a VC-JWT.

A label is issued once — when first asked for (its register page, the API) or by `flask credentials issue-labels` —
and kept as signed: its status-list index is allocated then and never reused, and a later key rotation never
changes it (new labels use the new key)."""
import uuid
from datetime import datetime, time, timezone

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.credentials.models import QaLabel
from qa_portal.credentials.services.keys import SigningKeyError, current_signing_key, sign_jwt
from qa_portal.credentials.services.status_list import status_entry
from qa_portal.credentials.urls import agency_did, public_base_url, public_url
from qa_portal.decisions.models import Decision
from qa_portal.decisions.services.register import public_specifications
from qa_portal.extensions import db
from qa_portal.pilots.models import OutcomeKind, SpecificationVersion

__all__ = ["LABELLED_KINDS", "LabelUnavailable", "is_labelled", "agency_name", "agency_profile", "label_credential",
           "labels_of", "issue_labels", "issue_missing_labels", "version_url", "register_url"]

CONTEXT_V2 = "https://www.w3.org/ns/credentials/v2"
CONTEXT_OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ENDORSEMENT_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
LABELLED_KINDS = (OutcomeKind.POSITIVE, OutcomeKind.CONDITIONAL)


class LabelUnavailable(DomainError):
    """No label can be issued now: the agency's signing key is missing or unusable (HTTP 503)."""

    status_code = 503


def is_labelled(decision: Decision) -> bool:
    """A published positive or conditional decision gets a QA label."""
    return decision.is_published and decision.outcome.kind in LABELLED_KINDS


def agency_name() -> str:
    """The agency's name: the first line of its letterhead."""
    return current_app.config["QA_AGENCY_LETTERHEAD"].splitlines()[0].strip()


def agency_profile() -> dict:
    """The issuer as an Open Badges Profile: the agency's did:web, name and public address."""
    return {"id": agency_did(), "type": ["Profile"], "name": agency_name(), "url": public_base_url()}


def version_url(version: SpecificationVersion) -> str:
    """The permanent public page of a micro-credential version in the catalogue."""
    return public_url(url_for("pilots.catalogue_version", credential_id=version.micro_credential_id,
                              number=version.number))


def register_url(decision: Decision) -> str:
    """The decision's permanent page in the public register."""
    return public_url(url_for("decisions.register_decision", decision_id=decision.id))


def _moment(day, end: bool = False) -> str | None:
    if day is None:
        return None
    moment = datetime.combine(day, time(23, 59, 59) if end else time.min, tzinfo=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _provider(decision: Decision) -> dict:
    """The institution that offers the micro-credential, with its DEQAR and ETER ids when it has them."""
    institution = decision.case.institution
    identifiers = [{"type": "IdentifierEntry", "identifier": value, "identifierType": "identifier"}
                   for value in (institution.deqar_id, institution.eter_id) if value]
    provider = {"id": public_url(url_for("registry.institution_detail", institution_id=institution.id)),
                "type": ["Profile"], "name": institution.name_en}
    if identifiers:
        provider["otherIdentifier"] = identifiers
    return provider


def label_credential(decision: Decision, version: SpecificationVersion, credential_id: str,
                     status_index: int) -> dict:
    """The label's credential (unsigned): the agency endorses the micro-credential version (the subject's id is its
    permanent catalogue URL), naming the institution, the outcome, the validity and the register page."""
    outcome, page = decision.outcome, register_url(decision)
    # The credential is a public record in English whatever the visitor's language, like the DEQAR report.
    validity = (f"valid from {decision.valid_from.isoformat()} to {decision.valid_to.isoformat()}"
                if decision.valid_from else "")
    comment = (f"{agency_name()} quality-assured the micro-credential “{version.title_en}” (version "
               f"{version.number}) of {decision.case.institution.name_en}: {outcome.label_en}"
               f"{', ' + validity if validity else ''}. Decision: {page}")
    credential = {
        "@context": [CONTEXT_V2, CONTEXT_OB3],
        "id": credential_id,
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": f"QA label: {version.title_en}",
        "description": comment,
        "issuer": agency_profile(),
        "validFrom": _moment(decision.valid_from) or _moment(decision.published_at.date()),
        "credentialSubject": {
            "id": version_url(version),
            "type": ["EndorsementSubject"],
            "endorsementComment": comment,
            "name": version.title_en,
            "provider": _provider(decision),
            "qaOutcome": {"code": outcome.code, "label": outcome.label_en, "kind": outcome.kind.value,
                          "deqarDecision": outcome.deqar_decision.value},
            "qaDecision": page,
        },
        "evidence": [{"id": page, "type": ["Evidence"], "name": "QA decision in the public register",
                      "narrative": f"Case {decision.case.reference}, decided on {decision.meeting_date.isoformat()}."}],
        "credentialStatus": status_entry(status_index),
        "credentialSchema": [{"id": ENDORSEMENT_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if decision.valid_to is not None:
        credential["validUntil"] = _moment(decision.valid_to, end=True)
    return credential


def labels_of(decision: Decision) -> list[QaLabel]:
    """The labels issued for the decision, in the order of the versions it covers."""
    return list(db.session.scalars(select(QaLabel).where(QaLabel.decision_id == decision.id)
                                   .order_by(QaLabel.specification_version_id)))


def _next_status_index() -> int:
    """The next unused status-list index (labels are never deleted, so an index is never handed out twice)."""
    highest = db.session.scalar(select(func.max(QaLabel.status_index)))
    return 0 if highest is None else highest + 1


def issue_labels(actor, decision: Decision) -> list[QaLabel]:
    """The decision's labels, issuing (signing, allocating a status index, auditing) those not issued yet.

    A decision that gets no label gives []; a missing or unsafe signing key is refused with LabelUnavailable."""
    if not is_labelled(decision):
        return []
    existing = {label.specification_version_id: label for label in labels_of(decision)}
    missing = [version for version in public_specifications(decision.case) if version.id not in existing]
    if not missing:
        return list(existing.values())
    try:
        key = current_signing_key()
    except SigningKeyError as error:
        raise LabelUnavailable(_("The agency's signing key cannot be used: %(problem)s", problem=str(error))) \
            from error
    if key is None:
        raise LabelUnavailable(_("No QA label can be issued: the agency has no signing key yet "
                                 "(an administrator runs “flask keys generate”)."))
    issued_at = utcnow()
    for version in missing:
        status_index = _next_status_index()
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        credential = label_credential(decision, version, credential_id, status_index)
        claims = {**credential, "iss": agency_did(), "jti": credential_id, "sub": credential["credentialSubject"]["id"],
                  "iat": int(issued_at.replace(tzinfo=timezone.utc).timestamp())}
        label = QaLabel(decision_id=decision.id, specification_version_id=version.id, status_index=status_index,
                        credential_id=credential_id, kid=key.kid, issued_at=issued_at, jwt=sign_jwt(claims, key))
        db.session.add(label)
        db.session.flush()
        existing[version.id] = label
        record(actor, "credentials.issue_label", decision,
               f"{decision.case.reference}: QA label issued for “{version.title_en}” v{version.number}",
               {"label": label.id, "status_index": status_index, "kid": key.kid})
    return [existing[version_id] for version_id in sorted(existing)]


def issue_missing_labels(actor) -> int:
    """Issue every label not issued yet (published positive and conditional decisions); the number issued."""
    decisions = db.session.scalars(
        select(Decision).where(Decision.published_at.is_not(None)).order_by(Decision.id)).all()
    before = db.session.scalar(select(func.count(QaLabel.id)))
    for decision in decisions:
        issue_labels(actor, decision)
    return db.session.scalar(select(func.count(QaLabel.id))) - before
