"""Site visit rules and pages: the plan (dates ordered), the agenda with notes tagged to standards, who edits,
the institution seeing the agenda but not the notes, closing and skipping the visit."""
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.services import site_visit as visits
from qa_portal.reviews.models import CaseState, PanelRole, StakeholderGroup, VisitMode, VisitSession
from qa_portal.core.workflow import TransitionRefused
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.factories import login, make_user
from tests.reviews.factories import hei_user_for, make_case
from tests.reviews.test_scoring import desk_review_case, judge_all

DAY = date(2027, 3, 10)


def _plan(case, actor, with_session: bool = True, notes: str = "Students described the assessment project."):
    visits.save_visit_plan(actor, case, VisitMode.HYBRID, DAY, date(2027, 3, 11), "Main building, room 12")
    session = None
    if with_session:
        session = visits.save_session(actor, case, None, starts_at=datetime(2027, 3, 10, 10, 0), duration_minutes=60,
                                      stakeholder_group=StakeholderGroup.STUDENTS, attendees="Six learners",
                                      notes=notes, standard_ids=[case.standard_version.standards[0].id])
    db.session.commit()
    return session


def _visit_case():
    case, panel = desk_review_case()
    case.state = CaseState.SITE_VISIT
    db.session.commit()
    return case, panel


def test_plan_needs_ordered_dates(app):
    """The last day of the visit cannot come before the first (409 at the field)."""
    case, _panel = _visit_case()
    officer = make_user(Role.OFFICER)
    with pytest.raises(visits.VisitRefused) as refused:
        visits.save_visit_plan(officer, case, VisitMode.ONSITE, DAY, date(2027, 3, 9), "")
    assert refused.value.field == "ends_on"
    visit = visits.save_visit_plan(officer, case, VisitMode.ONLINE, DAY, DAY, "Zoom")
    assert (visit.mode, visit.starts_on, visit.ends_on, visit.location) == (VisitMode.ONLINE, DAY, DAY, "Zoom")
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "site_visit.planned"))


def test_planning_may_start_in_desk_review_not_before_or_after(app):
    """The visit can be planned during the desk review and the visit, not in panel formation or drafting."""
    case, _panel = desk_review_case()
    officer = make_user(Role.OFFICER)
    visits.save_visit_plan(officer, case, VisitMode.ONSITE, DAY, None, "")
    for state in (CaseState.PANEL_FORMATION, CaseState.REPORT_DRAFTING):
        case.state = state
        with pytest.raises(visits.VisitRefused):
            visits.save_visit_plan(officer, case, VisitMode.ONSITE, DAY, None, "")


def test_session_within_visit_dates_and_tagged_to_case_standards(app):
    """A session falls within the visit's dates and its notes are tagged to standards of the case's version."""
    case, _panel = _visit_case()
    officer = make_user(Role.OFFICER)
    session = _plan(case, officer)
    assert session.standards == [case.standard_version.standards[0]]
    with pytest.raises(visits.VisitRefused) as refused:
        visits.save_session(officer, case, None, starts_at=datetime(2027, 4, 1, 9, 0), duration_minutes=60,
                            stakeholder_group=StakeholderGroup.MANAGEMENT, attendees="", notes="", standard_ids=[])
    assert refused.value.field == "starts_at"
    other = make_case()
    with pytest.raises(visits.VisitRefused) as refused:
        visits.save_session(officer, case, session, starts_at=datetime(2027, 3, 10, 9, 0), duration_minutes=60,
                            stakeholder_group=StakeholderGroup.MANAGEMENT, attendees="", notes="x",
                            standard_ids=[other.standard_version.standards[0].id])
    assert refused.value.field == "standards"


def test_close_problems_dates_sessions_and_notes(app):
    """Closing the visit needs dates, at least one session and notes on every session."""
    case, _panel = _visit_case()
    officer = make_user(Role.OFFICER)
    assert len(visits.close_problems(case)) == 2
    session = _plan(case, officer, notes="")
    problems = visits.close_problems(case)
    assert len(problems) == 1 and "Students" in problems[0]
    with pytest.raises(TransitionRefused):
        CASE_WORKFLOW.apply(case, CaseAction.CLOSE_SITE_VISIT, officer)
    visits.save_session(officer, case, session, starts_at=session.starts_at, duration_minutes=90,
                        stakeholder_group=StakeholderGroup.STUDENTS, attendees="", notes="Heard six learners.",
                        standard_ids=[])
    assert visits.close_problems(case) == []


