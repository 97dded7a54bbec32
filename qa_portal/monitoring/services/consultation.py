"""Consultation open to every stakeholder: anyone confirms an e-mail address by a one-time link, declares an
organisation and a stakeholder type (marked self-declared, never checked), and comments on a version in
consultation; the report keeps this input apart from account holders'; an officer writes the approved version's
consensus summary. The link leaves through `confirmation_link_requested`, a signal the notifications package can
subscribe to; until then it is logged (and shown on the page where QA_SHOW_CONFIRMATION_LINKS allows)."""
import hashlib
import re
import secrets
from datetime import timedelta

from blinker import signal
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.monitoring.models import ConsensusSummary, OpenComment, StakeholderContact
from qa_portal.monitoring.permissions import can_write_consensus_summary
from qa_portal.standards.models import Standard, StakeholderType, StandardVersion, VersionStatus

LINK_VALID = timedelta(hours=48)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A named signal in blinker's default namespace: the notifications package connects to it by name
# (blinker.signal("monitoring.confirmation_link_requested"); receivers get email= and link=) without importing us.
confirmation_link_requested = signal("monitoring.confirmation_link_requested")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_confirmation(email: str, organisation: str, stakeholder_type: StakeholderType) -> tuple:
    """Record (or renew) a contact with a fresh one-time token valid LINK_VALID; returns (contact, token)."""
    email = (email or "").strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise DomainError(_("Enter a valid e-mail address."), field="email")
    organisation = (organisation or "").strip()
    if not organisation:
        raise DomainError(_("Name your organisation (or write “individual”)."), field="organisation")
    contact = db.session.scalar(select(StakeholderContact).where(StakeholderContact.email == email))
    if contact is None:
        contact = StakeholderContact(email=email)
        db.session.add(contact)
    token = secrets.token_urlsafe(32)
    contact.organisation, contact.stakeholder_type = organisation[:300], stakeholder_type
    contact.token_hash, contact.token_expires_at = _hash(token), utcnow() + LINK_VALID
    db.session.flush()
    record(None, "monitoring.request_confirmation", contact, f"Confirmation link requested for contact {contact.id}")
    return contact, token


def deliver_confirmation_link(email: str, link: str) -> bool:
    """Send the link through whoever subscribed (the notifications package); log it otherwise. True when a
    subscriber took it."""
    receivers = confirmation_link_requested.send(current_app._get_current_object(), email=email, link=link)
    if not receivers:
        current_app.logger.info("consultation confirmation link for %s: %s", email, link)
    return bool(receivers)


def confirm_contact(token: str) -> StakeholderContact:
    """Confirm the contact whose unexpired one-time token this is (the token is then spent)."""
    contact = db.session.scalar(select(StakeholderContact).where(StakeholderContact.token_hash == _hash(token or "")))
    if contact is None or contact.token_expires_at is None or contact.token_expires_at < utcnow():
        raise DomainError(_("This confirmation link is unknown, used or expired; ask for a new one."))
    contact.confirmed_at, contact.token_hash, contact.token_expires_at = utcnow(), None, None
    db.session.flush()
    record(None, "monitoring.confirm_contact", contact, f"Contact {contact.id} confirmed its e-mail address")
    return contact


def add_open_comment(contact: StakeholderContact, version: StandardVersion, standard_id: int | None,
                     text: str) -> OpenComment:
    """A confirmed contact's comment on a version in consultation, on one of its standards or on the whole."""
    if contact.confirmed_at is None:
        raise DomainError(_("Confirm your e-mail address first."))
    if version.status != VersionStatus.CONSULTATION:
        raise DomainError(_("This version is not in consultation."))
    if standard_id is not None and db.session.scalar(
            select(Standard.id).where(Standard.id == standard_id, Standard.version_id == version.id)) is None:
        raise DomainError(_("Choose a standard of this version."), field="standard_id")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write your comment."), field="text")
    comment = OpenComment(contact_id=contact.id, version_id=version.id, standard_id=standard_id, text=text)
    db.session.add(comment)
    db.session.flush()
    record(None, "monitoring.open_comment", comment, f"Self-declared comment on {version.label} by contact "
           f"{contact.id}")
    return comment


def open_comments(version: StandardVersion) -> list[OpenComment]:
    """The version's self-declared comments, oldest first."""
    return list(db.session.scalars(select(OpenComment).where(OpenComment.version_id == version.id)
                                   .order_by(OpenComment.id).limit(2000)))


def consensus_summary(version: StandardVersion) -> ConsensusSummary | None:
    """The version's consensus summary, if written."""
    return db.session.scalar(select(ConsensusSummary).where(ConsensusSummary.version_id == version.id))


def write_consensus_summary(actor, version: StandardVersion, text: str) -> ConsensusSummary:
    """Write or rewrite what the version changed in response to which comments and why others were not taken up."""
    if not can_write_consensus_summary(actor):
        raise DomainError(_("Only an officer writes the consensus summary."))
    if version.consultation_opened_at is None:
        raise DomainError(_("Only a version that went through consultation has a consensus summary."), field="text")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the summary."), field="text")
    summary = consensus_summary(version) or ConsensusSummary(version_id=version.id)
    summary.text, summary.written_by_id = text, actor.id
    db.session.add(summary)
    db.session.flush()
    record(actor, "monitoring.write_consensus_summary", summary, f"Consensus summary of {version.label} written")
    return summary
