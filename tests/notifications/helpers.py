"""Helpers for notification tests: the outbox rows of a kind, sending everything due, a link's path."""
from urllib.parse import urlsplit

from sqlalchemy import select

from qa_portal.extensions import db
from qa_portal.notifications.models import OutboxMessage
from qa_portal.notifications.services.sender import send_batch


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def send_all() -> None:
    """Send every due message (commit after each batch, as the worker does)."""
    while send_batch().sent:
        db.session.commit()
    db.session.commit()


def path_of(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "localhost", url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def link_in(message: OutboxMessage) -> str:
    """The one portal link of a message's plain text."""
    links = [word for word in message.body_text.split() if word.startswith("http://localhost/")]
    assert len(set(links)) == 1, message.body_text
    return links[0]