def test_skip_needs_written_justification_then_officer_approval(app):
    """Skipping needs the chair's (or an officer's) justification; then an officer's skip_site_visit with a note."""
    case, panel = desk_review_case()
    for member in panel.values():
        judge_all(member, submit=True)
    officer = make_user(Role.OFFICER)
    assert visits.skip_problems(case)
    with pytest.raises(TransitionRefused):
        CASE_WORKFLOW.apply(case, CaseAction.SKIP_SITE_VISIT, officer, comment="Approved.")
    db.session.rollback()
    with pytest.raises(visits.VisitRefused):
        visits.request_skip(panel[PanelRole.CHAIR].user, case, "   ")
    visit = visits.request_skip(panel[PanelRole.CHAIR].user, case, "The same faculty was visited in May 2026.")
    assert (visit.skip_requested_by_id, visit.skip_requested_at is not None) == (panel[PanelRole.CHAIR].user_id,
                                                                                True)
    assert visits.skip_problems(case) == []
    CASE_WORKFLOW.apply(case, CaseAction.SKIP_SITE_VISIT, officer, comment="Approved: recent visit on record.")
    assert case.state == CaseState.REPORT_DRAFTING


# --- pages -----------------------------------------------------------------------------------------------------

def test_institution_sees_agenda_but_not_notes(app, client):
    """The institution's visit page lists the sessions and attendees, never the panel's notes or edit controls."""
    case, _panel = _visit_case()
    _plan(case, make_user(Role.OFFICER), notes="Confidential panel observation.")
    login(client, hei_user_for(case))
    html = client.get(f"/cases/{case.id}/visit").get_data(as_text=True)
    assert "Six learners" in html and "Students" in html
    assert "Confidential panel observation." not in html and "Add a session" not in html
    session = db.session.scalar(select(VisitSession))
    assert client.get(f"/cases/{case.id}/visit/sessions/{session.id}").status_code == 403
    assert client.post(f"/cases/{case.id}/visit/plan", data={"mode": "online"}).status_code == 403


def test_member_sees_notes_and_adds_a_session(app, client):
    """A cleared member reads the notes and adds a session with notes tagged to a standard."""
    case, panel = _visit_case()
    _plan(case, make_user(Role.OFFICER), notes="Confidential panel observation.")
    login(client, panel[PanelRole.STUDENT].user)
    assert "Confidential panel observation." in client.get(f"/cases/{case.id}/visit").get_data(as_text=True)
    standard = case.standard_version.standards[1]
    response = client.post(f"/cases/{case.id}/visit/sessions/new", data={
        "starts_at": "2027-03-11T09:30", "duration_minutes": "45", "stakeholder_group": "employers",
        "attendees": "Two employers", "notes": "Employers co-designed the project.", "standards": [str(standard.id)]})
    assert response.status_code == 302
    added = db.session.scalar(select(VisitSession).where(VisitSession.attendees == "Two employers"))
    assert added.standards == [standard] and added.duration_minutes == 45


