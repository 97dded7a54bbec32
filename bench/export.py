"""The registry API at scale (run: .venv/bin/python bench/export.py [--decisions 100000]).

Builds a fresh SQLite file database under /tmp (migrated like production, demo loaded, then grown with
`demo scale`'s generator to each size) and measures:
  (a) the NDJSON export (GET /api/v1/decisions.ndjson) served by a real server process (gunicorn, one sync
      worker, production settings) and consumed over HTTP, in rows/s and MB/s, against the floor: one flat raw
      `sqlite3` query of the same rows serialised with `json.dumps` in this process; the ratio (target >= 0.5),
      by wall clock and by CPU time (the worker's from /proc, the floor's process_time: the cores are shared);
  (b) the server process's peak memory (VmHWM of the worker) after serving the export, at two sizes (flat in N);
  (c) the SQL statements sent for one page of GET /api/v1/decisions at two sizes (must be equal), counted in
      process through the test client with a SQLAlchemy event listener.
Prints Markdown tables for bench/README.md. --profile runs the export in process under cProfile."""
import argparse
import contextvars
import cProfile
import http.client
import io
import json
import os
import pstats
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from qa_portal import create_app  # noqa: E402
from qa_portal.decisions.models import Decision  # noqa: E402
from qa_portal.extensions import db  # noqa: E402

from bench.query_counts import QueryCounter  # noqa: E402

GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
NDJSON_URL = "/api/v1/decisions.ndjson"
LIST_PAGES = ("/api/v1/decisions", "/api/v1/decisions?limit=500")

# The floor: the decision's own columns with its institution and outcome, in one flat join, as decision_json names
# them (what a single query can give without the specification, criteria and condition lists).
FLOOR_SQL = """
SELECT d.id, c.reference, i.id, i.name_en, i.name_hy, i.short_name, i.institution_type, i.country, i.national_id,
       i.website, i.deqar_id, i.eter_id, o.code, o.label_en, o.label_hy, o.kind, s.code, o.deqar_decision,
       d.valid_from, d.valid_to, d.meeting_date, d.hei_heard, d.reasons, d.published_at
FROM decisions d JOIN cases c ON c.id = d.case_id JOIN institutions i ON i.id = c.institution_id
JOIN outcomes o ON o.id = d.outcome_id JOIN outcome_schemes s ON s.id = o.scheme_id
WHERE d.published_at IS NOT NULL ORDER BY d.id
"""


def bench_app(path: Path):
    """An in-process app on the bench database (testing settings: no rate-limit store to reach)."""
    return create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})


def published_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Decision.id)).where(Decision.published_at.is_not(None)))


