"""The W3C Bitstring Status List of the QA labels (statusPurpose "revocation"), derived from the decisions' current
state each time it is served, so it is never stale: a label's bit is set once its decision is superseded by a
published decision, expired (valid_to passed), returned for reconsideration on appeal, or its case withdrawn."""
import base64
import gzip
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import url_for
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from qa_portal.core.models import utcnow
from qa_portal.credentials.models import QaLabel
from qa_portal.credentials.services.keys import SigningKey, sign_jwt
from qa_portal.credentials.urls import agency_did, public_url
from qa_portal.decisions.models import Appeal, AppealOutcome, Decision
from qa_portal.decisions.services.register import later_decision
from qa_portal.extensions import db
from qa_portal.reviews.models import Case, CaseState

__all__ = ["LIST_SIZE", "StatusList", "revocation_condition", "revocation_reasons", "list_position", "status_list",
           "status_list_url", "status_entry", "status_list_jwt", "bit_is_set", "etag_of"]

# 131,072 bits (16 KiB) per list: the minimum the W3C recommendation sets, so one bit says little about one holder.
LIST_SIZE = 131_072
CONTEXT_V2 = "https://www.w3.org/ns/credentials/v2"


def _superseded():
    later = aliased(Decision)
    return exists().where(later.supersedes_id == Decision.id, later.published_at.is_not(None))


def _overturned():
    return exists().where(Appeal.decision_id == Decision.id, Appeal.outcome == AppealOutcome.RETURN)


def _withdrawn():
    return exists().where(Case.id == Decision.case_id, Case.state == CaseState.WITHDRAWN)


def revocation_condition(today: date):
    """SQL: the decision is no longer in force today (superseded, expired, overturned on appeal or withdrawn)."""
    return or_(_superseded(), and_(Decision.valid_to.is_not(None), Decision.valid_to < today), _overturned(),
               _withdrawn())


def revocation_reasons(decision: Decision, today: date) -> list[str]:
    """Why the decision's labels are revoked today, in words (empty while it is in force)."""
    reasons = []
    if later_decision(decision) is not None:
        reasons.append("superseded by a later published decision")
    if decision.valid_to is not None and decision.valid_to < today:
        reasons.append(f"expired on {decision.valid_to.isoformat()}")
    if decision.appeal is not None and decision.appeal.outcome == AppealOutcome.RETURN:
        reasons.append("returned for reconsideration on appeal")
    if decision.case.state == CaseState.WITHDRAWN:
        reasons.append("the review case was withdrawn")
    return reasons


def list_position(status_index: int) -> tuple[int, int]:
    """(list number from 1, bit position in that list) of a label's status index."""
    return status_index // LIST_SIZE + 1, status_index % LIST_SIZE


def status_list_url(list_number: int) -> str:
    """The absolute URL of a status list credential."""
    return public_url(url_for("credentials.status_list_credential", list_number=list_number))


def status_entry(status_index: int) -> dict:
    """The credentialStatus a label carries: its list and its position there."""
    list_number, position = list_position(status_index)
    list_url = status_list_url(list_number)
    return {"id": f"{list_url}#{position}", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": str(position), "statusListCredential": list_url}


@dataclass(frozen=True)
class StatusList:
    """One list as served today: its number, the bitstring and the labels it covers."""

    number: int
    bits: bytes
    labels: int

    @property
    def encoded(self) -> str:
        """Multibase base64url (prefix u, no padding) of the GZIP-compressed bitstring (mtime 0: same bits, same
        bytes)."""
        compressed = gzip.compress(self.bits, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def status_list(list_number: int, today: date | None = None) -> StatusList:
    """List `list_number` (from 1) with the bit of every revoked label set; one query whatever the size."""
    today = today or utcnow().date()
    first = (list_number - 1) * LIST_SIZE
    rows = db.session.execute(
        select(QaLabel.status_index, revocation_condition(today))
        .join(Decision, Decision.id == QaLabel.decision_id)
        .where(QaLabel.status_index >= first, QaLabel.status_index < first + LIST_SIZE))
    bits = bytearray(LIST_SIZE // 8)
    count = 0
    for status_index, revoked in rows:
        count += 1
        if revoked:
            position = status_index - first
            bits[position // 8] |= 0x80 >> (position % 8)  # index 0 is the left-most bit of the first byte
    return StatusList(list_number, bytes(bits), count)


def bit_is_set(encoded_list: str, position: int) -> bool:
    """Read one bit of an encodedList as a verifier does (ValueError when it cannot be decoded)."""
    if not encoded_list.startswith("u"):
        raise ValueError("the encoded list is not multibase base64url")
    body = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    if position >= len(bits) * 8:
        raise ValueError("the index lies outside the list")
    return bool(bits[position // 8] & (0x80 >> (position % 8)))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def status_list_jwt(listing: StatusList, key: SigningKey, today: date | None = None) -> str:
    """The BitstringStatusListCredential of the list, signed as a VC-JWT. Valid for the day it is served: the same
    bits on the same day give the same bytes (Ed25519 is deterministic), hence a stable ETag."""
    today = today or utcnow().date()
    url = status_list_url(listing.number)
    valid_from, valid_until = _midnight(today), _midnight(today + timedelta(days=1))
    credential = {
        "@context": [CONTEXT_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": agency_did(),
        "validFrom": valid_from.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "validUntil": valid_until.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": listing.encoded},
    }
    claims = {**credential, "iss": credential["issuer"], "jti": url, "iat": int(valid_from.timestamp()),
              "exp": int(valid_until.timestamp())}
    return sign_jwt(claims, key)


def etag_of(token: str) -> str:
    """A strong validator of a served token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()[:40]
