"""Two mail workers over one PostgreSQL outbox send each of 1,000 queued messages exactly once: each batch is claimed
with SELECT … FOR UPDATE SKIP LOCKED, so the second worker skips what the first holds. PostgreSQL only (SQLite has
one writer and no row locks: run one worker there)."""
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.notifications.models import MailStatus, OutboxMessage
from qa_portal.notifications.services.outbox import new_message_id
from tests.factories import make_user
from tests.notifications.smtp_server import LoopbackSmtp

pytestmark = pytest.mark.committing  # two worker processes read what the test committed

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 1000


def _queue_many(user) -> None:
    now = utcnow()
    db.session.add_all(OutboxMessage(
        kind="ser_accepted", recipient_id=user.id, to_address=user.email, locale="en", subject=f"Message {n}",
        body_text=f"Body {n}", body_html=f"<p>Body {n}</p>", message_id=new_message_id(), status=MailStatus.QUEUED,
        attempts=0, last_error="", created_at=now, next_attempt_at=now) for n in range(MESSAGES))
    db.session.commit()


def test_two_workers_send_each_of_1000_messages_exactly_once(app, tmp_path):
    """Two `flask mail send` processes started together deliver 1,000 messages with 1,000 distinct Message-IDs, none
    twice, both taking part; every row ends sent."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("two workers need PostgreSQL (set QA_TEST_DATABASE_URL): SQLite has no row locks")
    _queue_many(make_user(Role.HEI))
    smtp = LoopbackSmtp().start()
    try:
        env = {**os.environ, "QA_CONFIG": "development", "DATABASE_URL": url, "QA_SMTP_URL": smtp.url,
               "QA_MAIL_BATCH_SIZE": "10", "QA_PUBLIC_BASE_URL": "http://localhost", "FLASK_DEBUG": "0"}
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "send"]
        workers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True) for _ in range(2)]
        outputs = [worker.communicate(timeout=300)[0] for worker in workers]
    finally:
        smtp.stop()
    assert all(worker.returncode == 0 for worker in workers), outputs
    sent_by = [int(re.search(r"Sent (\d+) message", output).group(1)) for output in outputs]
    received = Counter(message["Message-ID"] for _rcpt, message in smtp.inbox.messages)
    assert len(received) == MESSAGES and max(received.values()) == 1
    assert sum(sent_by) == MESSAGES and min(sent_by) > 0, sent_by
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status == MailStatus.SENT)) == MESSAGES
