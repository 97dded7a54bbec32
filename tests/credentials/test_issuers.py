"""Registering an institution's badge issuers: its own quality unit or an officer, a usable Ed25519 key (JWK, PEM,
multibase, or the did:key itself), a clear message at the field otherwise, revocation; others are refused."""
import json

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.credentials.models import IssuerKey
from qa_portal.credentials.services.data_integrity import multibase_public_key
from qa_portal.extensions import db
from qa_portal.pilots.models import InstitutionMembership
from tests.credentials.factories import new_issuer_key
from tests.factories import login, make_institution, make_user


def _hei_of(institution):
    user = make_user(Role.HEI)
    db.session.add(InstitutionMembership(user_id=user.id, institution_id=institution.id))
    db.session.commit()
    return user


def _register(client, institution, issuer_id, public_key=""):
    return client.post(f"/credentials/institutions/{institution.id}/issuers",
                       data={"issuer_id": issuer_id, "public_key": public_key})


def test_the_quality_unit_registers_an_issuer_with_a_jwk(client):
    """A JWK of an Ed25519 key is stored with its thumbprint, audited, and listed on the page."""
    institution = make_institution()
    login(client, _hei_of(institution))
    _private, jwk, _did = new_issuer_key()
    response = _register(client, institution, "did:web:badges.example.am", json.dumps(jwk))
    assert response.status_code == 302
    key = db.session.scalar(select(IssuerKey))
    assert key.public_key_jwk == jwk and key.institution_id == institution.id
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "credentials.register_issuer"))
    assert "did:web:badges.example.am" in client.get(response.location).get_data(as_text=True)


def test_a_pem_or_multibase_key_is_accepted_and_a_did_key_needs_none(client):
    """PEM and z6Mk… keys are read; a did:key is registered with the key it names."""
    institution = make_institution()
    login(client, make_user(Role.OFFICER))
    private, _jwk, did = new_issuer_key()
    pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    assert _register(client, institution, "https://badges.example.am/issuer", pem).status_code == 302
    other, _jwk, _did = new_issuer_key()
    assert _register(client, institution, "https://badges.example.am/issuer2",
                     multibase_public_key(other.public_key())).status_code == 302
    assert _register(client, institution, did).status_code == 302
    assert db.session.scalar(select(db.func.count(IssuerKey.id))) == 3


def test_an_unusable_key_is_refused_at_the_field_with_the_text_kept(client):
    """A private-looking or malformed key: 400, the reason at the key field, what was typed kept, nothing saved."""
    institution = make_institution()
    login(client, _hei_of(institution))
    response = _register(client, institution, "did:web:badges.example.am", '{"kty": "RSA", "n": "abc"}')
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "not an Ed25519" in page and "did:web:badges.example.am" in page
    assert db.session.scalar(select(IssuerKey.id)) is None


def test_an_issuer_that_is_neither_a_did_nor_https_is_refused(client):
    """An http:// or free-text issuer id is refused at its field."""
    institution = make_institution()
    login(client, _hei_of(institution))
    _private, jwk, _did = new_issuer_key()
    response = _register(client, institution, "http://insecure.example", json.dumps(jwk))
    assert response.status_code == 409 and "https://" in response.get_data(as_text=True)


def test_a_did_key_with_another_key_is_refused(client):
    """The key given must be the did:key's own."""
    institution = make_institution()
    login(client, _hei_of(institution))
    _private, _jwk, did = new_issuer_key()
    _other, other_jwk, _did = new_issuer_key()
    assert _register(client, institution, did, json.dumps(other_jwk)).status_code == 409


def test_the_same_issuer_and_key_cannot_be_registered_twice(client):
    """A duplicate (issuer, key) is refused naming the institution that has it."""
    institution = make_institution()
    login(client, _hei_of(institution))
    _private, jwk, _did = new_issuer_key()
    _register(client, institution, "did:web:badges.example.am", json.dumps(jwk))
    response = _register(client, institution, "did:web:badges.example.am", json.dumps(jwk))
    assert response.status_code == 409 and "already registered" in response.get_data(as_text=True)


def test_another_institutions_user_is_refused(app, client):
    """An HEI user of another institution gets 403 on the page and on registering; an expert too."""
    institution, other = make_institution(), make_institution()
    login(client, _hei_of(other))
    assert client.get(f"/credentials/institutions/{institution.id}/issuers").status_code == 403
    _private, jwk, _did = new_issuer_key()
    assert _register(client, institution, "did:web:x.example", json.dumps(jwk)).status_code == 403
    expert = app.test_client()
    login(expert, make_user(Role.EXPERT))
    assert expert.get("/credentials/issuers").status_code == 403


def test_the_issuer_list_shows_only_ones_own_institution(client):
    """HEI users see their institution only; officers see all."""
    mine, theirs = make_institution(name_en="Mine University"), make_institution(name_en="Their University")
    login(client, _hei_of(mine))
    page = client.get("/credentials/issuers").get_data(as_text=True)
    assert "Mine University" in page and "Their University" not in page


def test_revoking_a_key_keeps_it_listed_as_revoked(client):
    """Revocation stamps the key (kept for the record); a second revocation is refused."""
    institution = make_institution()
    login(client, _hei_of(institution))
    _private, jwk, _did = new_issuer_key()
    _register(client, institution, "did:web:badges.example.am", json.dumps(jwk))
    key = db.session.scalar(select(IssuerKey))
    assert client.post(f"/credentials/issuer-keys/{key.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(IssuerKey, key.id).revoked_at is not None
    client.post(f"/credentials/issuer-keys/{key.id}/revoke")
    assert "Revoked on" in client.get(f"/credentials/institutions/{institution.id}/issuers").get_data(as_text=True)
