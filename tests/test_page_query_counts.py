"""Every list page sends the same number of SQL statements whatever the amount of data: the demo plus 60 scale cases
and the demo plus 300 (`flask demo scale --cases`: every lifecycle state, three cases an institution so rows point to
different institutions) cost the same queries (no query per row, no collection loaded that the page does not
show)."""
from sqlalchemy import event, select

from qa_portal.auth.models import User
from qa_portal.demo import load_demo
from qa_portal.demo.accounts import DEMO_PASSWORD
from qa_portal.demo import scale, scale_cases
from qa_portal.demo.scale_cases import generate_cases
from qa_portal.extensions import db
from qa_portal.reviews.models import Case

OFFICER, COUNCIL, HEI, EXPERT, APPEALS = ("officer@example.org", "council@example.org", "hei-a@example.org",
                                          "chair@example.org", "appeals@example.org")
# (path, viewer)
LIST_PAGES = [
    ("/cases", OFFICER), ("/cases?state=desk_review", OFFICER), ("/cases?overdue=1", OFFICER),
    ("/cases?page=2", OFFICER), ("/cases", HEI),
    ("/my-work", OFFICER), ("/my-work", COUNCIL), ("/my-work", HEI), ("/my-work", EXPERT), ("/my-work", APPEALS),
    ("/applications", OFFICER), ("/experts", OFFICER), ("/specifications", OFFICER), ("/specifications", HEI),
    ("/institutions", OFFICER), ("/consultations/", OFFICER), ("/appeals", OFFICER), ("/complaints", OFFICER),
    ("/register", OFFICER), ("/catalogue", OFFICER), ("/audit/", OFFICER), ("/api/v1/decisions", OFFICER),
]


def _query_counts(app) -> dict[tuple[str, str], int]:
    """Statements sent for each page, signed in as its viewer (the second request: caches warm)."""
    counts, statements = {}, []

    def count(*_args):
        statements.append(1)

    for path, email in LIST_PAGES:
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.get(path)
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = client.get(path)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200, (path, email, response.status_code)
        counts[(path, email)] = len(statements)
    return counts


def test_list_pages_send_as_many_queries_for_300_cases_as_for_60(app, monkeypatch):
    """Each list page, for each kind of viewer, at 60 and at 300 scale cases."""
    monkeypatch.setattr(scale, "DECISIONS_PER_INSTITUTION", 3)
    monkeypatch.setattr(scale_cases, "CASES_PER_INSTITUTION", 3)
    load_demo()
    demo_cases = db.session.scalar(select(db.func.count(Case.id)))
    generate_cases(60)
    db.session.commit()
    small = _query_counts(app)
    generate_cases(240)
    db.session.commit()
    assert db.session.scalar(select(db.func.count(Case.id))) >= demo_cases + 300
    large = _query_counts(app)
    grown = {page: (small[page], large[page]) for page in LIST_PAGES if large[page] != small[page]}
    assert grown == {}, f"queries grew with the data (60 → 300 cases): {grown}"


def test_every_demo_viewer_exists(app):
    load_demo()
    for email in {email for _path, email in LIST_PAGES}:
        assert db.session.scalar(select(User).where(User.email == email)) is not None, email
