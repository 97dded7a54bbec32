"""Throughput under load (run: .venv/bin/python bench/load.py --database postgresql --size 100000).

Serves a database built by bench/pages.py (`build`: the demo plus `flask demo scale --cases N`) with gunicorn as
deploy/ does (deploy/gunicorn.conf.py with its default worker count, production settings, Redis for the rate limits
and sessions' throttling), signs in `--users` browsers (the demo officer, each its own session) and lets them all
request, one request after another for `--seconds`, a mix of the main pages and the API; then the same number of
anonymous clients request `GET /login` for as long: the floor. Reports requests per second, p50/p95/p99 of the
client-side time and the errors (any status other than 200) of each run, as Markdown for bench/README.md."""
import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import OFFICER, PASSWORD, Server, build, database_url, flask, page_facts  # noqa: E402

# (weight, path): the pages people work in and the API registries poll; {case}, {deep}, {decision} filled per run.
MIX = [
    (4, "/cases"), (1, "/cases?page={deep}"), (2, "/cases?state=desk_review"), (3, "/cases/{case}"),
    (3, "/my-work"), (1, "/specifications"), (1, "/institutions"), (1, "/appeals"), (1, "/register"),
    (1, "/catalogue"), (3, "/api/v1/decisions?limit=100"), (2, "/api/v1/decisions/{decision}"),
    (1, "/api/v1/micro-credentials"),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))] if ordered else 0.0


def run(clients: list, paths: list[str], weights: list[int], seconds: float) -> dict:
    """Every client requests a random path of the mix, back to back, until the time is up."""
    timings, statuses, lock = [], Counter(), threading.Lock()
    deadline = time.monotonic() + seconds

    def user(client, rng: random.Random) -> None:
        mine, seen = [], Counter()
        while time.monotonic() < deadline:
            path = rng.choices(paths, weights)[0]
            started = time.perf_counter()
            try:
                status = client.get(path).status
            except OSError as error:  # a refused or reset connection counts as an error
                status = type(error).__name__
            mine.append((time.perf_counter() - started) * 1000)
            seen[status] += 1
        with lock:
            timings.extend(mine)
            statuses.update(seen)

    threads = [threading.Thread(target=user, args=(client, random.Random(number)))
               for number, client in enumerate(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    errors = sum(count for status, count in statuses.items() if status != 200)
    return {"requests": len(timings), "rps": len(timings) / elapsed, "p50": statistics.median(timings),
            "p95": percentile(timings, 0.95), "p99": percentile(timings, 0.99), "errors": errors,
            "statuses": dict(statuses)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (deploy's default: 2 × cores + 1)")
    args = parser.parse_args()
    build(args.database, args.size)
    url = database_url(args.database, args.size)
    development = {**os.environ, "QA_CONFIG": "development", "DATABASE_URL": url}
    flask(development, "db", "upgrade")
    flask(development, "maintenance", "public-records")
    facts = page_facts(url)
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        facts["decision"] = connection.execute(text(
            "SELECT max(decision_id) FROM public_decision_records")).scalar()
    engine.dispose()
    weights, paths = zip(*[(weight, path.format(**facts)) for weight, path in MIX])
    workers = args.workers or (os.cpu_count() or 1) * 2 + 1
    with Server(url, workers=workers) as server:
        signed_in = []
        for _ in range(args.users):
            client = server.client()
            if client.sign_in(OFFICER, PASSWORD).status != 302:
                raise RuntimeError("sign-in refused")
            signed_in.append(client)
        run(signed_in[:2], list(paths), list(weights), 5)  # warm-up: every worker has served the mix
        mixed = run(signed_in, list(paths), list(weights), args.seconds)
        floor = run([server.client() for _ in range(args.users)], ["/login"], [1], args.seconds)
    print(f"\n{args.database}, {facts['total']:,} cases, gunicorn {workers} sync workers, {args.users} users, "
          f"{args.seconds:.0f} s each, load average {os.getloadavg()[0]:.1f} after the runs\n")
    print("| run | requests | requests/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for label, result in (("signed-in mix of pages and API", mixed), ("`GET /login` (floor)", floor)):
        print(f"| {label} | {result['requests']:,} | {result['rps']:.1f} | {result['p50']:.0f} | {result['p95']:.0f} "
              f"| {result['p99']:.0f} | {result['errors']} |")
    if mixed["errors"] or floor["errors"]:
        print(f"\nstatuses: mix {mixed['statuses']}, floor {floor['statuses']}")


if __name__ == "__main__":
    main()
