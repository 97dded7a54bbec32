"""My work: HEI users see their drafts (with the closing date) and results; officers see calls awaiting selection."""
from datetime import timedelta

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import ApplicationStatus, CallStatus
from tests.factories import login, make_institution, make_user
from tests.pilots.calls_factories import make_application, make_call, make_specification


def test_my_work_lists_the_hei_draft_with_its_closing_date(app, client):
    """An HEI user's draft application appears under "Applications" with the call's closing date."""
    institution = make_institution()
    login(client, make_user(Role.HEI, institution=institution))
    call = make_call(title="Work call")
    make_application(call, institution, [make_specification(institution)])
    page = client.get("/my-work").get_data(as_text=True)
    assert "Draft application to “Work call”" in page and "Submit it before the call closes." in page


def test_my_work_hides_other_institutions_applications(app, client):
    """Another institution's application never appears on an HEI user's "My work"."""
    other = make_institution()
    make_application(make_call(title="Their call"), other, [make_specification(other)])
    login(client, make_user(Role.HEI, institution=make_institution()))
    assert "Their call" not in client.get("/my-work").get_data(as_text=True)


def test_my_work_lists_calls_awaiting_selection_for_officers(app, client):
    """Officers see closed calls awaiting selection and open calls past their closing date."""
    login(client, make_user(Role.OFFICER))
    institution = make_institution()
    closed = make_call(CallStatus.CLOSED, title="Closed call")
    make_application(closed, institution, [make_specification(institution)], status=ApplicationStatus.SUBMITTED)
    overdue = make_call(title="Overdue call")
    overdue.closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    make_call(title="Running call")
    page = client.get("/my-work").get_data(as_text=True)
    assert "Closed call" in page and "1 submitted application(s) awaiting scores and selection." in page
    assert "Overdue call" in page and "close the call to start selection" in page
    assert "Running call" not in page
