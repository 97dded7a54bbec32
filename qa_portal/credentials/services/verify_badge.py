"""Verify a learner's Open Badges 3.0 credential against the portal: is its issuer an institution that registered
it, does its signature (EdDSA VC-JWT, or an embedded eddsa-jcs-2022 proof) verify with that institution's key, which
catalogue micro-credential is its achievement, and was that micro-credential quality-assured on the day it was
issued."""
from datetime import datetime, timezone

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from qa_portal.credentials.services.catalogue_match import decisions_in_force_on, match_achievement
from qa_portal.credentials.services.data_integrity import (SUPPORTED_CRYPTOSUITE, ProofError, key_of_did_key,
                                                           proof_kind, verify_jcs_proof)
from qa_portal.credentials.services.issuers import active_keys_of_issuer
from qa_portal.credentials.services.keys import key_from_jwk
from qa_portal.credentials.services.labels import version_url
from qa_portal.credentials.services.verification import (FAILED, LENIENT_CLAIMS, NOT_CHECKED, PASSED, Submission,
                                                         Verification, credential_types, issuer_id_of, parse_moment)
from qa_portal.credentials.services.verify_label import decision_summary

__all__ = ["is_learner_credential", "verify_learner_credential"]

LEARNER_TYPES = {"OpenBadgeCredential", "AchievementCredential"}


def is_learner_credential(submission: Submission) -> bool:
    """An Open Badges 3.0 credential (OpenBadgeCredential, or its alias AchievementCredential)."""
    return bool(LEARNER_TYPES & set(credential_types(submission.credential)))


def _candidate_keys(issuer: str, registered) -> tuple[list[tuple[Ed25519PublicKey, str]], str]:
    """The keys to try and where they come from: the institution's registered keys, else the key a did:key names."""
    if registered:
        return [(key_from_jwk(key.public_key_jwk), key.thumbprint) for key in registered], "registered"
    if issuer.startswith("did:key:"):
        try:
            return [(key_of_did_key(issuer), issuer)], "did:key"
        except ProofError:
            return [], "none"
    return [], "none"


def _jwt_signature(submission: Submission, keys) -> tuple[str, str]:
    algorithm = (submission.header or {}).get("alg")
    if algorithm not in ("EdDSA", "Ed25519"):
        return NOT_CHECKED, (f"The JWT is signed with {algorithm!r}; this portal verifies Ed25519 (EdDSA) "
                             "signatures only.")
    for key, name in keys:
        try:
            jwt.decode(submission.token, key, algorithms=["EdDSA"],
                       options=LENIENT_CLAIMS)
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError as error:
            return FAILED, f"The JWT cannot be verified: {error}."
        return PASSED, f"The JWT's EdDSA signature verifies with {name}."
    return FAILED, "The signature does not match the issuer's key: the credential was altered or signed by another key."


def _proof_signature(credential: dict, keys) -> tuple[str, str]:
    if "proof" not in credential:
        return FAILED, "The credential carries no proof: it is not signed, so anyone could have written it."
    try:
        kind = proof_kind(credential)
    except ProofError as error:
        return FAILED, f"The proof cannot be read: {error}."
    if kind != f"DataIntegrityProof/{SUPPORTED_CRYPTOSUITE}":
        return NOT_CHECKED, (f"The proof is {kind}; this portal verifies Data Integrity proofs with the "
                             f"{SUPPORTED_CRYPTOSUITE} cryptosuite (JCS) and EdDSA VC-JWTs. RDF-canonicalised proofs "
                             "(eddsa-rdfc-2022, Ed25519Signature2020) need JSON-LD processing it does not do.")
    error_message = ""
    for key, name in keys:
        try:
            verify_jcs_proof(credential, key)
        except ProofError as error:
            error_message = str(error)
            continue
        return PASSED, f"The {SUPPORTED_CRYPTOSUITE} proof verifies with {name}."
    return FAILED, f"The proof does not verify: {error_message}."


def _check_signature(verification: Verification, submission: Submission, issuer: str, registered) -> None:
    keys, source = _candidate_keys(issuer, registered)
    if not keys:
        verification.add("signature", NOT_CHECKED, f"No key is known for the issuer {issuer}: the institution has "
                                                   "not registered it, so the signature could not be checked.")
        return
    outcome, message = (_jwt_signature(submission, keys) if submission.token
                        else _proof_signature(submission.credential, keys))
    if outcome == PASSED and source == "did:key":
        message += " The key is the one the did:key names: this shows who holds the key, not which institution."
    verification.add("signature", outcome, message)