def test_plan_form_bad_dates_keep_input(app, client):
    """A plan whose last day precedes the first is refused (409) at the field, with the location kept."""
    case, _panel = _visit_case()
    login(client, make_user(Role.OFFICER))
    response = client.post(f"/cases/{case.id}/visit/plan", data={
        "mode": "onsite", "starts_on": "2027-03-10", "ends_on": "2027-03-08", "location": "Hall B"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "The last day cannot come before the first." in html and "Hall B" in html


def test_session_edit_and_delete(app, client):
    """Editing changes a session; deleting removes it from the agenda."""
    case, _panel = _visit_case()
    session = _plan(case, make_user(Role.OFFICER))
    login(client, make_user(Role.OFFICER))
    page = client.get(f"/cases/{case.id}/visit/sessions/{session.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Six learners" in html
    tagged = case.standard_version.standards[0].id
    assert re.search(rf'<input checked[^>]*value="{tagged}"|<input[^>]*value="{tagged}"[^>]*checked', html)
    response = client.post(f"/cases/{case.id}/visit/sessions/{session.id}", data={
        "starts_at": "2027-03-10T11:00", "duration_minutes": "30", "stakeholder_group": "alumni",
        "attendees": "Three alumni", "notes": "Alumni use the skills at work."})
    assert response.status_code == 302
    db.session.refresh(session)
    assert (session.stakeholder_group, session.attendees) == (StakeholderGroup.ALUMNI, "Three alumni")
    assert client.post(f"/cases/{case.id}/visit/sessions/{session.id}/delete").status_code == 302
    assert db.session.scalar(select(VisitSession)) is None


def test_skip_justification_page_rules(app, client):
    """The chair writes the skip justification on the visit page; another member gets 403; blank is refused."""
    case, panel = desk_review_case()
    member = app.test_client()
    login(member, panel[PanelRole.ACADEMIC].user)
    assert member.post(f"/cases/{case.id}/visit/skip", data={"justification": "No."}).status_code == 403
    login(client, panel[PanelRole.CHAIR].user)
    assert client.post(f"/cases/{case.id}/visit/skip", data={"justification": ""}).status_code == 400
    assert client.post(f"/cases/{case.id}/visit/skip",
                       data={"justification": "Visited in May 2026."}).status_code == 302
    assert "Visited in May 2026." in client.get(f"/cases/{case.id}/visit").get_data(as_text=True)
    assert visits.visit_of(case).skip_justification == "Visited in May 2026."


def test_visit_pages_refused_to_outsiders(app, client):
    """Another institution and an expert not on the panel reach no visit page."""
    case, _panel = _visit_case()
    session = _plan(case, make_user(Role.OFFICER))
    from tests.factories import make_institution

    for user in (make_user(Role.HEI, institution=make_institution()), make_user(Role.EXPERT)):
        other = app.test_client()
        login(other, user)
        for url in (f"/cases/{case.id}/visit", f"/cases/{case.id}/visit/sessions/{session.id}"):
            assert other.get(url).status_code in (403, 404)
        assert other.post(f"/cases/{case.id}/visit/sessions/{session.id}/delete").status_code in (403, 404)


def test_case_page_visit_card(app, client):
    """The case page's visit card shows the visit's dates and the way to the visit page."""
    case, _panel = _visit_case()
    _plan(case, make_user(Role.OFFICER))
    login(client, hei_user_for(case))
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Open the site visit" in html and "1 session on the agenda" in html


def test_visit_page_keeps_a_constant_number_of_queries(app, client):
    """The visit page runs as many statements with one session as with five."""
    from tests.reviews.test_cases import QueryCounter

    case, _panel = _visit_case()
    officer = make_user(Role.OFFICER)
    _plan(case, officer)
    login(client, officer)

    def count() -> int:
        with QueryCounter() as counter:
            assert client.get(f"/cases/{case.id}/visit").status_code == 200
        return counter.count

    small = count()
    for hour in range(11, 15):
        visits.save_session(officer, case, None, starts_at=datetime(2027, 3, 10, hour, 0), duration_minutes=60,
                            stakeholder_group=StakeholderGroup.TEACHING_STAFF, attendees="Teachers",
                            notes="Notes.", standard_ids=[s.id for s in case.standard_version.standards])
    db.session.commit()
    assert count() == small


def test_scoring_and_visit_pages_are_accessible(app, client):
    """The member's scoring page (before and after submitting), the summary, the visit and session pages pass the
    accessibility checks (labelled fields, unique ids, named buttons, one h1)."""
    from tests.core.test_accessibility import assert_accessible

    case, panel = _visit_case()
    case.state = CaseState.DESK_REVIEW
    db.session.commit()
    session = _plan(case, make_user(Role.OFFICER))
    chair = panel[PanelRole.CHAIR]
    login(client, chair.user)
    urls = [f"/cases/{case.id}/scoring", f"/cases/{case.id}/scoring/summary", f"/cases/{case.id}/visit",
            f"/cases/{case.id}/visit/sessions/new", f"/cases/{case.id}/visit/sessions/{session.id}", f"/cases/{case.id}"]

    def check():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert_accessible(url, response.get_data(as_text=True))

    check()
    for member in panel.values():
        judge_all(member, submit=True)
    check()
