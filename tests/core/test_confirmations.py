"""Every irreversible step asks first, without JavaScript: the first POST answers with a confirmation page that says
what becomes final and who is told and changes nothing; the same fields posted again with confirmed=yes take the
step, which is then confirmed in plain words."""
import pytest

from qa_portal.auth.models import Role
from qa_portal.core.workflow import WORKFLOWS
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState, MemberStatus, PanelRole
from tests.factories import login, make_user
from tests.reviews.factories import complete_ser, hei_user_for, make_case
from tests.reviews.panel_factories import seat
from tests.reviews.test_report import drafting_case
from tests.reviews.walk_setups import drafted_report


BROWSER = {"Sec-Fetch-Mode": "navigate"}  # what a person's browser sends when it opens a page or submits a form


def _rows():
    return [(workflow.name, action, row) for workflow in WORKFLOWS.values()
            for action, row in workflow.transitions.items()]


@pytest.mark.parametrize("name,action,row", [r for r in _rows() if r[2].danger], ids=lambda value: str(value))
def test_every_danger_row_says_what_becomes_final(app, name, action, row):
    with app.test_request_context():
        assert row.confirm and len(str(row.confirm)) > 40


def _confirmation_page(response) -> str:
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="confirmed" value="yes"' in page
    return page


def test_submitting_the_self_evaluation_asks_first_then_says_so_in_plain_words(app, client):
    case = make_case(standards=1, criteria=1)
    complete_ser(case)
    login(client, hei_user_for(case))
    page = _confirmation_page(client.post(f"/cases/{case.id}/actions/submit_ser", data={}))
    assert "Submit the self-evaluation?" in page and "can no longer be changed" in page and "officer is told" in page
    assert f'href="/cases/{case.id}#actions"' in page  # Cancel goes back to the case
    db.session.refresh(case)
    assert case.state == CaseState.SER_IN_PREPARATION
    response = client.post(f"/cases/{case.id}/actions/submit_ser", data={"confirmed": "yes"}, follow_redirects=True)
    assert "Your self-evaluation was submitted to the agency." in response.get_data(as_text=True)
    db.session.refresh(case)
    assert case.state == CaseState.SER_SUBMITTED


def test_returning_carries_the_typed_reasons_through_the_confirmation(app, client):
    case = make_case(state=CaseState.SER_SUBMITTED)
    login(client, make_user(Role.OFFICER))
    page = _confirmation_page(client.post(f"/cases/{case.id}/actions/return_ser",
                                          data={"comment": "Add the assessment rules."}))
    assert 'name="comment" value="Add the assessment rules."' in page and "institution" in page
    db.session.refresh(case)
    assert case.state == CaseState.SER_SUBMITTED


def test_a_step_that_would_be_refused_is_refused_at_once_without_a_confirmation(app, client):
    case = make_case(state=CaseState.SER_SUBMITTED)
    login(client, make_user(Role.OFFICER))
    response = client.post(f"/cases/{case.id}/actions/return_ser", data={"comment": ""})
    assert response.status_code == 409 and "Give the reasons" in response.get_data(as_text=True)


def test_sending_for_the_factual_check_and_finalising_ask_first(app, client):
    case, panel = drafting_case()
    drafted_report(case)
    login(client, panel[PanelRole.CHAIR].user)
    page = _confirmation_page(client.post(f"/cases/{case.id}/actions/send_for_factual_check", data={}))
    assert "Send for the factual-accuracy check?" in page and "institution, which is told" in page
    response = client.post(f"/cases/{case.id}/actions/send_for_factual_check", data={"confirmed": "yes"},
                           follow_redirects=True)
    assert "sent to the institution for the factual-accuracy check" in response.get_data(as_text=True)
    db.session.refresh(case)
    assert case.state == CaseState.FACTUAL_ACCURACY


def test_removing_a_panel_member_asks_first(app, client):
    case = make_case(state=CaseState.PANEL_FORMATION)
    member = seat(case, PanelRole.ACADEMIC, status=MemberStatus.CLEARED)
    db.session.commit()
    login(client, make_user(Role.OFFICER))
    url = f"/cases/{case.id}/panel/members/{member.id}/remove"
    form = {f"remove-{member.id}-reason": "Unavailable for the visit."}
    page = _confirmation_page(client.post(url, data=form))
    assert "taken off the panel for good" in page
    db.session.refresh(member)
    assert member.status == MemberStatus.CLEARED
    assert client.post(url, data={**form, "confirmed": "yes"}).status_code == 302
    db.session.refresh(member)
    assert member.status == MemberStatus.REMOVED


