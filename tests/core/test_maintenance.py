"""`flask maintenance daily`: every package's job runs, each committed alone; a problem makes the command fail."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from qa_portal import PACKAGES
from qa_portal.audit.models import AuditEntry
from qa_portal.audit.services import record
from qa_portal.auth.models import LoginFailure
from qa_portal.core.maintenance import daily_jobs
from qa_portal.core.models import utcnow
from qa_portal.extensions import db

pytestmark = pytest.mark.committing  # alters an audit entry from another connection


def _failure(email: str, age: timedelta) -> None:
    db.session.add(LoginFailure(email=email, remote_addr="192.0.2.1", at=utcnow() - age))
    db.session.commit()


def test_daily_jobs_are_registered_by_the_packages():
    """The packages hook their jobs onto the daily_maintenance signal; they run upstream first, whichever module was
    imported first."""
    names = [job.name for job in daily_jobs(PACKAGES)]
    assert names.index("auth.purge_login_failures") < names.index("audit.verify_audit_chain") \
        < names.index("registry.refresh_public_records") < names.index("notifications.queue_due_reminders")


def test_maintenance_daily_purges_expired_login_failures(app):
    """Failed sign-ins older than the retention go, recent ones stay, and the purge is audited."""
    _failure("old@example.org", timedelta(days=31))
    _failure("recent@example.org", timedelta(days=29))
    result = app.test_cli_runner().invoke(args=["maintenance", "daily"])
    assert result.exit_code == 0, result.output
    assert "ok      auth.purge_login_failures: 1 expired failed sign-in(s) removed." in result.output
    assert "ok      audit.verify_audit_chain: Audit chain intact" in result.output
    assert db.session.scalars(select(LoginFailure.email)).all() == ["recent@example.org"]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_failures_purged")).one()
    assert entry.actor_label == "system" and entry.data["removed"] == 1


def test_maintenance_daily_keeps_failures_inside_the_throttle_window(app, monkeypatch):
    """Even with a retention shorter than the throttle window, no failure that still throttles is removed."""
    monkeypatch.setitem(app.config, "QA_LOGIN_FAILURE_RETENTION_DAYS", 0)
    _failure("throttling@example.org", timedelta(minutes=5))
    _failure("expired@example.org", timedelta(minutes=app.config["QA_LOGIN_WINDOW_MINUTES"] + 1))
    assert app.test_cli_runner().invoke(args=["maintenance", "daily"]).exit_code == 0
    assert db.session.scalars(select(LoginFailure.email)).all() == ["throttling@example.org"]


def test_maintenance_daily_fails_on_a_broken_audit_chain_after_running_every_job(app):
    """An altered audit entry makes the command exit 1 naming the entry; the other jobs still ran and committed."""
    entry = record(None, "test.entry", None, "Original summary")
    db.session.commit()
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_entries SET summary = 'Altered' WHERE id = :id"), {"id": entry.id})
    _failure("old@example.org", timedelta(days=40))
    result = app.test_cli_runner().invoke(args=["maintenance", "daily"])
    assert result.exit_code == 1
    assert f"PROBLEM audit.verify_audit_chain: Audit chain broken at entry {entry.id}" in result.output
    assert db.session.scalar(select(LoginFailure.id)) is None
