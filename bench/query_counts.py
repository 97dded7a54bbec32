"""Measure SQL queries and time per page as the data grows (run: .venv/bin/python bench/query_counts.py).

Each page is requested at two data sizes; a page that keeps a constant number of queries shows the
same count in both columns. Results go to stdout as a Markdown table for bench/README.md."""
import contextvars
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event  # noqa: E402

from qa_portal import create_app  # noqa: E402
from qa_portal.extensions import db  # noqa: E402

from bench import seeds  # noqa: E402

SIZES = (10, 1000)
REPEATS = 5


class QueryCounter:
    """Counts statements sent to the database while active."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _on_execute(self, *_args):
        self.count += 1

    def __enter__(self):
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._on_execute)


def measure(size: int) -> dict[str, tuple[int, float]]:
    """Seed a fresh database with `size` rows per kind and measure every page in seeds.PAGES."""
    directory = tempfile.mkdtemp(prefix="qa-bench-")
    app = create_app("testing", overrides={
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.sqlite", "WTF_CSRF_ENABLED": False})
    results = {}
    with app.app_context():
        upgrade()
        seeds.seed(size)
        db.session.commit()
        engine = db.engine
    for label, url, email in seeds.PAGES:
        client = app.test_client()
        contextvars.Context().run(client.post, "/login", data={"email": email, "password": seeds.PASSWORD})
        timings = []
        counter = QueryCounter(engine)
        for _ in range(REPEATS):
            with counter:
                started = time.perf_counter()
                response = contextvars.Context().run(client.get, url)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (label, url, response.status_code)
        results[label] = (counter.count, statistics.median(timings) * 1000)
    return results


def main() -> None:
    measured = {size: measure(size) for size in SIZES}
    small, large = SIZES
    print(f"| page | queries at {small} | queries at {large} | ms at {small} | ms at {large} |")
    print("|---|---|---|---|---|")
    for label in measured[small]:
        q1, t1 = measured[small][label]
        q2, t2 = measured[large][label]
        print(f"| {label} | {q1} | {q2} | {t1:.1f} | {t2:.1f} |")


if __name__ == "__main__":
    main()
