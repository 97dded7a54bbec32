"""Institutions register the credential issuers their learners' badges name (a DID or URL) with the Ed25519 public
key that signs them, so /verify can tell a badge of a known institution from one of an unknown issuer."""
import json
import re

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.credentials.models import IssuerKey
from qa_portal.credentials.services.data_integrity import ProofError, key_of_did_key
from qa_portal.credentials.services.keys import jwk_thumbprint, key_from_jwk, public_jwk
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution

__all__ = ["register_issuer_key", "revoke_issuer_key", "active_keys_of_issuer", "parse_public_key"]

ISSUER_ID = re.compile(r"^(did:[a-z0-9]+:[A-Za-z0-9._:%#-]+|https://[^\s]+)$")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """An Ed25519 public key written as a JWK (JSON), a PEM block or a multibase Multikey (z6Mk…); ValueError."""
    text = text.strip()
    if text.startswith("{"):
        try:
            return key_from_jwk(json.loads(text))
        except json.JSONDecodeError as error:
            raise ValueError("the JWK is not valid JSON") from error
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode("ascii"))
        except (ValueError, UnicodeEncodeError) as error:
            raise ValueError("the PEM block is not a public key") from error
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the PEM key is not an Ed25519 key")
        return key
    if text.startswith("z"):
        try:
            return key_of_did_key(f"did:key:{text}")
        except ProofError as error:
            raise ValueError(str(error)) from error
    raise ValueError("write the key as a JWK, a PEM public key or a multibase Ed25519 key (z6Mk…)")


def register_issuer_key(actor, institution: Institution, issuer_id: str, key_text: str) -> IssuerKey:
    """Register an issuer of the institution with its public key (taken from the DID itself for a did:key)."""
    issuer_id = (issuer_id or "").strip()
    if not ISSUER_ID.match(issuer_id) or len(issuer_id) > 500:
        raise DomainError(_("Enter the issuer as it appears in your badges: a DID (did:web:…, did:key:…) or an "
                            "https:// address."), field="issuer_id")
    key_text = (key_text or "").strip()
    try:
        if key_text:
            key = parse_public_key(key_text)
        elif issuer_id.startswith("did:key:"):
            key = key_of_did_key(issuer_id)
        else:
            raise ValueError("give the issuer's public key (only a did:key carries its key in its name)")
        if issuer_id.startswith("did:key:") and public_jwk(key) != public_jwk(key_of_did_key(issuer_id)):
            raise ValueError("this key is not the one the did:key names")
    except (ValueError, ProofError) as error:
        raise DomainError(_("The public key cannot be used: %(problem)s.", problem=str(error)),
                          field="public_key") from error
    jwk = public_jwk(key)
    thumbprint = jwk_thumbprint(jwk)
    duplicate = db.session.scalar(select(IssuerKey).where(IssuerKey.issuer_id == issuer_id,
                                                          IssuerKey.thumbprint == thumbprint))
    if duplicate is not None:
        raise DomainError(_("This issuer and key are already registered for %(name)s.",
                            name=duplicate.institution.name_en), field="public_key")
    issuer_key = IssuerKey(institution_id=institution.id, issuer_id=issuer_id, public_key_jwk=jwk,
                           thumbprint=thumbprint, registered_by_id=getattr(actor, "id", None), registered_at=utcnow())
    db.session.add(issuer_key)
    db.session.flush()
    record(actor, "credentials.register_issuer", institution, f"Issuer {issuer_id} registered",
           {"issuer_key": issuer_key.id, "issuer_id": issuer_id, "thumbprint": thumbprint})
    return issuer_key


def revoke_issuer_key(actor, issuer_key: IssuerKey) -> IssuerKey:
    """Stop trusting a registered key (kept for the record); badges signed with it no longer verify."""
    if issuer_key.revoked_at is not None:
        raise DomainError(_("This key was already revoked."))
    issuer_key.revoked_at, issuer_key.revoked_by_id = utcnow(), getattr(actor, "id", None)
    db.session.flush()
    record(actor, "credentials.revoke_issuer", issuer_key.institution, f"Issuer key {issuer_key.thumbprint} revoked",
           {"issuer_key": issuer_key.id, "issuer_id": issuer_key.issuer_id})
    return issuer_key


def active_keys_of_issuer(issuer_id: str) -> list[IssuerKey]:
    """The registered, unrevoked keys of an issuer id."""
    return list(db.session.scalars(select(IssuerKey).where(IssuerKey.issuer_id == issuer_id,
                                                           IssuerKey.revoked_at.is_(None)).order_by(IssuerKey.id)))