def _check_validity(verification: Verification, credential: dict) -> None:
    end = parse_moment(credential.get("validUntil") or credential.get("expirationDate"))
    if end is not None and end < datetime.now(timezone.utc):
        verification.add("validity", FAILED, f"The credential expired on {end.date().isoformat()}.")
    else:
        verification.add("validity", PASSED, "The credential has not expired." if end else
                         "The credential has no end of validity.")


def _issued_on(submission: Submission):
    credential = submission.credential
    for value in (credential.get("validFrom"), credential.get("issuanceDate"), credential.get("awardedDate")):
        moment = parse_moment(value)
        if moment is not None:
            return moment.date()
    claims = submission.claims or {}
    if isinstance(claims.get("nbf"), int | float):
        return datetime.fromtimestamp(claims["nbf"], timezone.utc).date()
    return None


def _check_catalogue(verification: Verification, submission: Submission, institution) -> None:
    credential = submission.credential
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if not isinstance(achievement, dict):
        verification.add("achievement", FAILED, "The credential names no achievement (credentialSubject.achievement).")
        verification.add("qa_status", NOT_CHECKED, "Without an achievement there is nothing to look up.")
        return
    issuer = credential.get("issuer")
    match = match_achievement(achievement, institution, issuer.get("name") if isinstance(issuer, dict) else None)
    if match is None:
        verification.add("achievement", FAILED, f"No micro-credential of the catalogue matches the achievement "
                                                f"“{achievement.get('name', '?')}” (by its URL, or by title and "
                                                "institution).")
        verification.add("qa_status", NOT_CHECKED, "The achievement is not in the catalogue.")
        return
    version = match.version
    how = "its catalogue URL" if match.by == "url" else "its title and institution"
    verification.details["micro_credential"] = {"title": version.title_en, "version": version.number,
                                                "url": version_url(version), "matched_by": match.by,
                                                "institution": version.micro_credential.institution.name_en}
    verification.add("achievement", PASSED, f"The achievement is “{version.title_en}” (version {version.number}) of "
                                            f"{version.micro_credential.institution.name_en}, matched by {how}.")
    day = _issued_on(submission)
    if day is None:
        verification.add("qa_status", NOT_CHECKED, "The credential gives no issuance date (validFrom).")
        return
    verification.details["issued_on"] = day.isoformat()
    decisions = decisions_in_force_on(version.micro_credential_id, day)
    verification.details["qa_decisions"] = [decision_summary(decision) for decision in decisions]
    if decisions:
        decision = decisions[-1]
        verification.decision = decision
        verification.add("qa_status", PASSED, f"Quality-assured on {day.isoformat()}, the day it was issued: "
                                              f"{decision.outcome.label_en}, decision on {decision.case.reference}.")
    else:
        verification.add("qa_status", FAILED, f"The micro-credential was not quality-assured by the agency on "
                                              f"{day.isoformat()}, the day this credential was issued.")


def verify_learner_credential(submission: Submission) -> Verification:
    """Every check of a learner's credential; what could not be checked says why."""
    credential = submission.credential
    verification = Verification("learner_credential", credential=credential)
    issuer = issuer_id_of(credential)
    if issuer is None:
        verification.add("institution", FAILED, "The credential names no issuer.")
        verification.add("signature", NOT_CHECKED, "Without an issuer there is no key to check the signature with.")
        _check_validity(verification, credential)
        _check_catalogue(verification, submission, None)
        return verification
    registered = active_keys_of_issuer(issuer)
    institution = registered[0].institution if registered else None
    if institution is not None:
        verification.details["institution"] = {"id": institution.id, "name": institution.name_en, "issuer": issuer}
        verification.add("institution", PASSED, f"The issuer {issuer} is registered by {institution.name_en}.")
    else:
        verification.add("institution", FAILED, f"The issuer {issuer} is not in the portal's list: no institution "
                                                "has registered it.")
    _check_signature(verification, submission, issuer, registered)
    _check_validity(verification, credential)
    _check_catalogue(verification, submission, institution)
    return verification
