"""Applications: HEI users apply with their own specifications, edit drafts, submit (freezing versions), withdraw."""
from datetime import timedelta

from sqlalchemy import func, select

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import Application, ApplicationStatus, CallStatus
from tests.factories import login, make_institution, make_user
from tests.pilots.calls_factories import make_application, make_call, make_specification


def _hei(client, institution=None):
    institution = institution or make_institution()
    user = make_user(Role.HEI, institution=institution)
    login(client, user)
    return user, institution


def test_application_create_saves_a_draft(app, client):
    """An HEI user starts a draft application with their own specification and a motivation."""
    _user, institution = _hei(client)
    spec, call = make_specification(institution), make_call()
    response = client.post(f"/calls/{call.id}/apply",
                           data={"specification_ids": [str(spec.id)], "motivation": "We teach this well."})
    assert response.status_code == 302
    application = db.session.scalar(select(Application))
    assert application.status == ApplicationStatus.DRAFT and application.institution_id == institution.id
    assert [link.specification_id for link in application.specification_links] == [spec.id]


def test_application_create_refuses_another_institutions_specification(app, client):
    """Applying with another institution's specification is refused; the motivation typed stays."""
    _hei(client)
    other_spec, call = make_specification(make_institution()), make_call()
    response = client.post(f"/calls/{call.id}/apply",
                           data={"specification_ids": [str(other_spec.id)], "motivation": "Typed motivation"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "You can only apply with your own institution&#39;s specifications." in page
    assert "Typed motivation" in page
    assert db.session.scalar(select(func.count(Application.id))) == 0


def test_application_create_refuses_no_specification(app, client):
    """An application needs at least one specification."""
    _hei(client)
    response = client.post(f"/calls/{make_call().id}/apply", data={"motivation": "Kept"})
    assert response.status_code == 409
    assert "Choose at least one of your institution&#39;s micro-credential specifications." in response.get_data(as_text=True)


def test_application_create_refuses_a_second_active_application(app, client):
    """One active application per institution and call."""
    _user, institution = _hei(client)
    spec, call = make_specification(institution), make_call()
    make_application(call, institution, [spec])
    response = client.post(f"/calls/{call.id}/apply", data={"specification_ids": [str(spec.id)], "motivation": "x"})
    assert response.status_code == 409
    assert "Your institution already has an application to this call." in response.get_data(as_text=True)


def test_application_apply_page_refused_when_call_is_closed(app, client):
    """A closed call takes no new applications."""
    _hei(client)
    assert client.get(f"/calls/{make_call(CallStatus.CLOSED).id}/apply").status_code == 403


def test_application_edit_updates_the_draft(app, client):
    """A draft can be edited while the call is open."""
    _user, institution = _hei(client)
    spec_a, spec_b, call = make_specification(institution), make_specification(institution), make_call()
    application = make_application(call, institution, [spec_a])
    response = client.post(f"/applications/{application.id}/edit",
                           data={"specification_ids": [str(spec_a.id), str(spec_b.id)], "motivation": "Changed"})
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.motivation == "Changed" and len(application.specification_links) == 2


def test_application_submit_freezes_the_specification_versions(app, client):
    """Submitting records and freezes each specification's version."""
    _user, institution = _hei(client)
    spec, call = make_specification(institution), make_call()
    application = make_application(call, institution, [spec])
    assert client.post(f"/applications/{application.id}/submit").status_code == 302
    db.session.refresh(application)
    version = spec.latest_version
    db.session.refresh(version)
    assert application.status == ApplicationStatus.SUBMITTED and application.submitted_at is not None
    assert application.specification_links[0].specification_version_id == version.id
    assert version.frozen_at is not None


def test_application_submit_refuses_an_incomplete_specification(app, client):
    """An incomplete specification blocks submission with the missing elements listed; the draft stays."""
    _user, institution = _hei(client)
    spec, call = make_specification(institution, complete=False, title="Half done"), make_call()
    application = make_application(call, institution, [spec], motivation="Kept motivation")
    response = client.post(f"/applications/{application.id}/submit")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The specification “Half done” is incomplete (7%); complete it first. Missing: Country(ies) of the issuer" in page
    db.session.refresh(application)
    assert application.status == ApplicationStatus.DRAFT and application.motivation == "Kept motivation"


def test_application_submit_refuses_a_late_submission(app, client):
    """After the closing date-time, submission is refused with the closing time shown."""
    _user, institution = _hei(client)
    call = make_call(closes_in=timedelta(days=1))
    application = make_application(call, institution, [make_specification(institution)])
    call.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/applications/{application.id}/submit")
    assert response.status_code == 409
    assert "late applications are refused" in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.status == ApplicationStatus.DRAFT


def test_application_submit_service_refuses_late_with_message(app):
    """The submit service names the closing time when refusing a late submission."""
    import pytest

    from qa_portal.core.errors import DomainError
    from qa_portal.pilots.services.applications import submit_application

    institution = make_institution()
    call = make_call()
    application = make_application(call, institution, [make_specification(institution)])
    call.closes_at = utcnow() - timedelta(minutes=1)
    call.opens_at = utcnow() - timedelta(days=2)
    db.session.commit()
    with app.test_request_context(), pytest.raises(DomainError, match="late applications are refused"):
        submit_application(make_user(Role.HEI, institution=institution), application)


def test_application_submit_refused_when_call_not_open(app, client):
    """A closed call refuses submission: the applicant's own application, but not now (409), and nothing changes."""
    _user, institution = _hei(client)
    call = make_call()
    application = make_application(call, institution, [make_specification(institution)])
    call.status = CallStatus.CLOSED  # test set-up: the call closed while the draft was open
    db.session.commit()
    response = client.post(f"/applications/{application.id}/submit")
    assert response.status_code == 409
    assert "This call is not open (it is closed); you cannot submit." in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.status == ApplicationStatus.DRAFT


def test_application_submit_refuses_missing_motivation(app, client):
    """A motivation is needed to submit."""
    _user, institution = _hei(client)
    application = make_application(make_call(), institution, [make_specification(institution)], motivation="")
    response = client.post(f"/applications/{application.id}/submit")
    assert response.status_code == 409
    assert "Write your motivation before submitting." in response.get_data(as_text=True)


def test_application_edit_refused_after_submission(app, client):
    """A submitted application is no longer editable."""
    _user, institution = _hei(client)
    application = make_application(make_call(), institution, [make_specification(institution)],
                                   status=ApplicationStatus.SUBMITTED)
    assert client.get(f"/applications/{application.id}/edit").status_code == 403


def test_application_withdraw_requires_a_reason(app, client):
    """Withdrawal needs a reason; with one, the application is withdrawn."""
    _user, institution = _hei(client)
    application = make_application(make_call(), institution, [make_specification(institution)],
                                   status=ApplicationStatus.SUBMITTED)
    response = client.post(f"/applications/{application.id}/withdraw", data={"reason": ""})
    assert response.status_code == 400 and "This field is required." in response.get_data(as_text=True)
    assert client.post(f"/applications/{application.id}/withdraw", data={"reason": "Course paused"}).status_code == 302
    db.session.refresh(application)
    assert application.status == ApplicationStatus.WITHDRAWN and application.withdrawal_reason == "Course paused"


def test_application_result_hidden_until_selection_complete(app, client):
    """The applicant sees the decision and rationale only once the selection is complete."""
    from qa_portal.pilots.models import SelectionOutcome
    from tests.pilots.calls_factories import make_decision

    _user, institution = _hei(client)
    call = make_call(CallStatus.CLOSED)
    application = make_application(call, institution, [make_specification(institution)],
                                   status=ApplicationStatus.SUBMITTED)
    make_decision(application, SelectionOutcome.RESERVE, "Good, but others were stronger.")
    assert "Good, but others were stronger." not in client.get(f"/applications/{application.id}").get_data(as_text=True)
    call.status, call.selection_completed_at = CallStatus.SELECTION_DONE, utcnow()  # test set-up
    db.session.commit()
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Good, but others were stronger." in page and "Reserve" in page


def test_application_edit_refuses_changes_after_the_closing_time(app, client):
    """Once the closing time has passed, a draft can no longer be changed; the typed text is shown back."""
    _user, institution = _hei(client)
    call = make_call()
    spec = make_specification(institution)
    application = make_application(call, institution, [spec], motivation="Original")
    call.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/applications/{application.id}/edit",
                           data={"specification_ids": [str(spec.id)], "motivation": "Too late text"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "late applications are refused" in page and "Too late text" in page
    db.session.refresh(application)
    assert application.motivation == "Original"
