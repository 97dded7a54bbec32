"""The monitoring dashboard at scale (issue 19): 10,000 cases and 100,000 offerings, compared with /login on the
same app (run: .venv/bin/python bench/monitoring.py [--cases 10000 --offerings 100000] [--database PATH]).

Builds a fresh SQLite file database under /tmp (migrated like production, the demo loaded, `demo scale`'s generator
for the published cases), then adds a timeline of four stage changes per generated case, three agreed judgements per
case and the offerings (spread over every published micro-credential version, bands adding up). It requests /login
(anonymous) and /monitoring (officer, unfiltered and filtered by call) REPEATS times in-process and prints the
median milliseconds, the statements sent per page and the ratio to /login, as Markdown for bench/README.md."""
import argparse
import contextvars
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from bench.query_counts import QueryCounter  # noqa: E402
from qa_portal import create_app  # noqa: E402
from qa_portal.extensions import db  # noqa: E402

REPEATS = 5
PASSWORD = "demo-password-2026"


def build(app, cases: int, offerings: int) -> dict:
    """Demo, scale cases, their timelines and judgements, the offerings; seconds taken per step."""
    from qa_portal.demo import load_demo
    from qa_portal.demo.scale import generate_decisions
    from qa_portal.monitoring.models import Offering, OfferingMode
    from qa_portal.monitoring.services.offering_totals import refresh_offering_totals
    from qa_portal.pilots.models import MicroCredential, SpecificationStatus, SpecificationVersion
    from qa_portal.reviews.models import Case, CaseAction, CaseEvent, CaseState, ConsensusJudgement
    from qa_portal.standards.models import ComplianceLevel, Criterion

    rng, took = random.Random(19), {}
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        load_demo()
        generate_decisions(cases)
        db.session.commit()
        took["demo and scale cases"] = time.perf_counter() - started

        started = time.perf_counter()
        case_rows = db.session.execute(select(Case.id, Case.created_at, Case.standard_version_id)).all()
        path = [CaseState.SER_SUBMITTED, CaseState.PANEL_FORMATION, CaseState.DESK_REVIEW, CaseState.PUBLISHED]
        events, judgements = [], []
        criteria = {}
        for version_id, criterion_id in db.session.execute(select(Criterion.version_id, Criterion.id)):
            criteria.setdefault(version_id, []).append(criterion_id)
        levels = {}
        for version_id, level_id in db.session.execute(select(ComplianceLevel.version_id, ComplianceLevel.id)):
            levels.setdefault(version_id, []).append(level_id)
        for case_id, created_at, version_id in case_rows:
            at, previous = created_at, CaseState.SER_IN_PREPARATION
            for state in path:
                at += timedelta(days=rng.randint(3, 60), hours=rng.randint(0, 23))
                events.append({"case_id": case_id, "action": CaseAction.SUBMIT_SER, "from_state": previous,
                               "to_state": state, "at": at, "comment": ""})
                previous = state
            for criterion_id in rng.sample(criteria.get(version_id, []), min(3, len(criteria.get(version_id, [])))):
                judgements.append({"case_id": case_id, "criterion_id": criterion_id,
                                   "level_id": rng.choice(levels[version_id]), "rationale": "Agreed."})
        db.session.execute(insert(CaseEvent), events)
        db.session.execute(insert(ConsensusJudgement).prefix_with("OR IGNORE"), judgements)
        db.session.commit()
        took["timelines and judgements"] = time.perf_counter() - started

        started = time.perf_counter()
        versions = db.session.execute(
            select(SpecificationVersion.id, MicroCredential.institution_id)
            .join(MicroCredential, MicroCredential.id == SpecificationVersion.micro_credential_id)
            .where(SpecificationVersion.status == SpecificationStatus.PUBLISHED)).all()
        batch = []
        for index in range(offerings):
            version_id, institution_id = versions[index % len(versions)]
            enrolled = rng.randint(8, 60)
            completed = rng.randint(0, enrolled)
            starts = date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))
            a, g, p = rng.randint(0, enrolled), rng.randint(0, enrolled), rng.randint(0, enrolled)
            respondents = rng.randint(0, enrolled)
            batch.append({
                "institution_id": institution_id, "specification_version_id": version_id, "starts_on": starts,
                "ends_on": starts + timedelta(days=rng.randint(20, 120)), "mode": rng.choice(list(OfferingMode)),
                "enrolled": enrolled, "completed": completed, "age_under_25": a, "age_25_34": enrolled - a,
                "age_35_49": 0, "age_50_plus": 0, "gender_female": g, "gender_male": enrolled - g, "gender_other": 0,
                "employed_at_enrolment": rng.randint(0, enrolled), "prior_secondary": p,
                "prior_bachelor": enrolled - p, "prior_master": 0,
                "satisfaction_mean": round(rng.uniform(2.5, 5), 2) if respondents else None,
                "satisfaction_respondents": respondents,
                "employed_after": rng.randint(0, completed) if starts.year == 2024 else None,
                "promoted_after": None, "continued_study_after": None,
                "created_at": starts, "updated_at": starts})
            if len(batch) == 5000:
                db.session.execute(insert(Offering), batch)
                batch = []
        if batch:
            db.session.execute(insert(Offering), batch)
        refresh_offering_totals()  # the services keep them; raw inserts refresh all at once
        db.session.commit()
        took["offerings"] = time.perf_counter() - started
        took["counts"] = (db.session.scalar(select(func.count(Case.id))),
                          db.session.scalar(select(func.count(Offering.id))),
                          db.session.scalar(select(func.count(CaseEvent.id))))
    return took


def measure(app, url: str, email: str | None) -> tuple[float, int]:
    """Median milliseconds of REPEATS requests and the statements one request sends."""
    client = app.test_client()
    if email:
        contextvars.Context().run(client.post, "/login", data={"email": email, "password": PASSWORD})
    contextvars.Context().run(client.get, url)  # warm the templates and the connection
    counter, timings = QueryCounter(db.engine), []
    for _ in range(REPEATS):
        with counter:
            started = time.perf_counter()
            response = contextvars.Context().run(client.get, url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings) * 1000, counter.count  # the statements of the last request


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--offerings", type=int, default=100_000)
    parser.add_argument("--database")
    args = parser.parse_args()
    path = Path(args.database) if args.database else Path(tempfile.mkdtemp(prefix="qa-bench-")) / "bench.sqlite"
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}
    if not path.exists():
        print(f"database {path}: {build(create_app('testing', overrides=settings), args.cases, args.offerings)}")
    print("| page | cache | median ms | statements | × /login |")
    print("|---|---|---|---|---|")
    for seconds in (0, 60):  # every request computes its figures; then reloads within a minute reuse them
        app = create_app("testing", overrides={**settings, "QA_MONITORING_CACHE_SECONDS": seconds})
        with app.app_context():
            login_ms, login_q = measure(app, "/login", None)
            rows = [("/login (anonymous)", login_ms, login_q)]
            for label, url in (("/monitoring (officer)", "/monitoring"),
                               ("/monitoring?call=1 (officer)", "/monitoring?call=1"),
                               ("/pilot (public)", "/pilot"), ("/api/v1/statistics", "/api/v1/statistics")):
                ms, queries = measure(app, url, "officer@example.org" if "officer" in label else None)
                rows.append((label, ms, queries))
        for label, ms, queries in rows:
            print(f"| {label} | {seconds} s | {ms:.1f} | {queries} | {ms / login_ms:.1f} |")

if __name__ == "__main__":
    main()
