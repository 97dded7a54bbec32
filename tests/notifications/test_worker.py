"""`flask mail worker` as systemd runs it: it keeps sending what is queued and stops cleanly on SIGTERM."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.notifications.models import MailStatus
from qa_portal.notifications.services.outbox import queue_message
from tests.factories import make_user
from tests.notifications.helpers import outbox
from tests.notifications.smtp_server import LoopbackSmtp

pytestmark = pytest.mark.committing  # the worker is another process: it reads what the test committed

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_worker_sends_what_is_queued_meanwhile_and_stops_on_sigterm(app):
    """A running worker delivers a message queued after it started, then exits 0 on SIGTERM."""
    smtp = LoopbackSmtp().start()
    env = {**os.environ, "QA_CONFIG": "development", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "QA_SMTP_URL": smtp.url, "QA_PUBLIC_BASE_URL": "http://localhost", "FLASK_DEBUG": "0"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "mail", "worker", "--poll", "1"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        user = make_user(Role.HEI, email="worker.test@example.org")
        queue_message("ser_accepted", user, link="http://localhost/", params={"reference": "MC-9"})
        db.session.commit()
        assert _wait_for(lambda: smtp.inbox.to("worker.test@example.org")), "the worker sent nothing"
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
        smtp.stop()
    assert worker.returncode == 0, output
    db.session.expire_all()
    assert [message.status for message in outbox()] == [MailStatus.SENT]
    assert len(smtp.inbox.messages) == 1
