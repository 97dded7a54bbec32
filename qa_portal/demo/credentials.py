"""Demo credentials: the agency's signing key (instance/keys/, generated once), the QA label of every published
positive or conditional decision, a badge issuer registered by the institution of a quality-assured micro-credential,
and one learner's badge of that micro-credential — as JSON with an eddsa-jcs-2022 proof and as a VC-JWT — written
to QA_VERIFY_EXAMPLES_DIR, where /verify offers it as an example to try."""
import json
from datetime import datetime, timezone
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.core.models import utcnow
from qa_portal.credentials.models import IssuerKey, QaLabel
from qa_portal.credentials.services.data_integrity import add_jcs_proof, did_key_of
from qa_portal.credentials.services.issuers import register_issuer_key
from qa_portal.credentials.services.keys import current_signing_key, generate_key, key_directory
from qa_portal.credentials.services.labels import issue_missing_labels, version_url
from qa_portal.credentials.services.status_list import revocation_condition
from qa_portal.credentials.urls import public_base_url
from qa_portal.decisions.models import Decision
from qa_portal.extensions import db

BADGE_FILES = ("learner-badge-data-integrity.json", "learner-badge-vc-jwt.jwt")


def load() -> bool:
    """Key, labels, issuer and badge, each only when missing."""
    directory = key_directory()
    if directory is None:
        return False
    created = False
    if current_signing_key() is None:
        kid = generate_key(directory)
        record(None, "credentials.key_generate", None, f"Demo signing key {kid} generated", {"kid": kid})
        created = True
    with current_app.test_request_context(base_url=public_base_url()):
        created = issue_missing_labels(None) > 0 or created
        created = _learner_badge() or created
    return created


def _label_in_force() -> QaLabel | None:
    """The first label whose decision is in force today (its micro-credential is quality-assured now)."""
    return db.session.scalar(select(QaLabel).join(Decision, Decision.id == QaLabel.decision_id)
                             .where(~revocation_condition(utcnow().date()), Decision.valid_from <= utcnow().date())
                             .order_by(QaLabel.id).limit(1))


def _badge(issuer: str, institution_name: str, version) -> dict:
    """A learner's Open Badges 3.0 credential for the micro-credential version, issued now."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:3f1d2c4b-8e7a-4b6c-9d5e-0a1b2c3d4e5f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": version.title_en,
        "issuer": {"id": issuer, "type": ["Profile"], "name": institution_name},
        "validFrom": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityHash": "anahit.learner@example.am",
                            "identityType": "emailAddress", "hashed": False}],
            "achievement": {"id": version_url(version), "type": ["Achievement"], "name": version.title_en,
                            "description": version.short_description or version.title_en,
                            "criteria": {"narrative": "Passed the assessment of every learning outcome."}},
        },
    }


def _learner_badge() -> bool:
    """Register a did:key issuer for the institution of a quality-assured micro-credential (once) and write one
    learner's badge signed with it, in both formats."""
    examples = current_app.config.get("QA_VERIFY_EXAMPLES_DIR")
    label = _label_in_force()
    if not examples or label is None:
        return False
    institution = label.decision.case.institution
    if db.session.scalar(select(IssuerKey.id).where(IssuerKey.institution_id == institution.id)) is not None:
        return False
    private = Ed25519PrivateKey.generate()  # the institution's badge platform key: only its public half is kept
    issuer = did_key_of(private.public_key())
    register_issuer_key(None, institution, issuer, "")
    badge = _badge(issuer, institution.name_en, label.specification_version)
    directory = Path(examples)
    directory.mkdir(parents=True, exist_ok=True)
    method = f"{issuer}#{issuer.removeprefix('did:key:')}"
    (directory / BADGE_FILES[0]).write_text(json.dumps(add_jcs_proof(badge, private, method), indent=2,
                                                       ensure_ascii=False), encoding="utf-8")
    token = jwt.encode({**badge, "iss": issuer, "jti": badge["id"]}, private, algorithm="EdDSA",
                       headers={"kid": method, "typ": "vc+jwt"})
    (directory / BADGE_FILES[1]).write_text(token, encoding="utf-8")
    return True
