"""The QA label: issued once per micro-credential version a published positive or conditional decision covers, an
Open Badges 3.0 EndorsementCredential signed as an EdDSA VC-JWT that another JOSE library verifies with the
published JWKS; downloadable from the register page and the API."""
import pytest
from joserfc.errors import BadSignatureError
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.credentials.models import QaLabel
from qa_portal.extensions import db
from tests.credentials.conftest import AGENCY_DID, BASE_URL
from tests.credentials.factories import decode_with_published_jwks, download_label, tampered
from tests.registry.factories import published_decision, unpublished_decision


def test_label_verifies_with_the_published_jwks_in_another_library(client, key_dir):
    """A label signed by PyJWT verifies with joserfc against /.well-known/jwks.json; its header names the key."""
    decision = published_decision("positive_with_conditions")
    header, claims = decode_with_published_jwks(client, download_label(client, decision))
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt"
    assert header["kid"] == db.session.scalar(select(QaLabel.kid))
    assert claims["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert claims["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert claims["issuer"]["id"] == claims["iss"] == AGENCY_DID


def test_label_names_institution_version_outcome_validity_and_register_page(client, key_dir):
    """The subject is the micro-credential version's permanent URL; the label names the institution, the outcome,
    the validity (validFrom/validUntil) and the decision's register page."""
    decision = published_decision("positive_with_conditions")
    version = decision.case.specification_links[0].specification_version
    _header, claims = decode_with_published_jwks(client, download_label(client, decision))
    subject = claims["credentialSubject"]
    assert subject["id"] == f"{BASE_URL}/catalogue/{version.micro_credential_id}/v{version.number}"
    assert subject["type"] == ["EndorsementSubject"]
    assert subject["provider"]["name"] == decision.case.institution.name_en
    assert {"type": "IdentifierEntry", "identifier": decision.case.institution.deqar_id,
            "identifierType": "identifier"} in subject["provider"]["otherIdentifier"]
    assert subject["qaOutcome"]["deqarDecision"] == "positive with conditions or restrictions"
    assert subject["qaDecision"] == f"{BASE_URL}/register/{decision.id}"
    assert claims["validFrom"] == f"{decision.valid_from.isoformat()}T00:00:00Z"
    assert claims["validUntil"] == f"{decision.valid_to.isoformat()}T23:59:59Z"
    assert claims["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert claims["credentialStatus"]["statusListCredential"] == f"{BASE_URL}/credentials/status/1"


@pytest.mark.filterwarnings("ignore:EdDSA is deprecated")
def test_a_tampered_label_fails_in_the_independent_library(client, key_dir):
    """Changing one claim (the outcome) after signing makes joserfc refuse the signature."""
    token = download_label(client, published_decision("positive_with_conditions"))

    def upgrade(claims):
        claims["credentialSubject"]["qaOutcome"]["deqarDecision"] = "positive"
    with pytest.raises(BadSignatureError):
        decode_with_published_jwks(client, tampered(token, upgrade))


def test_label_is_issued_once_and_kept_as_signed(client, key_dir):
    """A second download returns the very same JWT; one label row per covered version, audited once."""
    decision = published_decision("positive", specifications=2)
    first = download_label(client, decision)
    assert download_label(client, decision) == first
    assert db.session.scalar(select(db.func.count(QaLabel.id))) == 2
    assert db.session.scalar(select(db.func.count(AuditEntry.id))
                             .where(AuditEntry.action == "credentials.issue_label")) == 2


def test_status_indexes_are_allocated_in_order_and_never_reused(client, key_dir):
    """Each new label takes the next index; indexes are unique across decisions."""
    for decision in (published_decision("positive", specifications=2), published_decision("positive")):
        download_label(client, decision)
    assert db.session.scalars(select(QaLabel.status_index).order_by(QaLabel.id)).all() == [0, 1, 2]


def test_negative_and_unpublished_decisions_have_no_label(client, key_dir):
    """A negative decision's label and an unpublished decision's answer 404 (page and API)."""
    negative = published_decision("negative")
    hidden = unpublished_decision("positive")
    for decision in (negative, hidden):
        version = decision.case.specification_links[0].specification_version
        assert client.get(f"/credentials/labels/{decision.id}/{version.id}.jwt").status_code == 404
    assert client.get(f"/api/v1/decisions/{negative.id}/credential").get_json()["error"]["code"] == "no_credential"
    assert client.get(f"/api/v1/decisions/{hidden.id}/credential").status_code == 404


def test_without_a_signing_key_no_label_is_issued_and_the_answer_says_why(client, app):
    """With no key configured the download answers 503 with the reason, and nothing is stored."""
    decision = published_decision("positive")
    version = decision.case.specification_links[0].specification_version
    response = client.get(f"/credentials/labels/{decision.id}/{version.id}.jwt")
    assert response.status_code == 503
    assert b"flask keys generate" in response.data
    assert client.get(f"/api/v1/decisions/{decision.id}/credential").get_json()["error"]["code"] == \
        "signing_key_missing"
    assert db.session.scalar(select(QaLabel.id)) is None


def test_api_serves_every_label_of_the_decision(client, key_dir):
    """/api/v1/decisions/<id>/credential lists one label per covered version with its JWT and decoded credential."""
    decision = published_decision("positive", specifications=2)
    body = client.get(f"/api/v1/decisions/{decision.id}/credential", base_url=BASE_URL).get_json()
    assert body["decision_id"] == decision.id and body["register_url"] == f"{BASE_URL}/register/{decision.id}"
    assert len(body["credentials"]) == 2
    for label in body["credentials"]:
        _header, claims = decode_with_published_jwks(client, label["jwt"])
        assert claims == label["credential"]


def test_register_page_offers_the_label_and_how_to_verify_it(client, key_dir):
    """A positive decision's register page links its label download and the verification page; a negative one
    shows no label panel."""
    positive, negative = published_decision("positive"), published_decision("negative")
    page = client.get(f"/register/{positive.id}").get_data(as_text=True)
    version = positive.case.specification_links[0].specification_version
    assert f"/credentials/labels/{positive.id}/{version.id}.jwt" in page
    assert 'href="/verify"' in page and "/.well-known/jwks.json" in page
    assert "qa-label" not in client.get(f"/register/{negative.id}").get_data(as_text=True)


def test_without_a_key_the_register_page_offers_no_download_that_would_fail(client):
    """No signing key and no label issued: the panel says the label is not available yet and links no download."""
    decision = published_decision("positive")
    page = client.get(f"/register/{decision.id}").get_data(as_text=True)
    assert "qa-label" in page and "/credentials/labels/" not in page
    assert "signing key" in page