def test_recording_the_councils_decision_asks_first_with_every_field_carried(app, client):
    from tests.decisions.factories import council_member, pending_case
    from tests.decisions.test_council_pages import _form

    case = pending_case()
    login(client, council_member(case))
    form = {**_form(case, valid_from="2026-11-01", valid_to="2030-11-01")}
    del form["confirmed"]
    page = _confirmation_page(client.post(f"/cases/{case.id}/decision", data=form))
    assert "Record the decision?" in page and "can no longer be changed" in page
    assert 'name="reasons" value="The final report shows every criterion met."' in page
    db.session.refresh(case)
    assert case.state == CaseState.DECISION_PENDING
    assert client.post(f"/cases/{case.id}/decision", data={**form, "confirmed": "yes"}).status_code == 302
    db.session.refresh(case)
    assert case.state == CaseState.DECIDED


def test_opening_an_action_url_goes_on_to_the_objects_page(app, client):
    """A reload after a refused POST or a bookmarked action address is no "unexpected error" page."""
    case = make_case()
    login(client, hei_user_for(case))
    response = client.get(f"/cases/{case.id}/actions/submit_ser", headers=BROWSER)
    assert response.status_code == 303 and response.location == f"/cases/{case.id}"
    assert client.get(f"/cases/{case.id}/scoring/submit", headers=BROWSER).location == f"/cases/{case.id}/scoring"


def test_a_refused_button_anywhere_returns_a_browser_to_the_page_with_the_reason(app, client):
    """A refusal the view lets through (approving a draft standard-set version directly): a person's browser goes
    back to the version's page, which says why; a script gets the 409."""
    from qa_portal.standards.models import VersionStatus
    from tests.standards.factories import make_version

    login(client, make_user(Role.OFFICER))
    version = make_version(VersionStatus.DRAFT)
    url = f"/manage/standards/versions/{version.id}/approve"
    assert client.post(url).status_code == 409
    response = client.post(url, headers=BROWSER)
    assert response.status_code == 303 and response.location == f"/manage/standards/versions/{version.id}"
    assert "flash-error" in client.get(response.location).get_data(as_text=True)


def test_every_case_button_confirms_its_step_in_plain_words(app):
    """No "Done: Submit the self-evaluation.": each step the case page offers says what happened."""
    from qa_portal.reviews.workflow import CASE_WORKFLOW

    assert [action for action, row in CASE_WORKFLOW.transitions.items() if row.button and row.permission
            and not row.done] == []


def test_a_refused_step_returns_to_the_page_it_came_from_with_the_reason(app, client):
    """Sending a report with pieces missing: back on the report page (not left on the action's URL), the reason
    said there; the report page's button is disabled while its problems are listed."""
    from qa_portal.reviews.services import report as reports

    case, panel = drafting_case()
    reports.on_drafting_started(case, None)  # the generated report, its sections not yet judged
    db.session.commit()
    login(client, panel[PanelRole.CHAIR].user)
    report_page = client.get(f"/cases/{case.id}/report").get_data(as_text=True)
    assert 'class="button" disabled>Send for the factual-accuracy check' in report_page
    response = client.post(f"/cases/{case.id}/actions/send_for_factual_check",
                           data={"next": f"/cases/{case.id}/report#report-actions"})
    assert response.status_code == 303 and response.location == f"/cases/{case.id}/report#report-actions"
    assert "flash-error" in client.get(response.location).get_data(as_text=True)
    db.session.refresh(case)
    assert case.state == CaseState.REPORT_DRAFTING


def test_a_steps_return_address_never_leaves_the_site(app, client):
    case = make_case(state=CaseState.SER_SUBMITTED)
    login(client, make_user(Role.OFFICER))
    response = client.post(f"/cases/{case.id}/actions/accept_ser", data={"next": "https://evil.example/"})
    assert response.location.startswith(f"/cases/{case.id}")


def test_approving_a_standard_set_version_asks_first(app, client):
    from qa_portal.standards.models import VersionStatus
    from tests.standards.factories import make_version

    login(client, make_user(Role.OFFICER))
    version = make_version(VersionStatus.CONSULTATION)
    page = _confirmation_page(client.post(f"/manage/standards/versions/{version.id}/approve"))
    assert "Approve?" in page and "can no longer be changed" in page
    db.session.refresh(version)
    assert version.status == VersionStatus.CONSULTATION
