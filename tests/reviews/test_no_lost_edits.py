"""No lost edits where people share a text: two saves of a panel-report section or of a visit session's notes from
the same version — the second gets the conflict page (409) with both texts, the first stays saved; a save
landing at the same moment is a conflict too, never a 500."""
import pytest
from sqlalchemy import update

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.models import PanelRole, ReportSection, VisitSession
from qa_portal.reviews.services import report as reports
from tests.factories import login, make_user
from tests.reviews.test_concurrent_save import competing_save  # noqa: F401  (the fixture)
from tests.reviews.test_report import _section_post, drafting_case
from tests.reviews.test_site_visit import _plan, _visit_case
from tests.reviews.walk_setups import drafted_report


def _section(case) -> ReportSection:
    db.session.expire_all()
    return reports.report_of(case).sections[0]


def test_two_saves_of_a_report_section_from_the_same_version_end_in_the_conflict_page(app, client):
    case, panel = drafting_case()
    drafted_report(case)
    base = str(_section(case).version)
    url = f"/cases/{case.id}/report/sections/1"
    login(client, panel[PanelRole.SECRETARY].user)
    assert client.post(url, data={**_section_post(case, findings="The secretary's findings."), "version": base}
                       ).status_code == 302
    client.post("/logout")
    login(client, panel[PanelRole.CHAIR].user)
    response = client.post(url, data={**_section_post(case, findings="The chair's findings."), "version": base})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Edit conflict" in html
    assert "The secretary&#39;s findings." in html and "The chair&#39;s findings.</textarea>" in html
    assert _section(case).findings == "The secretary's findings."
    # the conflict page carries the saved version: saving again replaces it, knowingly
    current = str(_section(case).version)
    assert f'value="{current}"' in html
    assert client.post(url, data={**_section_post(case, findings="Merged findings."), "version": current}
                       ).status_code == 302
    assert _section(case).findings == "Merged findings."


@pytest.mark.committing  # the competing save commits on its own connection
def test_a_report_section_saved_at_the_same_moment_is_a_conflict_not_a_500(app, client, competing_save):  # noqa: F811
    case, panel = drafting_case()
    drafted_report(case)
    section = _section(case)
    login(client, panel[PanelRole.CHAIR].user)
    competing_save(update(ReportSection).where(ReportSection.id == section.id)
                   .values(findings="The secretary's findings.", version=section.version + 1))
    response = client.post(f"/cases/{case.id}/report/sections/1",
                           data={**_section_post(case, findings="The chair's findings."),
                                 "version": str(section.version)})
    assert response.status_code == 409
    assert "The secretary&#39;s findings." in response.get_data(as_text=True)
    assert _section(case).findings == "The secretary's findings."


def _session_post(notes: str, version: int) -> dict:
    return {"starts_at": "2027-03-10T11:00", "duration_minutes": "45", "stakeholder_group": "students",
            "attendees": "Six learners", "notes": notes, "version": str(version)}


def test_two_saves_of_visit_notes_from_the_same_version_end_in_the_conflict_page(app, client):
    case, _panel = _visit_case()
    officer = make_user(Role.OFFICER)
    session = _plan(case, officer)
    base, url = session.version, f"/cases/{case.id}/visit/sessions/{session.id}"
    login(client, officer)
    assert client.post(url, data=_session_post("The secretary's notes.", base)).status_code == 302
    response = client.post(url, data=_session_post("The chair's notes.", base))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Edit conflict" in html
    assert "The secretary&#39;s notes." in html and "The chair&#39;s notes.</textarea>" in html
    db.session.expire_all()
    assert db.session.get(VisitSession, session.id).notes == "The secretary's notes."


@pytest.mark.committing  # the competing save commits on its own connection
def test_visit_notes_saved_at_the_same_moment_are_a_conflict_not_a_500(app, client, competing_save):  # noqa: F811
    case, _panel = _visit_case()
    officer = make_user(Role.OFFICER)
    session = _plan(case, officer)
    login(client, officer)
    competing_save(update(VisitSession).where(VisitSession.id == session.id)
                   .values(notes="The secretary's notes.", version=session.version + 1))
    response = client.post(f"/cases/{case.id}/visit/sessions/{session.id}",
                           data=_session_post("The chair's notes.", session.version))
    assert response.status_code == 409 and "The secretary&#39;s notes." in response.get_data(as_text=True)


def test_the_chair_answers_every_comment_in_one_form_and_a_started_row_needs_both(app, client):
    from qa_portal.reviews.models import FactualComment
    from qa_portal.reviews.services import factual
    from tests.reviews.test_factual import sent_case

    case, panel, report, hei = sent_case()
    first = factual.add_comment(hei, case, report, factual.OVERALL, "The run had eight learners.")
    second = factual.add_comment(hei, case, report, factual.OVERALL, "The council met in March.")
    db.session.commit()
    login(client, panel[PanelRole.CHAIR].user)
    page = client.get(f"/cases/{case.id}/report").get_data(as_text=True)
    assert page.count(f'action="/cases/{case.id}/report/answers"') == 1 and "Save the answers" in page
    url = f"/cases/{case.id}/report/answers"
    started = {f"comment-{first.id}-response": "accepted", f"comment-{first.id}-answer": "Corrected.",
               f"comment-{second.id}-answer": "Half an answer, no response chosen."}
    refused = client.post(url, data=started)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Half an answer, no response chosen." in html and "Corrected." in html
    db.session.expire_all()
    assert db.session.get(FactualComment, first.id).response is None  # nothing half-saved
    started[f"comment-{second.id}-response"] = "rejected"
    assert client.post(url, data=started).status_code == 302
    db.session.expire_all()
    assert db.session.get(FactualComment, second.id).answer == "Half an answer, no response chosen."
    assert db.session.get(FactualComment, first.id).answer == "Corrected."
