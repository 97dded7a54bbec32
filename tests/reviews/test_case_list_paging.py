"""The case list at scale (issue 18): 50 cases a page newest first with a pager and the total, filters kept across
pages, the institution filter typed once the institutions are many; My work cuts a section at 20 items with a link
to the full list."""
from sqlalchemy import select

from qa_portal.demo import load_demo, scale, scale_cases
from qa_portal.demo.accounts import DEMO_PASSWORD
from qa_portal.demo.scale_cases import generate_cases
from qa_portal.extensions import db
from qa_portal.home.services.work import MAX_ITEMS
from qa_portal.reviews.models import Case, CaseState
from qa_portal.reviews.views import cases as case_views


def _officer(app):
    client = app.test_client()
    assert client.post("/login", data={"email": "officer@example.org", "password": DEMO_PASSWORD}).status_code == 302
    return client


def _scale(app, monkeypatch, count: int = 120) -> None:
    monkeypatch.setattr(scale, "DECISIONS_PER_INSTITUTION", 10)
    monkeypatch.setattr(scale_cases, "CASES_PER_INSTITUTION", 10)
    load_demo()
    generate_cases(count)
    db.session.commit()


def test_the_case_list_pages_newest_first_with_the_total(app, monkeypatch):
    """Page 1 shows the 50 newest cases, page 2 the next 50; the pager says how many there are in all."""
    _scale(app, monkeypatch)
    client = _officer(app)
    newest = list(db.session.scalars(select(Case.reference).order_by(Case.created_at.desc(), Case.id.desc())))
    first, second = client.get("/cases").get_data(as_text=True), client.get("/cases?page=2").get_data(as_text=True)
    assert newest[0] in first and newest[49] in first and newest[50] not in first
    assert newest[50] in second and newest[0] not in second
    assert f"{len(newest)} cases" in first and "/cases?page=2" in first


def test_filters_are_kept_by_the_pager_and_the_institution_is_typed_when_there_are_many(app, monkeypatch):
    """Past INSTITUTION_CHOICES institutions the filter is a short-name field; it narrows the list in SQL."""
    _scale(app, monkeypatch)
    monkeypatch.setattr(case_views, "INSTITUTION_CHOICES", 3)
    client = _officer(app)
    page = client.get("/cases").get_data(as_text=True)
    assert 'name="institution_name"' in page and 'id="filter-institution"' not in page
    narrowed = client.get("/cases?institution_name=SCALE-0001").get_data(as_text=True)
    scale_one = db.session.scalars(select(Case.reference).join(Case.institution)
                                   .where(Case.institution.has(short_name="SCALE-0001"))).all()
    assert scale_one and all(reference in narrowed for reference in scale_one)
    assert f"{len(scale_one)} cases" in narrowed
    assert client.get("/cases?institution_name=%25").status_code == 200  # a LIKE wildcard is taken literally
    assert "No review cases match." in client.get("/cases?institution_name=%25").get_data(as_text=True)


def test_my_work_cuts_a_long_section_and_links_to_the_list(app, monkeypatch):
    """The officer coordinates more open cases than a section shows: 20 items, then a link to the case list."""
    _scale(app, monkeypatch, count=200)
    open_cases = db.session.scalar(select(db.func.count(Case.id)).where(
        Case.state.not_in((CaseState.CLOSED, CaseState.WITHDRAWN))))
    assert open_cases > MAX_ITEMS
    page = _officer(app).get("/my-work").get_data(as_text=True)
    section = page.split('data-section="cases"')[1].split("</article>")[0]
    assert section.count("<li") == MAX_ITEMS + 1 and "See them all" in section
