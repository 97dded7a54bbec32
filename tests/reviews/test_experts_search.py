"""Expert-pool search: each filter, pagination, panel load counted in one query, constant queries per page."""
from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.services.experts import ExpertFilters, panel_load_counts, search_experts
from qa_portal.reviews.models import CaseState, ExpertType, MemberStatus
from tests.factories import login, make_user
from tests.reviews.factories import make_case
from tests.reviews.panel_factories import make_expert, seat
from tests.reviews.test_cases import QueryCounter


def _named(name: str, expert_type=ExpertType.ACADEMIC, **fields):
    return make_expert(expert_type, user=make_user(Role.EXPERT, full_name=name), **fields)


def _found(**filters) -> set[str]:
    return {profile.user.full_name for profile in db.session.scalars(search_experts(ExpertFilters(**filters)))}


def test_search_by_field_matches_broader_and_narrower_codes(app):
    """A field filter finds experts with that code, a narrower one, or a broader one; not other fields."""
    _named("Manager", fields=("0413",))
    _named("Business generalist", fields=("04",))
    _named("Engineer", fields=("0714",))
    assert _found(field="0413") == {"Manager", "Business generalist"}
    assert _found(field="04") == {"Manager", "Business generalist"}
    assert _found(field="07") == {"Engineer"}


def test_search_by_type(app):
    """The type filter keeps only that kind of expert."""
    _named("Stu", ExpertType.STUDENT)
    _named("Aca", ExpertType.ACADEMIC)
    assert _found(expert_type="student") == {"Stu"}


def test_search_by_language(app):
    """The language filter keeps experts who work in that language."""
    _named("Francophone", languages=("fr", "en"))
    _named("Armenian only", languages=("hy",))
    assert _found(language="fr") == {"Francophone"}


def test_search_available_only(app):
    """"Available only" leaves out experts marked unavailable."""
    _named("Free")
    _named("Busy", available=False)
    assert _found(available_only=True) == {"Free"}
    assert _found() == {"Free", "Busy"}


def test_search_by_name_or_email_text(app):
    """The text filter matches the name or email, ignoring case."""
    _named("Gayane Petrosyan")
    _named("Tigran Hakobyan")
    assert _found(text="petros") == {"Gayane Petrosyan"}
    assert _found(text="HAKOB") == {"Tigran Hakobyan"}


def test_pool_page_applies_filters_and_paginates(client):
    """/experts filters by the query string and shows 25 experts a page with a link to the next page."""
    for n in range(27):
        _named(f"Expert {n:02d}", ExpertType.STUDENT if n == 0 else ExpertType.ACADEMIC)
    login(client, make_user(Role.OFFICER))
    first = client.get("/experts").get_data(as_text=True)
    assert "Expert 24" in first and "Expert 25" not in first and "page=2" in first
    assert "Expert 26" in client.get("/experts?page=2").get_data(as_text=True)
    students = client.get("/experts?type=student").get_data(as_text=True)
    assert "Expert 00" in students and "Expert 01" not in students
    assert client.get("/experts?field=abc&language=<b>&type=nope").status_code == 200


def test_panel_load_counts_open_seats_only(app):
    """Load counts seats that are not removed on cases that are not finished; experts without seats count 0."""
    busy, idle = _named("Busy"), _named("Idle")
    seat(make_case(CaseState.PANEL_FORMATION), user=busy.user, status=MemberStatus.PROPOSED)
    seat(make_case(CaseState.DESK_REVIEW), user=busy.user)
    seat(make_case(CaseState.REPORT_DRAFTING), user=busy.user, status=MemberStatus.REMOVED, removal_reason="COI")
    for finished in (CaseState.DECIDED, CaseState.CLOSED, CaseState.WITHDRAWN):
        seat(make_case(finished), user=busy.user)
    assert panel_load_counts([busy.user_id, idle.user_id]) == {busy.user_id: 2, idle.user_id: 0}
    assert panel_load_counts([]) == {}


def test_pool_page_shows_load(client):
    """Each row of the pool shows the expert's current panel load."""
    busy = _named("Busy Expert")
    seat(make_case(CaseState.DESK_REVIEW), user=busy.user)
    login(client, make_user(Role.OFFICER))
    page = client.get("/experts").get_data(as_text=True)
    assert "1 open panel" in page and "0 open panels" not in page


def test_pool_page_query_count_constant_as_rows_grow(client):
    """The pool page runs the same number of queries for 2 experts as for 12, each with seats and affiliations."""
    officer = make_user(Role.OFFICER)
    case = make_case(CaseState.DESK_REVIEW)

    def add_experts(count):
        for _ in range(count):
            profile = make_expert(fields=("0413", "0611"), languages=("hy", "en"),
                                  affiliations=[("Some U", "Lecturer", None, None)])
            seat(case, user=profile.user)

    def measure() -> int:
        with QueryCounter() as counter:
            assert client.get("/experts").status_code == 200
        return counter.count

    login(client, officer)
    add_experts(2)
    small = measure()
    add_experts(10)
    assert measure() == small
