"""The agency's keys: `flask keys generate|rotate`, the private key mode 600 outside the web root, every public key
published in the JWKS and the did:web document, production refusing to start without a key."""
import os
import stat

import pytest

from qa_portal.credentials.services.keys import (SigningKeyError, current_signing_key, generate_key, published_keys,
                                                 rotate_key)
from qa_portal.credentials.views import _serving
from tests.credentials.conftest import AGENCY_DID, BASE_URL
from tests.factories import make_production_app


def test_generate_key_writes_the_private_key_with_mode_600(key_dir):
    """The private PEM is created 600 and its directory 700."""
    (private,) = key_dir.glob("*.private.pem")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700


def test_generate_key_refuses_a_second_key(key_dir):
    """A directory that has a key is rotated, never given a second one."""
    with pytest.raises(SigningKeyError, match="rotate"):
        generate_key(key_dir)


def test_a_private_key_readable_by_others_is_refused(key_dir, app):
    """Mode 644 on the private key: the key is refused with the chmod to run."""
    (private,) = key_dir.glob("*.private.pem")
    os.chmod(private, 0o644)
    with app.app_context(), pytest.raises(SigningKeyError, match="chmod 600"):
        current_signing_key()


def test_rotation_keeps_every_public_key_published(key_dir, client, app):
    """After a rotation the JWKS lists the old and the new key; only the new private key remains."""
    with app.app_context():
        old = current_signing_key().kid
        _old, new = rotate_key(key_dir)
        assert current_signing_key().kid == new
        assert [key["kid"] for key in published_keys()] == sorted([old, new])
    assert len(list(key_dir.glob("*.private.pem"))) == 1
    response = client.get("/.well-known/jwks.json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    keys = response.get_json()["keys"]
    assert {key["kid"] for key in keys} == {old, new}
    assert all(set(key) == {"kty", "crv", "x", "kid", "alg", "use"} for key in keys)


def test_did_document_is_the_did_web_of_the_base_url_with_every_key(key_dir, client):
    """/.well-known/did.json: id did:web:<host>, one JsonWebKey2020 method per published key, all for assertions."""
    rotate_key(key_dir)
    document = client.get("/.well-known/did.json", base_url=BASE_URL).get_json()
    assert document["id"] == AGENCY_DID
    assert len(document["verificationMethod"]) == 2
    assert document["assertionMethod"] == [method["id"] for method in document["verificationMethod"]]
    assert all(method["id"].startswith(AGENCY_DID + "#") for method in document["verificationMethod"])


def test_did_web_encodes_a_port_and_a_path(app):
    """did:web of https://host:8443/qa is did:web:host%3A8443:qa."""
    from qa_portal.credentials.urls import agency_did

    before = app.config["QA_PUBLIC_BASE_URL"]
    app.config["QA_PUBLIC_BASE_URL"] = "https://qa.example.am:8443/qa"
    try:
        with app.app_context():
            assert agency_did() == "did:web:qa.example.am%3A8443:qa"
    finally:
        app.config["QA_PUBLIC_BASE_URL"] = before


def test_keys_commands_generate_rotate_and_list(app, tmp_path):
    """`flask keys generate`, `keys rotate` and `keys list` work on QA_SIGNING_KEY_DIR; a second generate fails."""
    app.config["QA_SIGNING_KEY_DIR"] = str(tmp_path / "keys")
    runner = app.test_cli_runner()
    try:
        generated = runner.invoke(args=["keys", "generate"])
        assert generated.exit_code == 0 and "mode 600" in generated.output
        assert runner.invoke(args=["keys", "generate"]).exit_code == 1
        rotated = runner.invoke(args=["keys", "rotate"])
        assert rotated.exit_code == 0 and "retired" in rotated.output
        listed = runner.invoke(args=["keys", "list"]).output.splitlines()
        assert len(listed) == 2 and sum(line.endswith("(current)") for line in listed) == 1
    finally:
        app.config["QA_SIGNING_KEY_DIR"] = ""


def _production(app, key_directory: str):
    return make_production_app(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                               QA_SIGNING_KEY_DIR=key_directory, QA_REQUIRE_SIGNING_KEY=True)


def test_production_refuses_to_start_without_a_signing_key(app, tmp_path):
    """No key in QA_SIGNING_KEY_DIR under the production configuration: create_app raises, naming the command."""
    with pytest.raises(RuntimeError, match="keys generate"):
        _production(app, str(tmp_path / "none"))


def test_production_starts_with_a_safe_key_and_refuses_an_unsafe_one(app, tmp_path):
    """With a mode-600 key production starts; the same key made readable by others stops it."""
    generate_key(tmp_path / "keys")
    assert _production(app, str(tmp_path / "keys")) is not None
    (private,) = (tmp_path / "keys").glob("*.private.pem")
    os.chmod(private, 0o640)
    with pytest.raises(RuntimeError, match="chmod 600"):
        _production(app, str(tmp_path / "keys"))


@pytest.mark.parametrize("argv, from_cli, serving", [
    (["gunicorn", "wsgi:app"], None, True),
    (["flask", "--app", "wsgi", "run", "--port", "5000"], "true", True),
    (["flask", "--app", "wsgi", "keys", "generate"], "true", False),
    (["flask", "-A", "run", "db", "upgrade"], "true", False),  # an app module named "run" is not the command
    (["flask", "--app", "wsgi"], "true", False),
])
def test_only_a_serving_process_needs_the_signing_key(monkeypatch, argv, from_cli, serving):
    """Production refuses to serve without a key, but every other flask command runs (so `keys generate` can make
    it): Flask sets FLASK_RUN_FROM_CLI for every command, so the command's name decides."""
    if from_cli is None:
        monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    else:
        monkeypatch.setenv("FLASK_RUN_FROM_CLI", from_cli)
    assert _serving(argv) is serving