def build(app, size: int, fresh: bool) -> float:
    """Migrate and load the demo on a fresh database, then add decisions until `size` are published; seconds taken
    by the scale generator."""
    from qa_portal.demo import load_demo
    from qa_portal.demo.scale import generate_decisions

    with app.app_context():
        if fresh:
            upgrade()
            load_demo()
            db.session.commit()
        missing = size - db.session.scalar(select(func.count(Decision.id)).where(Decision.published_at.is_not(None)))
        started = time.perf_counter()
        if missing > 0:
            generate_decisions(missing)
            db.session.commit()
        return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving wsgi:app on the bench database with production settings, one sync worker."""

    def __init__(self, path: Path):
        self.port = free_port()
        keys = tempfile.mkdtemp(prefix="qa-bench-keys-")
        env = {**os.environ, "QA_CONFIG": "production", "DATABASE_URL": f"sqlite:///{path}",
               "SECRET_KEY": "bench-only-secret-key-not-for-production", "QA_RATELIMIT_STORAGE_URI": "memory://",
               "QA_ALLOW_LOCAL_RATE_LIMITS": "1", "QA_API_RATE_LIMIT": "100000 per minute",
               "QA_PUBLIC_BASE_URL": "https://qa.example.am", "QA_SIGNING_KEY_DIR": keys}
        # Production refuses to start without the agency's signing key; `flask keys generate` makes it (under
        # development settings: under production the same guard stops the command itself).
        subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi", "keys", "generate"], cwd=ROOT,
                       env=env | {"QA_CONFIG": "development"}, check=True, capture_output=True)
        self.process = subprocess.Popen(
            [str(GUNICORN), "--workers", "1", "--timeout", "1800", "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = self.get("/api/v1/")
                if status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *_exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    def get(self, url: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1800)
        connection.request("GET", url)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, body

    def worker_pid(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return int(children[0])

    def memory_kib(self, field: str = "VmHWM") -> int:
        """A memory figure of the worker process from /proc (VmHWM: peak resident set; VmRSS: current)."""
        for line in Path(f"/proc/{self.worker_pid()}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise RuntimeError(f"{field} not in /proc status")

    def cpu_seconds(self) -> float:
        """User and system CPU time the worker has used so far (/proc/<pid>/stat fields 14 and 15)."""
        fields = Path(f"/proc/{self.worker_pid()}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stream(self, url: str) -> "Run":
        """Read the response over HTTP as it streams, with the worker's CPU time spent on it."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1800)
        cpu = self.cpu_seconds()
        started = time.perf_counter()
        connection.request("GET", url)
        response = connection.getresponse()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}: {response.read()[:500]!r}")
        rows = size = 0
        while chunk := response.read1(1 << 16):
            rows += chunk.count(b"\n")
            size += len(chunk)
        elapsed = time.perf_counter() - started
        connection.close()
        return Run(rows, size, elapsed, self.cpu_seconds() - cpu)


def _iso_time(text: str | None) -> str | None:
    return None if text is None else text[:19].replace(" ", "T") + "Z"


def floor(path: Path) -> "Run":
    """The raw floor: the flat query's rows as JSON lines (json.dumps), in this process."""
    cpu, started = time.process_time(), time.perf_counter()
    connection = sqlite3.connect(path)
    rows = size = 0
    for row in connection.execute(FLOOR_SQL):
        line = json.dumps({
            "id": row[0], "case_reference": row[1],
            "institution": {"id": row[2], "name_en": row[3], "name_hy": row[4], "acronym": row[5], "type": row[6],
                            "country": row[7], "national_id": row[8], "website": row[9], "deqar_id": row[10],
                            "eter_id": row[11]},
            "outcome": {"code": row[12], "label_en": row[13], "label_hy": row[14], "kind": row[15],
                        "scheme": row[16], "deqar_decision": row[17]},
            "valid_from": row[18], "valid_to": row[19], "meeting_date": row[20], "institution_heard": bool(row[21]),
            "reasons": row[22], "published_at": _iso_time(row[23]),
        }, ensure_ascii=False, separators=(",", ":")) + "\n"
        size += len(line.encode())
        rows += 1
    connection.close()
    return Run(rows, size, time.perf_counter() - started, time.process_time() - cpu)


def list_queries(app) -> dict[str, int]:
    """SQL statements sent for one page of each list URL (the first request warms caches; the second is counted)."""
    client = app.test_client()
    counts = {}
    with app.app_context():
        engine = db.engine
    for url in LIST_PAGES:
        contextvars.Context().run(client.get, url)
        with QueryCounter(engine) as counter:
            response = contextvars.Context().run(client.get, url)
        assert response.status_code == 200, (url, response.status_code)
        counts[url] = counter.count
    return counts


def profile_export(app, top: int = 30) -> str:
    """The NDJSON export generated in process under cProfile: where the time goes."""
    from qa_portal.registry.services.export import ndjson_chunks
    from qa_portal.registry.services.queries import published_decisions

    profiler = cProfile.Profile()
    with app.test_request_context("/api/v1/decisions.ndjson"):
        profiler.enable()
        for _chunk in ndjson_chunks(published_decisions()):
            pass
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


@dataclass(frozen=True)
class Run:
    """One pass over every published decision: lines, bytes, wall seconds, CPU seconds of the producing process."""

    rows: int
    size: int
    wall: float
    cpu: float


