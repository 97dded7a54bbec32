"""The recognition check anyone can run: what was submitted (a VC-JWT, or JSON with an embedded proof), which kind of
credential it is (a QA label of this agency, or a learner's Open Badges 3.0 credential), and the list of checks
made — each passed, failed, or not checked with the reason — so an answer never claims more than was verified."""
import base64
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from qa_portal.decisions.models import Decision

__all__ = ["PASSED", "FAILED", "NOT_CHECKED", "LENIENT_CLAIMS", "Check", "Verification", "Submission", "SubmissionError",
           "read_submission", "credential_types", "issuer_id_of", "parse_moment"]

PASSED, FAILED, NOT_CHECKED = "passed", "failed", "not_checked"
# A JWT's signature is checked by PyJWT; its registered claims are not: validity is judged from the credential's own
# validFrom/validUntil, and a badge's sub or jti of another type must not hide a good signature.
LENIENT_CLAIMS = {"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False,
                  "verify_iss": False, "verify_sub": False, "verify_jti": False}
COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


class SubmissionError(ValueError):
    """What was submitted is not a credential at all (empty, not JSON nor a JWT, not a JSON object)."""


@dataclass
class Check:
    """One thing verified: a stable code, passed / failed / not_checked, and what it means, in words."""

    code: str
    outcome: str
    message: str

    def to_json(self) -> dict:
        """The check as the API answers it."""
        return {"check": self.code, "outcome": self.outcome, "message": self.message}


@dataclass
class Submission:
    """A credential as submitted: its JSON, and the compact JWT with its header when it came as one."""

    credential: dict
    token: str | None = None
    header: dict | None = None
    claims: dict | None = None


@dataclass
class Verification:
    """The answer: the kind of credential, every check, and what it was matched with (decision, micro-credential)."""

    kind: str
    checks: list[Check] = field(default_factory=list)
    credential: dict | None = None
    decision: Decision | None = None
    details: dict = field(default_factory=dict)

    def add(self, code: str, outcome: str, message: str) -> None:
        """Record one check."""
        self.checks.append(Check(code, outcome, message))

    @property
    def verdict(self) -> str:
        """failed when any check failed; incomplete when something could not be checked; else verified."""
        outcomes = {check.outcome for check in self.checks}
        if FAILED in outcomes:
            return "failed"
        return "incomplete" if NOT_CHECKED in outcomes else "verified"

    def to_json(self) -> dict:
        """The answer as the API serves it (documented as the Verification schema)."""
        return {"kind": self.kind, "verdict": self.verdict, "checks": [check.to_json() for check in self.checks],
                "credential_id": (self.credential or {}).get("id") if isinstance(self.credential, dict) else None,
                **self.details}


def _b64url_json(part: str) -> dict:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, UnicodeDecodeError) as error:
        raise SubmissionError("The JWT's parts are not base64url-encoded JSON.") from error
    if not isinstance(decoded, dict):
        raise SubmissionError("The JWT's header and payload must be JSON objects.")
    return decoded


def _from_jwt(token: str) -> Submission:
    header_part, payload_part, _signature = token.split(".")
    header, claims = _b64url_json(header_part), _b64url_json(payload_part)
    # VC-JOSE-COSE puts the credential itself in the payload; VC-JWT of the 1.1 data model (Open Badges 3.0's first
    # edition) wraps it in a "vc" claim.
    credential = claims["vc"] if isinstance(claims.get("vc"), dict) else claims
    return Submission(credential, token, header, claims)


def read_submission(text: str) -> Submission:
    """The credential in pasted or uploaded text: a compact JWT, JSON holding one ({"credential": "<jwt>"}), or a
    JSON credential with an embedded proof. SubmissionError with a plain reason otherwise."""
    text = (text or "").strip().lstrip("\ufeff")
    if not text:
        raise SubmissionError("Nothing was submitted: paste a credential or choose a file.")
    if COMPACT_JWS.match(text):
        return _from_jwt(text)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise SubmissionError(f"This is neither JSON nor a JWT (JSON error at line {error.lineno}, column "
                              f"{error.colno}: {error.msg}).") from error
    except ValueError as error:  # e.g. a number of more digits than Python converts (sys.get_int_max_str_digits)
        raise SubmissionError("This JSON holds a value that cannot be read (a number with thousands of "
                              "digits?): a credential has none.") from error
    if isinstance(document, dict) and set(document) == {"credential"}:
        document = document["credential"]
    if isinstance(document, str) and COMPACT_JWS.match(document.strip()):
        return _from_jwt(document.strip())
    if not isinstance(document, dict):
        raise SubmissionError(f"A credential is a JSON object (or a JWT); this is a JSON {type(document).__name__}.")
    return Submission(document)


def credential_types(credential: dict) -> list[str]:
    """The credential's type list (a single string counts as a list of one)."""
    types = credential.get("type", [])
    types = [types] if isinstance(types, str) else types
    return [item for item in types if isinstance(item, str)] if isinstance(types, list) else []


def issuer_id_of(credential: dict) -> str | None:
    """The issuer's id: the issuer string, or the id of the issuer object."""
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, dict) and isinstance(issuer.get("id"), str):
        return issuer["id"]
    return None


def parse_moment(value) -> datetime | None:
    """An ISO 8601 date or date-time as an aware UTC datetime; None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value), datetime.min.time())
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

