"""The demo's outbox holds a message of every kind, one sent and one waiting for a retry."""
from qa_portal.demo import load_demo
from qa_portal.extensions import db
from qa_portal.notifications.kinds import KINDS
from qa_portal.notifications.models import MailStatus
from tests.notifications.helpers import outbox


def test_demo_outbox_has_every_kind(app):
    """After `flask demo load` the admin's outbox shows every kind of message; loading again adds nothing."""
    load_demo()
    db.session.commit()
    messages = outbox()
    assert {message.kind for message in messages} >= set(KINDS)
    assert any(m.status == MailStatus.SENT for m in messages) and any(m.last_error for m in messages)
    count = len(messages)
    load_demo()
    db.session.commit()
    assert len(outbox()) == count
