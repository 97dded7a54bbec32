"""The pages people work in, at 10,000 and 100,000 cases (run: .venv/bin/python bench/pages.py).

    .venv/bin/python bench/pages.py build --database sqlite --size 100000   # seed one database (idempotent)
    .venv/bin/python bench/pages.py measure --database sqlite --sizes 10000 100000 --requests 40

`build` makes a database of its own (SQLite file under /tmp/qa-bench-pages, or PostgreSQL database
`qa_bench_pages_<size>` on the local server): `flask db upgrade`, the demo, then `flask demo scale --cases N`
(qa_portal/demo/scale_cases.py: cases in every lifecycle state, half decided and published, bulk inserts).
`measure` serves it with gunicorn as deploy/ does (deploy/gunicorn.conf.py, 2 sync workers, production settings;
two-factor sign-in off so the bench can sign in with a password), signs in through the login form like a browser
(deploy/smoke.py's client) and requests every page `--requests` times, one at a time: p50 and p95 of the wall-clock
time seen by the client, against the p50 of `GET /login` (signed out) measured in the same run, and the SQL query
count of each page, read from the app's JSON request log (qa_portal/core/observability.py) by request id.
Prints Markdown tables for bench/README.md."""
import argparse
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy.smoke import Client  # noqa: E402

