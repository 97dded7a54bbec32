"""/verify and POST /api/v1/verify with QA labels: a good label is verified with its decision shown; a tampered, a
superseded (revoked), an expired or an unknown-key label is not, each saying why; bad input gets a clear 4xx."""
import io
import json
from datetime import timedelta

import jwt as pyjwt
from sqlalchemy import update

from qa_portal.core.models import utcnow
from qa_portal.credentials.services.keys import rotate_key
from qa_portal.decisions.models import Decision
from qa_portal.extensions import db
from tests.credentials.conftest import BASE_URL
from tests.credentials.factories import download_label, tampered
from tests.registry.factories import published_decision, superseding_decision


def _page(client, **data):
    return client.post("/verify", data=data, base_url=BASE_URL, content_type="multipart/form-data")


def _api(client, body, content_type="application/vc+jwt"):
    return client.post("/api/v1/verify", data=body, content_type=content_type, base_url=BASE_URL)


def _outcomes(answer: dict) -> dict:
    return {check["check"]: check["outcome"] for check in answer["checks"]}


def test_a_good_label_is_verified_with_its_decision(client, key_dir):
    """Signature, issuer, decision, status and validity all pass; the answer names the decision."""
    decision = published_decision("positive_with_conditions")
    answer = _api(client, download_label(client, decision)).get_json()
    assert answer["kind"] == "qa_label" and answer["verdict"] == "verified"
    assert _outcomes(answer) == {"signature": "passed", "issuer": "passed", "decision": "passed",
                                 "status": "passed", "validity": "passed"}
    assert answer["decision"]["register_url"] == f"{BASE_URL}/register/{decision.id}"


def test_the_page_shows_the_checks_and_the_decision(client, key_dir):
    """Pasting the label on /verify shows "Verified", each check and a link to the decision."""
    decision = published_decision("positive")
    page = _page(client, credential=download_label(client, decision)).get_data(as_text=True)
    assert "Verified" in page and f"{BASE_URL}/register/{decision.id}" in page
    assert page.count('class="check-passed"') == 5


def test_an_uploaded_label_file_is_verified(client, key_dir):
    """The .jwt file as downloaded can be uploaded instead of pasted."""
    token = download_label(client, published_decision("positive"))
    response = _page(client, upload=(io.BytesIO(token.encode()), "label.jwt"))
    assert response.status_code == 200 and "verdict-verified" in response.get_data(as_text=True)


def test_a_tampered_label_fails_its_signature(client, key_dir):
    """A label whose outcome was edited after signing: the signature check fails and says so."""
    token = download_label(client, published_decision("positive_with_conditions"))

    def upgrade(claims):
        claims["credentialSubject"]["qaOutcome"]["label"] = "Positive"
    answer = _api(client, tampered(token, upgrade)).get_json()
    assert answer["verdict"] == "failed" and _outcomes(answer)["signature"] == "failed"
    assert "altered" in next(check["message"] for check in answer["checks"] if check["check"] == "signature")


def test_a_superseded_label_fails_its_status_check_with_the_reason(client, key_dir):
    """The status check reads the status list: revoked, because a later decision replaced it."""
    conditional = published_decision("positive_with_conditions")
    token = download_label(client, conditional)
    superseding_decision(conditional)
    answer = _api(client, token).get_json()
    status = next(check for check in answer["checks"] if check["check"] == "status")
    assert answer["verdict"] == "failed" and status["outcome"] == "failed"
    assert "superseded" in status["message"]
    assert _outcomes(answer)["signature"] == "passed"


def test_an_expired_label_fails_its_validity_and_status(client, key_dir):
    """After valid_to the label is out of its validity period and revoked in the list."""
    decision = published_decision("positive")
    today = utcnow().date()
    db.session.execute(update(Decision).where(Decision.id == decision.id).values(
        valid_from=today - timedelta(days=800), valid_to=today - timedelta(days=2)))
    db.session.commit()
    answer = _api(client, download_label(client, decision)).get_json()
    assert _outcomes(answer)["validity"] == "failed" and _outcomes(answer)["status"] == "failed"


def test_a_label_signed_before_a_rotation_still_verifies(client, key_dir):
    """After `keys rotate` the old public key stays published: the old label verifies, a new one names the new kid."""
    old_token = download_label(client, published_decision("positive"))
    _old, new_kid = rotate_key(key_dir)
    assert _api(client, old_token).get_json()["verdict"] == "verified"
    new_token = download_label(client, published_decision("positive"))
    assert pyjwt.get_unverified_header(new_token)["kid"] == new_kid
    assert _api(client, new_token).get_json()["verdict"] == "verified"


