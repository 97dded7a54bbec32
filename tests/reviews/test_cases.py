"""Case list and case page: who sees which cases, filters, constant queries, coordination."""
from datetime import timedelta

from sqlalchemy import event

from qa_portal.auth.models import Role
from qa_portal.core.dates import agency_date
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState
from qa_portal.reviews.permissions import can_view_case, visible_cases
from tests.factories import login, make_institution, make_user
from tests.reviews.factories import hei_user_for, make_case


class QueryCounter:
    """Counts SQL statements sent while active."""

    def __init__(self):
        self.count = 0

    def _count(self, *_args):
        self.count += 1

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc):
        event.remove(db.engine, "before_cursor_execute", self._count)


def test_visible_cases_officer_all_hei_own_institution_others_none(app):
    """Officers see every case, an HEI user only their institution's, a user without role none."""
    a, b = make_case(), make_case()
    officer, hei_a, nobody = make_user(Role.OFFICER), hei_user_for(a), make_user()
    assert set(db.session.scalars(visible_cases(officer))) == {a, b}
    assert set(db.session.scalars(visible_cases(hei_a))) == {a}
    assert list(db.session.scalars(visible_cases(nobody))) == []
    assert can_view_case(hei_a, a) and not can_view_case(hei_a, b)
    expert = make_user(Role.EXPERT)
    assert not can_view_case(expert, a)


def test_case_list_shows_own_cases_and_stage(app, client):
    """The HEI's list shows its cases with their stage, not another institution's."""
    mine = make_case(state=CaseState.SER_SUBMITTED)
    other = make_case()
    login(client, hei_user_for(mine))
    page = client.get("/cases").get_data(as_text=True)
    assert mine.reference in page and "Self-evaluation submitted" in page
    assert other.reference not in page


def test_case_list_filters_by_state_institution_and_overdue(app, client):
    """Officers filter the list by stage, institution and overdue SER deadline."""
    late = make_case(ser_due_at=utcnow() - timedelta(days=1))
    submitted = make_case(state=CaseState.SER_SUBMITTED)
    login(client, make_user(Role.OFFICER))
    page = client.get("/cases?state=ser_submitted").get_data(as_text=True)
    assert submitted.reference in page and late.reference not in page
    page = client.get(f"/cases?institution={late.institution_id}").get_data(as_text=True)
    assert late.reference in page and submitted.reference not in page
    page = client.get("/cases?overdue=1").get_data(as_text=True)
    assert late.reference in page and submitted.reference not in page and "overdue" in page


def test_case_list_keeps_a_constant_number_of_queries(app, client):
    """The list page runs the same number of SQL statements for 1 case as for 7."""
    officer = make_user(Role.OFFICER)
    login(client, officer)
    version = make_case(coordinator_id=officer.id).standard_version

    def count() -> int:
        with QueryCounter() as counter:
            assert client.get("/cases").status_code == 200
        return counter.count

    small = count()
    for _ in range(6):
        make_case(version=version, institution=make_institution(), coordinator_id=officer.id)
    assert count() == small


def test_case_page_shows_summary_deadline_and_overdue_flag(app, client):
    """The case page shows the institution, the standard-set version and an overdue SER deadline."""
    case = make_case(ser_due_at=utcnow() - timedelta(days=3))
    login(client, hei_user_for(case))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert case.institution.name_en in page
    assert case.standard_version.label in page
    assert "overdue" in page


def test_officer_assigns_coordinator_and_due_date(app, client):
    """An officer assigns a coordinating officer and sets the SER due date; it is audited."""
    case = make_case()
    officer, coordinator = make_user(Role.OFFICER), make_user(Role.OFFICER, full_name="Cora Coordinator")
    login(client, officer)
    response = client.post(f"/cases/{case.id}/coordination",
                           data={"coordinator": str(coordinator.id), "ser_due_at": "2027-03-01"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.coordinator_id == coordinator.id
    assert agency_date(case.ser_due_at).isoformat() == "2027-03-01"
    assert "Cora Coordinator" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_coordinator_must_be_an_officer(app, client):
    """Choosing a user who is not an officer is refused and nothing changes."""
    case = make_case()
    login(client, make_user(Role.OFFICER))
    hei = hei_user_for(case)
    response = client.post(f"/cases/{case.id}/coordination", data={"coordinator": str(hei.id), "ser_due_at": ""})
    assert response.status_code == 400
    db.session.refresh(case)
    assert case.coordinator_id is None


def test_hei_user_cannot_assign_coordinator(app, client):
    """Coordination is for officers only."""
    case = make_case()
    login(client, hei_user_for(case))
    assert client.post(f"/cases/{case.id}/coordination", data={"coordinator": ""}).status_code == 403


def test_new_case_gets_a_default_ser_due_date(app):
    """A case opens with an SER due date in the future."""
    case = make_case()
    assert case.ser_due_at > utcnow() + timedelta(days=30)
    assert not case.ser_overdue


def test_case_and_ser_pages_keep_a_constant_number_of_queries(app, client):
    """The case page, the SER page and the evidence list run as many statements with 1 file and entry as with 4."""
    from tests.reviews.factories import criteria_of, make_evidence, write_entry

    case = make_case(standards=2, criteria=2)
    criteria = criteria_of(case)
    write_entry(case, criteria[0])
    make_evidence(case, criteria[:1])
    login(client, hei_user_for(case))
    urls = [f"/cases/{case.id}", f"/cases/{case.id}/ser", f"/cases/{case.id}/evidence"]

    def counts() -> list[int]:
        result = []
        for url in urls:
            with QueryCounter() as counter:
                assert client.get(url).status_code == 200
            result.append(counter.count)
        return result

    small = counts()
    for criterion in criteria[1:]:
        write_entry(case, criterion)
        make_evidence(case, criteria, title=f"File for {criterion.code}")
    assert counts() == small
