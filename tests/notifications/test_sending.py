"""The sender, against a real SMTP server on loopback: delivered messages parse (headers, both parts, the link), a
server that is down keeps messages queued until it returns, and the Message-ID never changes between tries."""
from datetime import timedelta

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.notifications.models import MailStatus
from qa_portal.notifications.services.outbox import queue_message
from qa_portal.notifications.services.sender import backoff, send_batch, smtp_settings
from tests.factories import make_user
from tests.notifications.helpers import outbox, send_all
from tests.notifications.smtp_server import LoopbackSmtp


def _queued(user=None):
    user = user or make_user(Role.HEI)
    message = queue_message("ser_accepted", user, link="http://localhost/cases/1", params={"reference": "MC-1"})
    db.session.commit()
    return message


def test_delivered_message_has_headers_both_parts_and_the_link(app, smtp):
    """The server receives From, To, Subject and the stored Message-ID, a plain-text part and an HTML alternative,
    both with the link."""
    user = make_user(Role.HEI, email="quality@uni.example.am")
    message = _queued(user)
    send_all()
    [received] = smtp.inbox.to("quality@uni.example.am")
    assert received["Message-ID"] == message.message_id
    assert received["From"] == app.config["QA_MAIL_FROM"]
    assert received["Subject"] == "MC-1: your self-evaluation was accepted"
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "http://localhost/cases/1" in text and 'href="http://localhost/cases/1"' in html
    assert db.session.get(type(message), message.id).status == MailStatus.SENT


def test_smtp_down_keeps_the_message_then_delivers_it_when_back(app):
    """With the server down the message stays queued (one attempt counted, retried later); once the server is up
    and the wait has passed it is delivered, once, with the same Message-ID."""
    server = LoopbackSmtp()
    app.config["QA_SMTP_URL"] = server.url
    try:
        message = _queued()
        result = send_batch()
        db.session.commit()
        assert result.failed == 1
        row = outbox()[0]
        assert row.status == MailStatus.QUEUED and row.attempts == 1 and row.last_error
        server.start()
        assert send_batch().sent == 0  # not due yet: it waits out its backoff
        send_batch(now=utcnow() + timedelta(minutes=2))
        db.session.commit()
        [received] = server.inbox.messages
        assert received[1]["Message-ID"] == message.message_id
        assert outbox()[0].status == MailStatus.SENT
        send_batch(now=utcnow() + timedelta(hours=1))
        assert len(server.inbox.messages) == 1
    finally:
        server.stop()
        app.config["QA_SMTP_URL"] = ""


def test_message_id_is_fixed_when_queued_and_unique(app):
    """Every message gets its own Message-ID when queued; sending does not change it."""
    first, second = _queued(), _queued()
    assert first.message_id != second.message_id
    assert first.message_id.startswith("<") and first.message_id.endswith("@qa-portal.local>")


def test_without_smtp_url_messages_stay_in_the_outbox(app):
    """Development needs no mail server: nothing is sent, nothing is marked."""
    _queued()
    assert send_batch().claimed == 0
    assert outbox()[0].status == MailStatus.QUEUED


def test_retries_stop_after_the_last_attempt(app):
    """After QA_MAIL_MAX_ATTEMPTS failures the message is marked failed and no longer tried."""
    server = LoopbackSmtp()  # never started
    app.config["QA_SMTP_URL"] = server.url
    try:
        _queued()
        later = utcnow()
        for _attempt in range(app.config["QA_MAIL_MAX_ATTEMPTS"]):
            later += timedelta(hours=7)
            send_batch(now=later)
        db.session.commit()
        assert outbox()[0].status == MailStatus.FAILED
    finally:
        app.config["QA_SMTP_URL"] = ""


def test_backoff_doubles_up_to_six_hours():
    """Waits between tries: 1, 2, 4 minutes …, never more than six hours."""
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert backoff(30) == timedelta(hours=6)


def test_smtp_url_schemes():
    """smtp:// is STARTTLS on 587, smtps:// implicit TLS on 465, ?starttls=off only when asked; user and password
    are read (percent-decoded)."""
    plain = smtp_settings("smtp://user:p%40ss@mail.example.am")
    assert (plain.port, plain.starttls, plain.implicit_tls, plain.password) == (587, True, False, "p@ss")
    assert smtp_settings("smtps://mail.example.am").port == 465 and smtp_settings("smtps://m.am").implicit_tls
    assert smtp_settings("smtp://127.0.0.1:25?starttls=off").starttls is False


def test_a_crash_before_marking_sent_delivers_one_duplicate_with_the_same_message_id(app, smtp):
    """At-least-once: if the worker dies after the server accepted a message but before its batch committed, the next
    pass sends it again — once, with the same Message-ID, so the duplicate is recognisable."""
    message = _queued()
    send_batch()
    db.session.rollback()  # the crash: the batch's "sent" marks are lost
    send_all()
    send_all()
    ids = [received["Message-ID"] for _rcpt, received in smtp.inbox.messages]
    assert ids == [message.message_id, message.message_id]
    assert outbox()[0].status == MailStatus.SENT


def test_mail_send_command_sends_or_says_why_not(app, smtp):
    """`flask mail send` sends what is due and says how many; without QA_SMTP_URL it says the mail stays queued."""
    _queued()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "Sent 1 message(s)" in result.output
    assert len(smtp.inbox.messages) == 1
    app.config["QA_SMTP_URL"] = ""
    _queued()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert "QA_SMTP_URL is not set: 1 message(s) stay in the outbox" in result.output