def best(runs: list[Run]) -> Run:
    """The fastest of several runs by wall time and by CPU time (the machine is shared, so both are noisy)."""
    return Run(runs[0].rows, runs[0].size, min(run.wall for run in runs), min(run.cpu for run in runs))


def measure_server(path: Path, repeats: int) -> dict:
    """Throughput of the NDJSON export over HTTP (best of `repeats`) and the worker's memory before and after."""
    with Server(path) as server:
        rss_before = server.memory_kib("VmRSS")
        runs = [server.stream(NDJSON_URL) for _ in range(repeats)]
        return {"export": best(runs), "rss_before": rss_before, "hwm_after": server.memory_kib("VmHWM")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100_000, help="the large size (default 100000)")
    parser.add_argument("--repeats", type=int, default=2, help="export and floor runs per size; the best counts")
    parser.add_argument("--database", type=Path, help="reuse (or create) this SQLite file instead of a fresh one")
    parser.add_argument("--profile", action="store_true", help="also profile the export in process at the large size")
    args = parser.parse_args()
    large = args.decisions
    small = max(large // 10, 10)
    query_small = min(1000, small)

    path = args.database or Path(tempfile.mkdtemp(prefix="qa-bench-export-")) / "bench.sqlite"
    fresh = not path.exists()
    app = bench_app(path)
    print(f"Database: {path}", file=sys.stderr)
    results, scale_seconds = {}, {}
    for size in sorted({query_small, small, large}):
        if not fresh and published_count(app) > size:
            print(f"skipping {size}: the database already holds more", file=sys.stderr)
            continue
        scale_seconds[size] = build(app, size, fresh)
        fresh = False
        count = published_count(app)
        print(f"{count} published decisions (scale generator: {scale_seconds[size]:.1f} s)", file=sys.stderr)
        entry = results.setdefault(size, {"count": count})
        if size in (query_small, large):
            entry["queries"] = list_queries(app)
        if size in (small, large):
            entry.update(measure_server(path, args.repeats))
            entry["floor"] = best([floor(path) for _ in range(args.repeats)])
    report(results, scale_seconds)
    if args.profile:
        print("\n```\n" + profile_export(app) + "```")


def report(results: dict, scale_seconds: dict) -> None:
    """The Markdown tables for bench/README.md."""
    print("| published decisions | scale generator (s) |\n|---|---|")
    for size, seconds in scale_seconds.items():
        print(f"| {results[size]['count']} | {seconds:.1f} |")
    print("\n| published decisions | NDJSON rows/s | NDJSON MB/s | floor rows/s | floor MB/s | ratio (wall) "
          "| NDJSON rows per CPU-s | floor rows per CPU-s | ratio (CPU) | worker RSS before (MiB) "
          "| worker peak VmHWM after (MiB) |\n|---|---|---|---|---|---|---|---|---|---|---|")
    for entry in results.values():
        if "export" not in entry:
            continue
        export, raw = entry["export"], entry["floor"]
        print(f"| {entry['count']} | {export.rows / export.wall:,.0f} | {export.size / export.wall / 1e6:.2f} "
              f"| {raw.rows / raw.wall:,.0f} | {raw.size / raw.wall / 1e6:.2f} "
              f"| {raw.wall / export.wall:.2f} | {export.rows / export.cpu:,.0f} | {raw.rows / raw.cpu:,.0f} "
              f"| {raw.cpu / export.cpu:.2f} | {entry['rss_before'] / 1024:.1f} | {entry['hwm_after'] / 1024:.1f} |")
        if export.rows != raw.rows:
            print(f"\n(NDJSON gave {export.rows} lines, the floor {raw.rows} rows: they should be equal.)")
    print("\n| page | " + " | ".join(f"queries at {entry['count']}" for entry in results.values()
                                       if "queries" in entry) + " |")
    measured = [entry for entry in results.values() if "queries" in entry]
    print("|---|" + "---|" * len(measured))
    for url in LIST_PAGES:
        print(f"| `GET {url}` | " + " | ".join(str(entry["queries"][url]) for entry in measured) + " |")


if __name__ == "__main__":
    main()
