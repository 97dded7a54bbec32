"""Sending the outbox through SMTP: each pass claims the due messages (on PostgreSQL with FOR UPDATE SKIP LOCKED, so
several workers never take the same row), sends them over one connection and marks each sent, or records the error
and retries later with a growing wait. The caller commits after each batch.

Delivery is at least once: a crash after the SMTP server accepted a message but before the batch's commit sends that
message again on the next pass — with the same Message-ID, so mail clients and servers can recognise the duplicate."""
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.notifications.models import MailStatus, OutboxMessage

MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect, read from QA_SMTP_URL."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str = ""
    password: str = field(default="", repr=False)


def smtp_settings(url: str) -> SmtpSettings:
    """Parse smtp://user:password@host:587 (STARTTLS), smtps://…:465 (implicit TLS) or smtp://host?starttls=off."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("QA_SMTP_URL must look like smtp://user:password@host:587 or smtps://user:password@host:465.")
    implicit = parts.scheme == "smtps"
    starttls = not implicit and parse_qs(parts.query).get("starttls", ["on"])[0] not in ("off", "no", "0", "false")
    return SmtpSettings(host=parts.hostname, port=parts.port or (465 if implicit else 587), implicit_tls=implicit,
                        starttls=starttls, username=unquote(parts.username or ""),
                        password=unquote(parts.password or ""))


class SmtpTransport:
    """One SMTP connection for a batch of messages."""

    def __init__(self, settings: SmtpSettings, timeout: int):
        self.settings, self.timeout, self.connection = settings, timeout, None

    def __enter__(self):
        settings, context = self.settings, ssl.create_default_context()
        if settings.implicit_tls:
            self.connection = smtplib.SMTP_SSL(settings.host, settings.port, timeout=self.timeout, context=context)
        else:
            self.connection = smtplib.SMTP(settings.host, settings.port, timeout=self.timeout)
            if settings.starttls:
                self.connection.starttls(context=context)
        if settings.username:
            self.connection.login(settings.username, settings.password)
        return self

    def send(self, email: EmailMessage) -> None:
        """Hand one message to the server (raises on refusal)."""
        self.connection.send_message(email)

    def __exit__(self, *_exc):
        try:
            self.connection.quit()
        except (smtplib.SMTPException, OSError):
            self.connection.close()


def build_email(message: OutboxMessage) -> EmailMessage:
    """The e-mail of an outbox row: plain text with an HTML alternative and the row's own Message-ID."""
    email = EmailMessage()
    email["From"] = current_app.config["QA_MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Auto-Submitted"] = "auto-generated"
    email["Content-Language"] = message.locale
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after `attempts` failures: 1, 2, 4, … minutes, at most MAX_BACKOFF."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def claim_due(now, limit: int) -> list[OutboxMessage]:
    """The queued messages due now, oldest first, locked for this transaction (others skip them on PostgreSQL)."""
    query = (select(OutboxMessage).where(OutboxMessage.status == MailStatus.QUEUED,
                                         OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True))
    return list(db.session.scalars(query))


def record_failure(message: OutboxMessage, error: Exception, now) -> None:
    """Count a failed try: retry after a growing wait, or give up (failed) after QA_MAIL_MAX_ATTEMPTS."""
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:1000]
    if message.attempts >= current_app.config["QA_MAIL_MAX_ATTEMPTS"]:
        message.status = MailStatus.FAILED
    else:
        message.next_attempt_at = now + backoff(message.attempts)


@dataclass
class BatchResult:
    """What one pass did."""

    sent: int = 0
    failed: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.failed


def send_batch(transport_factory=None, now=None, limit: int | None = None) -> BatchResult:
    """Send one batch of due messages; flushes, the caller commits. Without QA_SMTP_URL (and no transport given)
    nothing is sent and the messages wait in the outbox."""
    now = now or utcnow()
    if transport_factory is None:
        url = current_app.config.get("QA_SMTP_URL")
        if not url:
            return BatchResult()
        settings = smtp_settings(url)
        transport_factory = lambda: SmtpTransport(settings, current_app.config["QA_SMTP_TIMEOUT_SECONDS"])  # noqa: E731
    messages = claim_due(now, limit or current_app.config["QA_MAIL_BATCH_SIZE"])
    result = BatchResult()
    if not messages:
        return result
    try:
        with transport_factory() as transport:
            for message in messages:
                try:
                    transport.send(build_email(message))
                except (smtplib.SMTPException, OSError, ValueError) as error:
                    record_failure(message, error, now)
                    result.failed += 1
                else:
                    message.status, message.sent_at, message.last_error = MailStatus.SENT, utcnow(), ""
                    message.attempts += 1
                    result.sent += 1
    except (smtplib.SMTPException, OSError) as error:  # no connection: every unsent message of the batch waits
        for message in messages:
            if message.status == MailStatus.QUEUED and message.sent_at is None and message.next_attempt_at <= now:
                record_failure(message, error, now)
                result.failed += 1
    db.session.flush()
    return result


def waiting_count() -> int:
    """How many messages wait in the outbox (queued)."""
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status == MailStatus.QUEUED)) or 0


def requeue_message(actor, message: OutboxMessage) -> None:
    """An administrator sends a failed message again (after fixing the address or the server): queued now, with a
    fresh count of attempts and the same Message-ID."""
    if message.status != MailStatus.FAILED:
        raise DomainError(_("Only a message that failed can be sent again."))
    message.status, message.attempts, message.next_attempt_at = MailStatus.QUEUED, 0, utcnow()
    db.session.flush()
    record(actor, "mail.requeue", message, f"Message {message.id} to {message.to_address} queued again",
           {"kind": message.kind, "last_error": message.last_error})