BIN = ROOT / ".venv" / "bin"
SQLITE_DIR = Path("/tmp/qa-bench-pages")
PG_SERVER = os.environ.get("QA_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
OFFICER, COUNCIL = "officer@example.org", "council@example.org"
PASSWORD = "demo-password-2026"

# (label, path, viewer); "{case}" is a scale case's id, "{deep}" a page number near the end of the case list.
PAGES = [
    ("/cases (officer, first page)", "/cases", OFFICER),
    ("/cases?page={deep} (officer, deep page)", "/cases?page={deep}", OFFICER),
    ("/cases?state=desk_review", "/cases?state=desk_review", OFFICER),
    ("/cases?overdue=1", "/cases?overdue=1", OFFICER),
    ("/cases/<id>", "/cases/{case}", OFFICER),
    ("/my-work (officer)", "/my-work", OFFICER),
    ("/my-work (council)", "/my-work", COUNCIL),
    ("/applications", "/applications", OFFICER),
    ("/experts", "/experts", OFFICER),
    ("/specifications", "/specifications", OFFICER),
    ("/institutions", "/institutions", OFFICER),
    ("/consultations/", "/consultations/", OFFICER),
    ("/appeals", "/appeals", OFFICER),
    ("/complaints", "/complaints", OFFICER),
    ("/register?page=100", "/register?page=100", OFFICER),
    ("/catalogue", "/catalogue", OFFICER),
    ("/audit/", "/audit/", OFFICER),
    ("/api/v1/decisions?limit=100", "/api/v1/decisions?limit=100", OFFICER),
]


def database_url(database: str, size: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{SQLITE_DIR}/cases-{size}.sqlite"
    return f"{PG_SERVER}/qa_bench_pages_{size}"


def flask(env: dict, *args: str) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def build(database: str, size: int) -> None:
    """A fresh database with the demo and `size` scale cases (kept if it already holds them)."""
    url = database_url(database, size)
    env = {**os.environ, "QA_CONFIG": "development", "DATABASE_URL": url}
    marker = SQLITE_DIR / f"{database}-{size}.built"
    if marker.exists():
        print(f"{url}: already built", flush=True)
        return
    SQLITE_DIR.mkdir(parents=True, exist_ok=True)
    if database == "sqlite":
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        name = url.rsplit("/", 1)[1]
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "demo", "load")
    demo = time.perf_counter()
    print(flask(env, "demo", "scale", "--cases", str(size)).strip(), flush=True)
    seconds = time.perf_counter() - demo
    print(f"{url}: demo {demo - started:.1f} s, {size} cases in {seconds:.1f} s "
          f"(load average {os.getloadavg()[0]:.1f})", flush=True)
    marker.write_text(f"{seconds:.1f}\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with deploy/gunicorn.conf.py and production settings; its JSON request log goes to a file."""

    def __init__(self, url: str, workers: int = 2):
        self.port = free_port()
        self.work = Path(tempfile.mkdtemp(prefix="qa-bench-server-"))
        self.log = self.work / "requests.log"
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(("QA_", "DATABASE_URL"))}
        self.env.update({
            "QA_CONFIG": "production", "SECRET_KEY": secrets.token_urlsafe(48), "DATABASE_URL": url,
            "QA_PUBLIC_BASE_URL": f"https://127.0.0.1:{self.port}",
            "QA_RATELIMIT_STORAGE_URI": os.environ.get("QA_BENCH_REDIS", "redis://127.0.0.1:6379/0"),
            "QA_RATELIMIT_KEY_PREFIX": f"qa-bench-{secrets.token_hex(4)}", "QA_API_RATE_LIMIT": "1000000 per minute",
            "QA_LOGIN_ADDRESS_LIMIT": "100000 per minute", "QA_2FA_REQUIRED_ROLES": "",
            "QA_UPLOAD_DIR": str(self.work / "uploads"), "QA_SIGNING_KEY_DIR": str(self.work / "keys"),
            "QA_WORKERS": str(workers), "QA_LOG_LEVEL": "warning", "QA_BIND": f"127.0.0.1:{self.port}",
            "QA_SLOW_REQUEST_MS": "100000", "PYTHONUNBUFFERED": "1"})
        # `flask keys generate` under production settings refuses to start without the key it would make (the
        # signing-key guard runs at import), so the key is made under development settings in the same folder.
        flask(self.env | {"QA_CONFIG": "development"}, "keys", "generate")
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"], cwd=ROOT,
            env=self.env, stdout=subprocess.DEVNULL, stderr=self.log.open("w"), start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if self.client().get("/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer: {self.log.read_text()[-2000:]}")

    def __exit__(self, *_exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    def client(self) -> Client:
        return Client(f"http://127.0.0.1:{self.port}", direct=True)

    def query_counts(self) -> dict[str, int]:
        """Request id -> SQL statements, from the request log."""
        counts = {}
        for line in self.log.read_text().splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                if "request_id" in entry:
                    counts[entry["request_id"]] = entry.get("queries")
        return counts


def timed(client: Client, path: str, repeats: int) -> tuple[list[float], list[str], int]:
    """Wall-clock milliseconds of each request, their request ids, and the last status."""
    timings, ids, status = [], [], None
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        ids.append(response.headers.get("X-Request-ID"))
        status = response.status
    return timings, ids, status


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def page_facts(url: str) -> dict:
    """A scale case's id and the last page of the officer's case list (50 a page), read from the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        case_id = connection.execute(text("SELECT max(id) FROM cases WHERE state = 'desk_review'")).scalar()
        total = connection.execute(text("SELECT count(*) FROM cases")).scalar()
    engine.dispose()
    return {"case": case_id, "deep": max(1, total // 50 - 1), "total": total}


def measure(database: str, size: int, repeats: int) -> dict:
    """Every page's query count, p50 and p95 in ms, and the /login floor, on one database size."""
    url = database_url(database, size)
    development = {**os.environ, "QA_CONFIG": "development", "DATABASE_URL": url}
    flask(development, "db", "upgrade")
    flask(development, "maintenance", "public-records")  # a database built before the stored records has none
    facts = page_facts(url)
    results = {"facts": facts, "pages": {}, "load": os.getloadavg()[0]}
    with Server(url) as server:
        anonymous = server.client()
        timed(anonymous, "/login", 5)  # warm both workers
        floor, _ids, _status = timed(anonymous, "/login", repeats)
        results["floor"] = statistics.median(floor)
        clients = {}
        for email in (OFFICER, COUNCIL):
            clients[email] = server.client()
            response = clients[email].sign_in(email, PASSWORD)
            if response.status != 302:
                raise RuntimeError(f"sign-in as {email} answered {response.status}")
        pending = []
        for label, path, viewer in PAGES:
            path = path.format(**facts)
            timed(clients[viewer], path, 2)  # warm-up: both workers have seen the page
            timings, ids, status = timed(clients[viewer], path, repeats)
            pending.append((label, path, timings, ids, status))
        time.sleep(0.5)  # the last log lines are written when the response closes
        counts = server.query_counts()
        for label, path, timings, ids, status in pending:
            queries = sorted({counts.get(request_id) for request_id in ids}, key=lambda q: (q is None, q))
            results["pages"][label] = {"path": path, "status": status, "p50": statistics.median(timings),
                                       "p95": percentile(timings, 0.95), "queries": queries}
    return results


def report(database: str, measured: dict[int, dict]) -> None:
    sizes = sorted(measured)
    print(f"\n### {database}\n")
    for size in sizes:
        run = measured[size]
        print(f"- {size:,} scale cases ({run['facts']['total']:,} in all): `/login` p50 {run['floor']:.1f} ms, "
              f"load average {run['load']:.1f}")
    head = " | ".join(f"queries at {size:,} | p50 ms | p95 ms | p95 × floor" for size in sizes)
    print(f"\n| page | {head} |")
    print("|---|" + "---|---|---|---|" * len(sizes))
    for label in measured[sizes[0]]["pages"]:
        cells = []
        for size in sizes:
            page = measured[size]["pages"][label]
            queries = "/".join(str(q) for q in page["queries"])
            status = "" if page["status"] == 200 else f" ({page['status']})"
            cells.append(f"{queries}{status} | {page['p50']:.1f} | {page['p95']:.1f} | "
                         f"{page['p95'] / measured[size]['floor']:.1f}")
        print(f"| {label} | {' | '.join(cells)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build")
    build_command.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    build_command.add_argument("--size", type=int, default=10_000)
    measure_command = commands.add_parser("measure")
    measure_command.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    measure_command.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    measure_command.add_argument("--requests", type=int, default=40)
    measure_command.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()
    if args.command == "build":
        build(args.database, args.size)
        return
    measured = {}
    for size in args.sizes:
        build(args.database, size)
        measured[size] = measure(args.database, size, args.requests)
    if args.json:
        args.json.write_text(json.dumps(measured, indent=1))
    report(args.database, measured)


if __name__ == "__main__":
    main()
