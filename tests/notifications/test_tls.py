"""TLS to the SMTP server, against aiosmtpd on loopback with a self-signed certificate: smtp:// upgrades with STARTTLS
(and the server refuses mail without it), smtps:// speaks TLS from the first byte; both log in when the URL has a
user."""
import datetime
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.notifications.services import sender
from qa_portal.notifications.services.outbox import queue_message
from tests.factories import make_user
from tests.notifications.smtp_server import Inbox, free_port


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1: (server context, client context trusting it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_path, key_path)
    client = ssl.create_default_context(cafile=str(cert_path))
    return server, client


class Authenticator:
    """Accepts the one account the URL names."""

    def __init__(self):
        self.logins = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.login == b"mailer" and auth_data.password == b"s3cret")


def _send_one(app, monkeypatch, client_context, url) -> None:
    monkeypatch.setattr(sender.ssl, "create_default_context", lambda: client_context)
    app.config["QA_SMTP_URL"] = url
    try:
        queue_message("ser_accepted", make_user(Role.HEI), link="http://localhost/", params={"reference": "MC-1"})
        db.session.commit()
        assert sender.send_batch().sent == 1
        db.session.commit()
    finally:
        app.config["QA_SMTP_URL"] = ""


def test_smtp_url_uses_starttls_and_logs_in(app, monkeypatch, certificate):
    """smtp://mailer:s3cret@host:port upgrades to TLS before logging in; the server requires it."""
    server_context, client_context = certificate
    inbox, authenticator, port = Inbox(), Authenticator(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_context,
                            require_starttls=True, authenticator=authenticator, auth_require_tls=True)
    controller.start()
    try:
        _send_one(app, monkeypatch, client_context, f"smtp://mailer:s3cret@127.0.0.1:{port}")
    finally:
        controller.stop()
    assert len(inbox.messages) == 1 and authenticator.logins == [(b"mailer", b"s3cret")]


def test_smtps_url_uses_implicit_tls(app, monkeypatch, certificate):
    """smtps://host:port speaks TLS from the first byte."""
    server_context, client_context = certificate
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=server_context)
    controller.start()
    try:
        _send_one(app, monkeypatch, client_context, f"smtps://127.0.0.1:{port}")
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
