"""Verify a QA label: the VC-JWT signature against the agency's published keys (the kid names the key), the
issuer, the label's bit in the agency's status list, its validity period, and the decision it stands for."""
import re
from datetime import datetime, timezone

import jwt
from flask import url_for
from sqlalchemy import select

from qa_portal.credentials.models import QaLabel
from qa_portal.credentials.services.keys import public_key_of
from qa_portal.credentials.services.labels import agency_name, register_url, version_url
from qa_portal.credentials.services.status_list import (bit_is_set, revocation_reasons, status_list,
                                                        status_list_url)
from qa_portal.credentials.services.verification import (FAILED, LENIENT_CLAIMS, PASSED, Submission, Verification,
                                                         credential_types, issuer_id_of, parse_moment)
from qa_portal.credentials.urls import agency_did, public_url
from qa_portal.extensions import db

__all__ = ["is_agency_label", "verify_label", "decision_summary"]

STATUS_LIST_PATH = re.compile(r"/credentials/status/(?P<number>[1-9][0-9]{0,5})$")


def is_agency_label(submission: Submission) -> bool:
    """An endorsement credential this agency's did:web issued."""
    credential = submission.credential
    return "EndorsementCredential" in credential_types(credential) and issuer_id_of(credential) == agency_did()


def _check_signature(verification: Verification, submission: Submission) -> bool:
    if submission.token is None:
        verification.add("signature", FAILED, "The agency signs its labels as VC-JWTs: this JSON carries no "
                                              "signature. Submit the .jwt file as it was downloaded.")
        return False
    header = submission.header or {}
    if header.get("alg") != "EdDSA":
        verification.add("signature", FAILED, f"The JWT says alg {header.get('alg')!r}; the agency signs with EdDSA.")
        return False
    kid = header.get("kid")
    key = public_key_of(kid) if isinstance(kid, str) else None
    if key is None:
        verification.add("signature", FAILED, f"The key {kid!r} is not one of the agency's published keys "
                                              f"({public_url(url_for('credentials.jwks'))}).")
        return False
    try:
        jwt.decode(submission.token, key, algorithms=["EdDSA"],
                   options=LENIENT_CLAIMS)
    except jwt.InvalidSignatureError:
        verification.add("signature", FAILED, "The signature does not match: the label was altered after the "
                                              "agency signed it, or the agency did not sign it.")
        return False
    except jwt.PyJWTError as error:
        verification.add("signature", FAILED, f"The JWT cannot be verified: {error}.")
        return False
    verification.add("signature", PASSED, f"Signed by the agency's key {kid}, published at "
                                          f"{public_url(url_for('credentials.jwks'))}.")
    return True


def _check_status(verification: Verification, credential: dict, label: QaLabel | None) -> None:
    entry = credential.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        verification.add("status", FAILED, "The label has no Bitstring status list entry.")
        return
    match = STATUS_LIST_PATH.search(str(entry.get("statusListCredential", "")))
    position = str(entry.get("statusListIndex", ""))
    if match is None or not position.isdigit() or entry["statusListCredential"] != status_list_url(
            int(match["number"])):
        verification.add("status", FAILED, "The label's status list is not one this agency publishes.")
        return
    listing = status_list(int(match["number"]))
    if bit_is_set(listing.encoded, int(position)):
        reasons = revocation_reasons(label.decision, datetime.now(timezone.utc).date()) if label else []
        verification.add("status", FAILED, "Revoked in the agency's status list"
                         + (f": the decision was {'; '.join(reasons)}." if reasons else "."))
        return
    verification.add("status", PASSED, f"Not revoked: bit {position} of {entry['statusListCredential']} is 0.")


def _check_validity(verification: Verification, credential: dict) -> None:
    now = datetime.now(timezone.utc)
    start, end = parse_moment(credential.get("validFrom")), parse_moment(credential.get("validUntil"))
    if start is None:
        verification.add("validity", FAILED, "The label has no readable validFrom.")
    elif start > now:
        verification.add("validity", FAILED, f"Not valid before {start.date().isoformat()}.")
    elif end is not None and end < now:
        verification.add("validity", FAILED, f"Expired on {end.date().isoformat()}.")
    else:
        until = f" until {end.date().isoformat()}" if end else ""
        verification.add("validity", PASSED, f"Valid from {start.date().isoformat()}{until}.")


def decision_summary(decision) -> dict:
    """The decision a label or badge check points to, as shown on the answer."""
    return {"id": decision.id, "case_reference": decision.case.reference, "register_url": register_url(decision),
            "institution": decision.case.institution.name_en, "outcome": decision.outcome.label_en,
            "valid_from": decision.valid_from.isoformat() if decision.valid_from else None,
            "valid_to": decision.valid_to.isoformat() if decision.valid_to else None}


def verify_label(submission: Submission) -> Verification:
    """Every check of a QA label, and the decision and micro-credential version it stands for."""
    credential = submission.credential
    verification = Verification("qa_label", credential=credential)
    _check_signature(verification, submission)
    verification.add("issuer", PASSED, f"Issued by {agency_name()} ({agency_did()}).")
    label = db.session.scalar(select(QaLabel).where(QaLabel.credential_id == str(credential.get("id"))))
    if label is None:
        verification.add("decision", FAILED, "No label with this id was issued by this portal.")
    else:
        verification.decision = label.decision
        verification.details["decision"] = decision_summary(label.decision)
        version = label.specification_version
        verification.details["micro_credential"] = {"title": version.title_en, "version": version.number,
                                                    "url": version_url(version)}
        verification.add("decision", PASSED, f"The label stands for the decision on {label.decision.case.reference} "
                                             f"in the public register ({register_url(label.decision)}).")
    _check_status(verification, credential, label)
    _check_validity(verification, credential)
    return verification
