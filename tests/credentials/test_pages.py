"""The credentials pages are accessible (labels, unique ids, one h1) with their content: /verify with examples and an
answer, the issuers page, the officers' DEQAR page."""
import json

from qa_portal.auth.models import Role
from qa_portal.credentials.services.issuers import register_issuer_key
from qa_portal.extensions import db
from qa_portal.pilots.models import InstitutionMembership
from tests.core.test_accessibility import assert_accessible
from tests.credentials.conftest import BASE_URL
from tests.credentials.factories import download_label, new_issuer_key
from tests.factories import login, make_user
from tests.registry.factories import published_decision


def test_verify_page_with_examples_and_an_answer_is_accessible(client, key_dir):
    """The empty form, the examples (a QA label) and a verification answer pass the page checks."""
    token = download_label(client, published_decision("positive"))
    empty = client.get("/verify", base_url=BASE_URL).get_data(as_text=True)
    assert "Examples to try" in empty
    assert_accessible("/verify", empty)
    answered = client.post("/verify", data={"credential": token}, base_url=BASE_URL).get_data(as_text=True)
    assert_accessible("/verify (answer)", answered)


def test_issuer_and_deqar_pages_are_accessible(client, request_ctx):
    """An institution's issuers page with a key and its revoke button, and the DEQAR page, pass the page checks."""
    decision = published_decision("positive")
    institution = decision.case.institution
    for _ in range(2):
        _private, jwk, _did = new_issuer_key()
        register_issuer_key(None, institution, "did:web:badges.example.am", json.dumps(jwk))
    officer = make_user(Role.OFFICER)
    db.session.add(InstitutionMembership(user_id=officer.id, institution_id=institution.id))
    db.session.commit()
    login(client, officer)
    for url in (f"/credentials/institutions/{institution.id}/issuers", "/credentials/issuers", "/credentials/deqar"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))
