"""One entry point for /verify and POST /api/v1/verify: a QA label of this agency, a learner's Open Badges 3.0
credential, or something else (named as such)."""
from qa_portal.credentials.services.verification import (FAILED, Submission, Verification, credential_types,
                                                         read_submission)
from qa_portal.credentials.services.verify_badge import is_learner_credential, verify_learner_credential
from qa_portal.credentials.services.verify_label import is_agency_label, verify_label

__all__ = ["verify_text", "verify_submission"]


def verify_submission(submission: Submission) -> Verification:
    """Verify a QA label or a learner's credential; anything else fails its type check with its types named."""
    if is_agency_label(submission):
        return verify_label(submission)
    if is_learner_credential(submission):
        return verify_learner_credential(submission)
    verification = Verification("unrecognised", credential=submission.credential)
    types = ", ".join(credential_types(submission.credential)) or "none"
    verification.add("type", FAILED, f"This is neither a QA label issued by this agency nor an Open Badges 3.0 "
                                     f"achievement credential (its types: {types}).")
    return verification


def verify_text(text: str) -> Verification:
    """Read the submitted text (SubmissionError when it is no credential at all) and verify it."""
    return verify_submission(read_submission(text))
