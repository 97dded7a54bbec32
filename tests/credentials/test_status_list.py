"""The Bitstring Status List: derived from the decisions whenever it is served, signed as a VC-JWT, cached by ETag;
a label's bit is set once its decision is superseded, expired, overturned on appeal or its case withdrawn."""
from datetime import timedelta

from sqlalchemy import select, update

from qa_portal.core.models import utcnow
from qa_portal.credentials.models import QaLabel
from qa_portal.credentials.services.status_list import LIST_SIZE, bit_is_set
from qa_portal.decisions.models import AppealOutcome, Decision
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState
from tests.credentials.conftest import AGENCY_DID, BASE_URL
from tests.credentials.factories import decode_with_published_jwks, download_label
from tests.registry.factories import appeal_against, published_decision, superseding_decision


def _revoked(client, token: str) -> bool:
    """Whether the label is revoked, read as any verifier would: its entry → the list credential → the bit."""
    _header, label = decode_with_published_jwks(client, token)
    entry = label["credentialStatus"]
    response = client.get(entry["statusListCredential"].removeprefix(BASE_URL), base_url=BASE_URL)
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    _header, listing = decode_with_published_jwks(client, response.get_data(as_text=True))
    assert listing["credentialSubject"]["statusPurpose"] == entry["statusPurpose"] == "revocation"
    return bit_is_set(listing["credentialSubject"]["encodedList"], int(entry["statusListIndex"]))


def test_status_list_is_a_signed_bitstring_status_list_credential(client, key_dir):
    """The list is a BitstringStatusListCredential of the agency with a 16 KB (131,072-bit) list."""
    download_label(client, published_decision("positive"))
    _header, listing = decode_with_published_jwks(client, client.get("/credentials/status/1", base_url=BASE_URL)
                                                  .get_data(as_text=True))
    assert listing["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listing["issuer"] == AGENCY_DID
    assert listing["credentialSubject"]["type"] == "BitstringStatusList"
    assert not bit_is_set(listing["credentialSubject"]["encodedList"], LIST_SIZE - 1)


def test_a_label_in_force_is_not_revoked(client, key_dir):
    """A published positive decision within its validity: bit 0."""
    assert not _revoked(client, download_label(client, published_decision("positive")))


def test_a_superseded_decisions_label_shows_as_revoked(client, key_dir):
    """Once a later decision replacing it is published, the old label's bit is set; the new one's is not."""
    conditional = published_decision("positive_with_conditions")
    token = download_label(client, conditional)
    assert not _revoked(client, token)
    later = superseding_decision(conditional)
    assert _revoked(client, token)
    assert not _revoked(client, download_label(client, later))


def test_an_unpublished_later_decision_does_not_revoke(client, key_dir):
    """A replacing decision recorded but not yet published leaves the label in force."""
    conditional = published_decision("positive_with_conditions")
    token = download_label(client, conditional)
    superseding_decision(conditional, published=False)
    assert not _revoked(client, token)


def test_an_expired_decisions_label_shows_as_revoked(client, key_dir):
    """After valid_to the bit is set, derived on the day the list is served."""
    decision = published_decision("positive")
    token = download_label(client, decision)
    today = utcnow().date()  # decisions are immutable through the ORM: the test moves its validity in SQL
    db.session.execute(update(Decision).where(Decision.id == decision.id).values(
        valid_from=today - timedelta(days=400), valid_to=today - timedelta(days=1)))
    db.session.commit()
    assert _revoked(client, token)


def test_a_decision_returned_for_reconsideration_on_appeal_shows_as_revoked(client, key_dir):
    """An appeal returning the decision for reconsideration revokes its label; an upheld one does not."""
    returned, upheld = published_decision("positive"), published_decision("positive")
    returned_token, upheld_token = download_label(client, returned), download_label(client, upheld)
    appeal_against(returned, outcome=AppealOutcome.RETURN)
    appeal_against(upheld, outcome=AppealOutcome.UPHOLD)
    assert _revoked(client, returned_token)
    assert not _revoked(client, upheld_token)


def test_a_withdrawn_cases_label_shows_as_revoked(client, key_dir):
    """A label whose case is withdrawn is revoked."""
    decision = published_decision("positive")
    token = download_label(client, decision)
    decision.case.state = CaseState.WITHDRAWN
    db.session.commit()
    assert _revoked(client, token)


def test_the_list_answers_304_until_a_bit_changes(client, key_dir):
    """If-None-Match with the served ETag gives 304; superseding a decision changes the list and its ETag."""
    conditional = published_decision("positive_with_conditions")
    download_label(client, conditional)
    first = client.get("/credentials/status/1", base_url=BASE_URL)
    again = client.get("/credentials/status/1", base_url=BASE_URL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    superseding_decision(conditional)
    changed = client.get("/credentials/status/1", base_url=BASE_URL, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_a_list_beyond_the_issued_labels_is_served_empty_and_nonsense_is_404(client, key_dir):
    """List 2 exists (all zero) for indexes to come; list 0 answers 404."""
    assert client.get("/credentials/status/2").status_code == 200
    assert client.get("/credentials/status/0").status_code == 404


def test_status_list_without_a_signing_key_answers_503(client):
    """No key, no signed list: 503 with the reason."""
    assert client.get("/credentials/status/1").status_code == 503


def test_label_indexes_point_into_the_right_list(client, key_dir):
    """A label's entry names list 1 and its index as position while the index is below the list size."""
    download_label(client, published_decision("positive"))
    label = db.session.scalar(select(QaLabel))
    _header, claims = decode_with_published_jwks(client, label.jwt)
    assert claims["credentialStatus"]["statusListIndex"] == str(label.status_index)
