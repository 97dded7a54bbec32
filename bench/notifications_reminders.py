"""The reminder pass over many open tasks (run: .venv/bin/python bench/notifications_reminders.py [--tasks 10000]).

Builds a fresh SQLite database (migrated like production) with `tasks` review cases whose self-evaluation is due at
spread dates (a quarter 7 days ahead, a quarter 1 day ahead, a quarter 1 day late, a quarter 7 days late), spread
over 100 institutions with one quality-unit user each and a coordinating officer, then runs the reminder pass twice.
It prints the statements sent per batch of 500 tasks (constant when nothing is loaded per row), the total, the time,
and what the second run queued (nothing: the pass is idempotent). Results go to bench/README.md."""
import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, func, insert, select  # noqa: E402

from qa_portal import create_app  # noqa: E402
from qa_portal.auth.models import Role, User, UserRole  # noqa: E402
from qa_portal.core.models import utcnow  # noqa: E402
from qa_portal.extensions import db  # noqa: E402
from qa_portal.notifications.models import OutboxMessage  # noqa: E402
from qa_portal.notifications.services import reminders  # noqa: E402
from qa_portal.notifications.services.deadlines import open_tasks  # noqa: E402
from qa_portal.pilots.models import Institution, InstitutionMembership  # noqa: E402
from qa_portal.reviews.models import Case, CaseState  # noqa: E402
from qa_portal.standards.services import create_standard_set  # noqa: E402

INSTITUTIONS = 100
OFFSETS_IN_DAYS = (7, 1, -1, -7)  # due in 7 days, tomorrow, yesterday, a week ago


def seed(tasks: int) -> None:
    version = create_standard_set(None, "bench-set", "Bench standards", None).versions[0]
    officer = User(email="officer@bench.example.org", full_name="Bench Officer", role_links=[UserRole(role=Role.OFFICER)])
    db.session.add(officer)
    institutions = [Institution(short_name=f"B{n}", name_en=f"Bench University {n}") for n in range(INSTITUTIONS)]
    db.session.add_all(institutions)
    db.session.flush()
    for n, institution in enumerate(institutions):
        user = User(email=f"hei{n}@bench.example.org", full_name=f"Quality Unit {n}", role_links=[UserRole(role=Role.HEI)])
        db.session.add(user)
        db.session.flush()
        db.session.add(InstitutionMembership(user_id=user.id, institution_id=institution.id))
    now = utcnow()
    db.session.execute(insert(Case), [
        {"reference": f"MC-BENCH-{n:05d}", "institution_id": institutions[n % INSTITUTIONS].id,
         "standard_version_id": version.id, "state": CaseState.SER_IN_PREPARATION, "coordinator_id": officer.id,
         "ser_due_at": now + timedelta(days=OFFSETS_IN_DAYS[n % 4], minutes=-5), "created_at": now, "updated_at": now}
        for n in range(tasks)])
    db.session.commit()


def run(tasks: int) -> None:
    directory = tempfile.mkdtemp(prefix="qa-bench-reminders-")
    app = create_app("development", overrides={"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.sqlite",
                                               "QA_REQUEST_LOG_TO_STDERR": False})
    with app.app_context(), app.test_request_context():
        upgrade()
        seed(tasks)
        per_batch: list[int] = []
        statements = [0]
        event.listen(db.engine, "before_cursor_execute", lambda *_args: statements.__setitem__(0, statements[0] + 1))
        original = reminders.queue_reminders

        def counted(batch, now=None):
            before = statements[0]
            queued = original(batch, now)
            per_batch.append(statements[0] - before)
            return queued

        reminders.queue_reminders = counted
        statements[0] = 0
        started = time.perf_counter()
        summary = reminders.run_reminder_pass()
        db.session.commit()
        first_seconds, first_statements = time.perf_counter() - started, statements[0]
        queued = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        statements[0], per_batch_first = 0, list(per_batch)
        per_batch.clear()
        started = time.perf_counter()
        reminders.run_reminder_pass()
        db.session.commit()
        second_seconds, second_statements = time.perf_counter() - started, statements[0]
        again = db.session.scalar(select(func.count()).select_from(OutboxMessage)) - queued
        statements[0] = 0
        open_tasks()
        print(f"{tasks} open tasks: {summary}")
        print(f"| run | batches of {reminders.BATCH} | statements per batch | statements in all | seconds | queued |")
        print("|---|---|---|---|---|---|")
        print(f"| first | {len(per_batch_first)} | {sorted(set(per_batch_first))} | {first_statements} | "
              f"{first_seconds:.1f} | {queued} |")
        print(f"| second (same day) | {len(per_batch)} | {sorted(set(per_batch))} | {second_statements} | "
              f"{second_seconds:.1f} | {again} |")
        print(f"open_tasks() alone: {statements[0]} statements")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    run(parser.parse_args().tasks)
