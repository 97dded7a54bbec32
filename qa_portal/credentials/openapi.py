"""The OpenAPI description of the credentials' /api/v1 routes, contributed to the registry's document."""
from flask_babel import lazy_gettext as _l

from qa_portal.registry.services.openapi import Operation
from qa_portal.registry.services.openapi_schemas import URL, array, integer, nullable, obj, ref, string

CHECK = obj({
    "check": string("What was checked: signature, issuer, decision, status, validity, institution, achievement, "
                    "qa_status or type."),
    "outcome": string(enum=["passed", "failed", "not_checked"]),
    "message": string("What the outcome means, in words (English)."),
}, "One check of a verification.")

DECISION_SUMMARY = obj({
    "id": integer(minimum=1), "case_reference": string(), "register_url": URL, "institution": string(),
    "outcome": string(), "valid_from": nullable(string(format="date")), "valid_to": nullable(string(format="date")),
}, "The published decision a check points to.")

VERIFICATION = {
    "type": "object", "additionalProperties": False,
    "required": ["kind", "verdict", "checks", "credential_id"],
    "properties": {
        "kind": string(enum=["qa_label", "learner_credential", "unrecognised"]),
        "verdict": string("verified: every check passed; incomplete: something could not be checked; failed: a "
                          "check failed.", enum=["verified", "incomplete", "failed"]),
        "checks": array(ref("VerificationCheck")),
        "credential_id": nullable(string()),
        "decision": ref("VerifiedDecision"),
        "micro_credential": {"type": "object", "description": "The catalogue micro-credential version it names."},
        "institution": {"type": "object", "description": "The institution that registered the issuer."},
        "issued_on": string("The learner credential's issuance date.", format="date"),
        "qa_decisions": array(ref("VerifiedDecision"), "Decisions in force on the issuance date."),
    },
    "description": "What was verified, check by check.",
}

QA_LABEL = obj({
    "id": string("The credential's id (urn:uuid)."),
    "micro_credential_id": integer(minimum=1),
    "specification_version": integer(minimum=1),
    "title": string(),
    "format": string(enum=["vc+jwt"]),
    "kid": string("The id of the agency key that signed it (in /.well-known/jwks.json)."),
    "issued_at": string(format="date-time"),
    "credential_status": {"type": "object", "description": "The BitstringStatusListEntry the label carries."},
    "jwt": string("The label: a compact JWS (alg EdDSA, typ vc+jwt)."),
    "credential": {"type": "object", "description": "The JWT's payload: an Open Badges 3.0 EndorsementCredential."},
}, "One QA label.")

QA_LABEL_SET = obj({
    "decision_id": integer(minimum=1),
    "register_url": URL,
    "credentials": array(ref("QaLabel"), "One label per public micro-credential version the decision covers."),
}, "The QA labels of a published positive or conditional decision.")

VERIFY_BODY = {
    "required": True,
    "description": "The credential: its JSON (a learner's badge with an embedded proof), {\"credential\": <JSON or "
                   "JWT>}, or a compact JWT as the body. At most QA_VERIFY_MAX_KB (256 KB).",
    "content": {"application/json": {"schema": {"type": "object"}},
                "application/vc+jwt": {"schema": string()}, "application/jwt": {"schema": string()},
                "text/plain": {"schema": string()}},
}

OPERATIONS = {
    "credentials.api.decision_credential": Operation(
        _l("A decision's QA labels"),
        _l("The signed QA labels (VC-JWT, Open Badges 3.0 EndorsementCredential) of a published positive or "
           "conditional decision, one per micro-credential version it covers; issued on first request. 404 for an "
           "unpublished or negative decision; 503 when the agency has no signing key."),
        "Credentials", "QaLabelSet", not_found=True, errors=(400, 405, 429, 500, 503)),
    "credentials.api.verify": Operation(
        _l("Verify a credential"),
        _l("Verify a QA label of the agency or a learner's Open Badges 3.0 credential: 200 with every check made "
           "(the verdict may be failed); 400 when the body is not a credential, 413 when too large."),
        "Credentials", "Verification", errors=(400, 405, 413, 415, 429, 500), method="post",
        request_body=VERIFY_BODY),
}

SCHEMAS = {"VerificationCheck": CHECK, "VerifiedDecision": DECISION_SUMMARY, "Verification": VERIFICATION,
           "QaLabel": QA_LABEL, "QaLabelSet": QA_LABEL_SET}