def test_a_label_under_an_unknown_key_fails(client, key_dir, app):
    """A label whose kid is not among the published keys fails the signature check, naming the JWKS."""
    token = download_label(client, published_decision("positive"))
    app.config["QA_SIGNING_KEY_DIR"] = str(key_dir.parent / "elsewhere")
    answer = _api(client, token).get_json()
    assert _outcomes(answer)["signature"] == "failed"
    assert "/.well-known/jwks.json" in answer["checks"][0]["message"]


def test_the_label_as_bare_json_is_not_taken_as_verified(client, key_dir):
    """The label's JSON without its JWT carries no signature: the signature check fails and says what to send."""
    claims = pyjwt.decode(download_label(client, published_decision("positive")), options={"verify_signature": False})
    answer = _api(client, json.dumps(claims), "application/json").get_json()
    assert answer["kind"] == "qa_label" and _outcomes(answer)["signature"] == "failed"


def test_page_refuses_text_that_is_not_a_credential_and_keeps_it(client, key_dir):
    """Not JSON nor a JWT: 400, the reason at the field, the pasted text kept."""
    response = _page(client, credential="hello, is this my badge?")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "neither JSON nor a JWT" in page and "hello, is this my badge?" in page


def test_a_number_of_thousands_of_digits_is_refused_not_a_500(client, key_dir):
    """JSON Python will not convert (a 5,000-digit number) is refused at the field with 400, like any non-credential."""
    response = _page(client, credential="9" * 5000)
    assert response.status_code == 400 and "cannot be read" in response.get_data(as_text=True)


def test_page_refuses_json_of_the_wrong_type(client, key_dir):
    """A JSON array is not a credential: 400 with the type named."""
    response = _page(client, credential="[1, 2, 3]")
    assert response.status_code == 400 and "JSON list" in response.get_data(as_text=True)


def test_page_refuses_an_empty_submission(client, key_dir):
    """Nothing pasted nor uploaded: 400 asking for a credential."""
    response = _page(client, credential="  ")
    assert response.status_code == 400 and "paste a credential" in response.get_data(as_text=True)


def test_page_refuses_an_oversized_paste_and_upload(client, key_dir, app):
    """More than QA_VERIFY_MAX_KB pasted or uploaded: 413 with the limit at the field."""
    app.config["QA_VERIFY_MAX_KB"] = 1
    try:
        pasted = _page(client, credential="x" * 2048)
        uploaded = _page(client, upload=(io.BytesIO(b"{" + b" " * 4096 + b"}"), "badge.json"))
    finally:
        app.config["QA_VERIFY_MAX_KB"] = 256
    assert pasted.status_code == 413 and "1 KB" in pasted.get_data(as_text=True)
    assert uploaded.status_code == 413 and "1 KB" in uploaded.get_data(as_text=True)


def test_page_refuses_a_binary_upload(client, key_dir):
    """A file that is not UTF-8 text: 400 naming what to upload."""
    response = _page(client, upload=(io.BytesIO(b"\x89PNG\r\n\x1a\n\xff\xfe"), "badge.png"))
    assert response.status_code == 400 and "not text" in response.get_data(as_text=True)


def test_api_refuses_bad_bodies_in_the_error_shape(client, key_dir, app):
    """Not a credential → 400 invalid_credential; wrong media type → 415; too large → 413; never a 500."""
    not_json = _api(client, "{not json", "application/json")
    assert not_json.status_code == 400 and not_json.get_json()["error"]["code"] == "invalid_credential"
    assert _api(client, "42", "application/json").get_json()["error"]["code"] == "invalid_credential"
    assert _api(client, "x", "application/xml").status_code == 415
    app.config["QA_VERIFY_MAX_KB"] = 1
    try:
        too_large = _api(client, "{" + " " * 2048 + "}", "application/json")
    finally:
        app.config["QA_VERIFY_MAX_KB"] = 256
    assert too_large.status_code == 413 and too_large.get_json()["error"]["code"] == "too_large"


def test_api_accepts_a_wrapped_credential(client, key_dir):
    """{"credential": "<jwt>"} as JSON is the same as the bare JWT."""
    token = download_label(client, published_decision("positive"))
    answer = _api(client, json.dumps({"credential": token}), "application/json").get_json()
    assert answer["verdict"] == "verified"


def test_an_unrelated_credential_is_named_as_such(client, key_dir):
    """A credential that is neither an agency label nor an Open Badges credential fails its type check."""
    answer = _api(client, json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"],
                                      "type": ["VerifiableCredential", "DrivingLicence"]}), "application/json")
    assert answer.get_json()["kind"] == "unrecognised" and "DrivingLicence" in answer.get_json()["checks"][0]["message"]
