"""Pilot calls: officers create them bound to an approved version, open and close them; the public call page."""
from datetime import timedelta

from sqlalchemy import func, select

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import Call, CallStatus
from qa_portal.standards.models import VersionStatus
from tests.factories import login, make_institution, make_user
from tests.pilots.calls_factories import make_call, make_standard_version, pilot_scheme

FMT = "%Y-%m-%dT%H:%M"


def _form(version_id: int, scheme_id: int, **overrides) -> dict:
    now = utcnow()
    data = {
        "title": "Micro-credential pilot 2026", "description": "Pilot QA of micro-credentials.",
        "eligibility": "Armenian HEIs with a quality unit.", "standard_version_id": str(version_id),
        "outcome_scheme_id": str(scheme_id), "opens_at": (now - timedelta(hours=1)).strftime(FMT),
        "closes_at": (now + timedelta(days=30)).strftime(FMT), "max_pilots": "3",
        "criteria-0-name": "Relevance", "criteria-0-description": "Fit with labour market.", "criteria-0-weight": "2",
        "criteria-1-name": "Readiness", "criteria-1-weight": "1", "criteria-2-name": "", "criteria-2-weight": "",
    }
    data.update(overrides)
    return data


def _officer_client(client):
    officer = make_user(Role.OFFICER)
    login(client, officer)
    return officer


def test_call_create_binds_an_approved_version(app, client):
    """An officer creates a draft call with its criteria (blank rows ignored)."""
    _officer_client(client)
    version, scheme = make_standard_version(), pilot_scheme()
    response = client.post("/calls/new", data=_form(version.id, scheme.id))
    assert response.status_code == 302
    call = db.session.scalar(select(Call))
    assert call.status == CallStatus.DRAFT and call.standard_version_id == version.id
    assert [(c.name, c.weight) for c in call.criteria] == [("Relevance", 2), ("Readiness", 1)]


def test_call_create_refuses_a_draft_standard_version_keeping_typed_values(app, client):
    """A call bound to a non-approved version is refused with a clear message; the typed values stay."""
    _officer_client(client)
    version, scheme = make_standard_version(VersionStatus.DRAFT), pilot_scheme()
    response = client.post("/calls/new", data=_form(version.id, scheme.id, title="Kept title"))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert f"A call can only be bound to an approved standard-set version; {version.label} is draft." in page
    assert "Kept title" in page and "Fit with labour market." in page
    assert db.session.scalar(select(func.count(Call.id))) == 0


def test_call_create_refuses_closing_before_opening(app, client):
    """The closing date-time must be after the opening date-time."""
    _officer_client(client)
    now = utcnow()
    data = _form(make_standard_version().id, pilot_scheme().id, opens_at=now.strftime(FMT),
                 closes_at=(now - timedelta(days=1)).strftime(FMT))
    response = client.post("/calls/new", data=data)
    assert response.status_code == 409
    assert "The closing date-time must be after the opening date-time." in response.get_data(as_text=True)


def test_call_create_refuses_a_criterion_without_weight(app, client):
    """A named criterion needs a weight."""
    _officer_client(client)
    data = _form(make_standard_version().id, pilot_scheme().id, **{"criteria-1-weight": ""})
    response = client.post("/calls/new", data=data)
    assert response.status_code == 400
    assert "Every named criterion needs a weight from 1 to 100." in response.get_data(as_text=True)


def test_call_create_refuses_zero_pilots(app, client):
    """At least one pilot must be selectable."""
    _officer_client(client)
    response = client.post("/calls/new", data=_form(make_standard_version().id, pilot_scheme().id, max_pilots="0"))
    assert response.status_code == 400
    assert "Number must be between 1 and 1000." in response.get_data(as_text=True)


def test_call_edit_refused_once_open(app, client):
    """An open call's terms are fixed: the edit page is refused."""
    _officer_client(client)
    call = make_call(CallStatus.OPEN)
    assert client.get(f"/calls/{call.id}/edit").status_code == 403


def test_call_edit_saves_a_draft(app, client):
    """An officer edits a draft call's title and criteria."""
    _officer_client(client)
    call = make_call(CallStatus.DRAFT)
    data = _form(call.standard_version_id, call.outcome_scheme_id, title="Renamed")
    assert client.post(f"/calls/{call.id}/edit", data=data).status_code == 302
    db.session.refresh(call)
    assert call.title == "Renamed" and len(call.criteria) == 2


def test_call_open_and_close_through_the_status_route(app, client):
    """Officers open a draft call and close an open one; a wrong action gives 409."""
    _officer_client(client)
    call = make_call(CallStatus.DRAFT)
    assert client.post(f"/calls/{call.id}/status", data={"action": "open"}).status_code == 302
    db.session.refresh(call)
    assert call.status == CallStatus.OPEN
    response = client.post(f"/calls/{call.id}/status", data={"action": "open"})
    assert response.status_code == 409
    assert client.post(f"/calls/{call.id}/status", data={"action": "close"}).status_code == 302
    db.session.refresh(call)
    assert call.status == CallStatus.CLOSED


def test_call_status_route_refuses_hei_users(app, client):
    """HEI users cannot open or close calls."""
    login(client, make_user(Role.HEI, institution=make_institution()))
    call = make_call(CallStatus.DRAFT)
    assert client.post(f"/calls/{call.id}/status", data={"action": "open"}).status_code == 403


def test_call_drafts_are_hidden_from_hei_users(app, client):
    """HEI users see open calls but not drafts."""
    login(client, make_user(Role.HEI, institution=make_institution()))
    draft, open_call = make_call(CallStatus.DRAFT, title="Secret draft"), make_call(title="Open one")
    page = client.get("/calls").get_data(as_text=True)
    assert "Open one" in page and "Secret draft" not in page
    assert client.get(f"/calls/{draft.id}").status_code == 403


def test_public_call_page_shows_an_open_call_without_login(app, client):
    """Anyone reads an open call's page and the open-calls list."""
    call = make_call(title="Public pilot call")
    assert "Public pilot call" in client.get("/open-calls").get_data(as_text=True)
    page = client.get(f"/open-calls/{call.id}")
    assert page.status_code == 200 and "Relevance" in page.get_data(as_text=True)


def test_public_call_page_is_404_for_a_draft(app, client):
    """A draft call has no public page."""
    call = make_call(CallStatus.DRAFT)
    assert client.get(f"/open-calls/{call.id}").status_code == 404


def test_call_edit_page_shows_the_saved_criteria(app, client):
    """The edit form starts from the call's saved terms and criteria, plus empty rows."""
    _officer_client(client)
    call = make_call(CallStatus.DRAFT, criteria=(("Saved criterion", 7),))
    page = client.get(f"/calls/{call.id}/edit").get_data(as_text=True)
    assert 'value="Saved criterion"' in page and 'value="7"' in page and 'name="criteria-2-name"' in page


def test_call_page_lists_applications_for_officers_only(app, client):
    """Officers see every application of a call on its page; HEI users only their own."""
    from qa_portal.pilots.models import ApplicationStatus
    from tests.pilots.calls_factories import make_application, make_specification

    call = make_call()
    other = make_institution(name_en="Other University")
    make_application(call, other, [make_specification(other)], status=ApplicationStatus.SUBMITTED)
    _officer_client(client)
    assert "Other University" in client.get(f"/calls/{call.id}").get_data(as_text=True)
    client.post("/logout")
    login(client, make_user(Role.HEI, institution=make_institution()))
    assert "Other University" not in client.get(f"/calls/{call.id}").get_data(as_text=True)
