"""The daily digest: every message held for a user who chose one becomes a line (subject and link) of a single
message, queued at once; the held rows are marked digested, so a second run the same day finds nothing to send."""
from sqlalchemy import select

from qa_portal.auth.models import User
from qa_portal.core.urls import public_url
from qa_portal.extensions import db
from qa_portal.notifications.models import MailStatus, OutboxMessage
from qa_portal.notifications.services.outbox import queue_message


def queue_digests() -> int:
    """Queue one digest per user with held messages (oldest first in it); returns how many digests."""
    held = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == MailStatus.HELD)
                                   .order_by(OutboxMessage.recipient_id, OutboxMessage.id)))
    by_user: dict[int, list[OutboxMessage]] = {}
    for message in held:
        by_user.setdefault(message.recipient_id, []).append(message)
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(list(by_user))))}
    digests = 0
    for user_id, messages in by_user.items():
        items = [{"subject": message.subject, "link": message.link} for message in messages]
        digest = queue_message("digest", users.get(user_id), link=public_url("home.my_work"),
                               params={"count": len(items), "items": items})
        for message in messages:
            message.status = MailStatus.DIGESTED
        digests += digest is not None
    db.session.flush()
    return digests
