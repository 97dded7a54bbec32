"""Issue 15, items 1 and 5: who sits in a seat is judged from the expert's profile (one test per rule), the field
warning acknowledged with a reason, the briefing before scoring, and the institution's objection window."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import TransitionRefused
from qa_portal.demo import load_demo
from qa_portal.extensions import db
from qa_portal.reviews.models import (
    Case, CaseAction, CaseSpecification, CaseState, ExpertType, PanelMember, PanelRole,
)
from qa_portal.reviews.services import panel, panel_rules, scoring
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.factories import login, make_user
from tests.pilots.factories import make_specification
from tests.reviews.factories import criteria_of, hei_user_for, make_case
from tests.reviews.panel_factories import cleared_panel, make_expert, seat

TODAY = date.today()


def _case(**fields):
    return make_case(CaseState.PANEL_FORMATION, standards=1, criteria=1, **fields)


def _propose(case, profile, role):
    return panel.propose_member(make_user(Role.OFFICER), case, profile.user, role)


# --- item 1: the seat fits the expert's profile ------------------------------------------------------------------

def test_employer_proposed_in_the_student_seat_is_refused():
    """The issue's scenario: an employer proposed in the "student" seat no longer satisfies "at least one student"
    — the proposal is refused at the role field, and a seat labelled student held by an employer breaks the rule."""
    case = _case()
    employer = make_expert(ExpertType.EMPLOYER)
    with pytest.raises(DomainError) as refused:
        _propose(case, employer, PanelRole.STUDENT)
    assert refused.value.field == "role" and "not a student expert" in refused.value.message
    cleared_panel(case, roles=(PanelRole.CHAIR, PanelRole.ACADEMIC))
    seat(case, PanelRole.STUDENT, user=employer.user)
    errors = panel.composition_check(case)[0]
    assert any("cannot take the student seat" in error for error in errors)
    with pytest.raises(TransitionRefused):
        CASE_WORKFLOW.apply(case, CaseAction.START_REVIEW, make_user(Role.OFFICER))


def test_student_seat_needs_a_student_status_current_on_the_start_date():
    """A student whose student status ended before the review starts cannot take the student seat; one whose
    status covers today can."""
    case = _case()
    graduated = make_expert(ExpertType.STUDENT, student_status_from=date(2019, 9, 1),
                            student_status_until=TODAY - timedelta(days=1))
    with pytest.raises(DomainError, match="student status is not current"):
        _propose(case, graduated, PanelRole.STUDENT)
    current = make_expert(ExpertType.STUDENT, student_status_from=date(2024, 9, 1),
                          student_status_until=TODAY + timedelta(days=30))
    assert _propose(case, current, PanelRole.STUDENT).role == PanelRole.STUDENT


def test_student_status_is_judged_again_on_the_day_the_review_starts():
    """A student seated while enrolled whose status has since lapsed blocks the start of the desk review."""
    case = _case()
    cleared_panel(case, roles=(PanelRole.CHAIR, PanelRole.ACADEMIC))
    student = make_expert(ExpertType.STUDENT, student_status_until=TODAY - timedelta(days=2))
    seat(case, PanelRole.STUDENT, user=student.user)
    assert any("student status is not current" in problem for problem in panel.start_review_problems(case))


def test_academic_seat_needs_an_academic_expert():
    """A QA professional cannot take the academic seat."""
    with pytest.raises(DomainError, match="not an academic expert"):
        _propose(_case(), make_expert(ExpertType.QA_PROFESSIONAL), PanelRole.ACADEMIC)


def test_international_seat_needs_a_country_other_than_the_institutions():
    """An expert from the institution's country cannot take the international seat; one from elsewhere can."""
    case = _case()
    case.institution.country = "AM"
    with pytest.raises(DomainError, match="institution's country"):
        _propose(case, make_expert(ExpertType.INTERNATIONAL, country="AM"), PanelRole.INTERNATIONAL)
    assert _propose(case, make_expert(ExpertType.INTERNATIONAL, country="GE"), PanelRole.INTERNATIONAL)


def test_chair_needs_training_within_the_configured_years(app, monkeypatch):
    """The chair's agency training must lie within QA_CHAIR_TRAINING_YEARS; an older training (or none) is
    refused, and the setting moves the limit."""
    case = _case()
    old = make_expert(training_date=TODAY - timedelta(days=365 * 4))
    with pytest.raises(DomainError, match="cannot chair"):
        _propose(case, old, PanelRole.CHAIR)
    with pytest.raises(DomainError, match="cannot chair"):
        _propose(case, make_expert(training_date=None), PanelRole.CHAIR)
    monkeypatch.setitem(app.config, "QA_CHAIR_TRAINING_YEARS", 5)
    assert _propose(case, old, PanelRole.CHAIR).role == PanelRole.CHAIR


def test_unavailable_experts_are_not_offered_nor_proposable(app, client):
    """An expert marked unavailable is not among the candidates and a forged proposal is refused."""
    case = _case()
    away = make_expert(available=False)
    assert away.user_id not in [profile.user_id for profile, _load in panel.expert_candidates(case)]
    with pytest.raises(DomainError, match="unavailable"):
        _propose(case, away, PanelRole.ACADEMIC)
    login(client, make_user(Role.OFFICER))
    assert away.user.full_name not in client.get(f"/cases/{case.id}/panel").get_data(as_text=True)


def _case_in_field(code: str = "0613"):
    """A case reviewing a micro-credential of the given ISCED-F field."""
    case = _case()
    version = make_specification(case.institution, published=True, frozen=True, isced_f_code=code)
    db.session.add(CaseSpecification(case_id=case.id, specification_version_id=version.id))
    db.session.commit()
    return case


def test_academic_fields_missing_the_broad_field_warn_until_the_officer_acknowledges_with_a_reason(app, client):
    """An academic whose fields (0413) miss the micro-credential's broad field (06) is a warning that blocks the
    start until an officer acknowledges it with a reason (audited); a field in the same broad field is no warning."""
    case = _case_in_field("0613")
    members = cleared_panel(case)
    errors, warnings = panel.composition_check(case)
    assert any("do not cover" in warning for warning in warnings)
    assert any("acknowledges it with a reason" in error for error in errors)
    officer = make_user(Role.OFFICER)
    login(client, officer)
    url = f"/cases/{case.id}/panel/members/{members[PanelRole.ACADEMIC].id}/field-warning"
    assert client.post(url, data={f"field-{members[PanelRole.ACADEMIC].id}-reason": ""}).status_code == 400
    assert client.post(url, data={f"field-{members[PanelRole.ACADEMIC].id}-reason":
                                  "Covers assessment design."}).status_code == 302
    db.session.expire_all()
    assert panel.composition_check(case)[0] == []
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "panel.field_warning_acknowledged"))
    ict = _case_in_field("0613")
    cleared_panel(ict, roles=(PanelRole.CHAIR, PanelRole.STUDENT))
    seat(ict, PanelRole.ACADEMIC, user=make_expert(fields=("0611",)).user)
    assert panel.composition_check(ict) == ([], panel.composition_check(ict)[1])
    assert not any("do not cover" in warning for warning in panel.composition_check(ict)[1])


def test_scoring_waits_for_the_briefing_and_the_officer_sees_who_acknowledged(app, client):
    """A member saves no judgement before acknowledging the briefing on its page (audited); the officer's panel
    page says who has and who has not."""
    case = make_case(CaseState.DESK_REVIEW, standards=1, criteria=1)
    members = cleared_panel(case)
    student = members[PanelRole.STUDENT]
    student.briefed_at = None
    db.session.commit()
    criterion = criteria_of(case)[0]
    with pytest.raises(scoring.ScoringRefused, match="briefing"):
        scoring.save_judgement(student.user, student, criterion.id, None, "Draft.", [])
    db.session.rollback()
    login(client, make_user(Role.OFFICER))
    page = client.get(f"/cases/{case.id}/panel").get_data(as_text=True)
    assert page.count("briefing acknowledged") == 2 and "briefing not acknowledged" in page
    client = app.test_client()
    login(client, student.user)
    page = client.get(f"/panel-seats/{student.id}/briefing").get_data(as_text=True)
    assert "Confidentiality" in page and case.standard_version.label in page
    assert client.post(f"/panel-seats/{student.id}/briefing", data={}).status_code == 302
    db.session.refresh(student)
    assert student.briefed_at is not None
    assert scoring.save_judgement(student.user, student, criterion.id, None, "Draft.", [])
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "panel.briefing_acknowledged"))


def test_only_the_seats_expert_reaches_the_briefing(client):
    """Another expert gets 403 on someone else's briefing page."""
    case = make_case(CaseState.DESK_REVIEW, standards=1, criteria=1)
    members = cleared_panel(case)
    login(client, members[PanelRole.CHAIR].user)
    assert client.get(f"/panel-seats/{members[PanelRole.STUDENT].id}/briefing").status_code == 403


# --- item 5: the institution's objection window -------------------------------------------------------------------

def _fresh_panel(case):
    """A valid cleared panel whose last member was proposed just now (the objection window is open)."""
    members = cleared_panel(case)
    members[PanelRole.STUDENT].proposed_at = utcnow()
    db.session.commit()
    return members


def test_desk_review_cannot_start_while_the_objection_window_is_open(app, client):
    """Within QA_OBJECTION_WINDOW_WORKING_DAYS working days of the last proposal the start is refused with 409
    and the window's end; the institution's "no objection" (audited) lets it start."""
    case = _case()
    _fresh_panel(case)
    officer = make_user(Role.OFFICER)
    problems = panel_rules.objection_window_problems(case)
    assert problems and "window to object" in problems[0]
    login(client, officer)
    response = client.post(f"/cases/{case.id}/actions/start_review", data={"confirmed": "yes"},
                           follow_redirects=True)  # a refused case action returns to the case page with the reason
    assert "window to object" in response.get_data(as_text=True) and case.state == CaseState.PANEL_FORMATION
    assert "window to object" in client.get(f"/cases/{case.id}/panel").get_data(as_text=True)
    client = app.test_client()
    login(client, hei_user_for(case))
    assert "Confirm that we have no objection" in client.get(f"/cases/{case.id}/panel").get_data(as_text=True)
    assert client.post(f"/cases/{case.id}/panel/no-objection", data={}).status_code == 302
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "panel.no_objection"))
    db.session.expire_all()
    CASE_WORKFLOW.apply(case, CaseAction.START_REVIEW, officer)
    assert case.state == CaseState.DESK_REVIEW


def test_objection_window_ends_after_the_configured_working_days(app, monkeypatch):
    """The window ends QA_OBJECTION_WINDOW_WORKING_DAYS working days (Monday to Friday) after the last proposal;
    once it has passed the start is no longer held."""
    case = _case()
    members = _fresh_panel(case)
    proposed = members[PanelRole.STUDENT].proposed_at
    ends = panel_rules.objection_window_ends_at(case)
    assert 5 <= (ends - proposed).days <= 7 and ends.weekday() < 5
    monkeypatch.setitem(app.config, "QA_OBJECTION_WINDOW_WORKING_DAYS", 0)
    assert panel_rules.objection_window_problems(case) == []


def test_a_new_proposal_after_no_objection_reopens_the_window(app):
    """"No objection" covers the panel as it was: a member proposed afterwards opens the window again."""
    case = _case()
    _fresh_panel(case)
    panel_rules.confirm_no_objection(hei_user_for(case), case)
    assert panel_rules.objection_window_problems(case) == []
    _propose(case, make_expert(ExpertType.EMPLOYER), PanelRole.EMPLOYER)
    assert panel_rules.objection_window_problems(case)


def test_only_the_institution_confirms_no_objection(client):
    """An officer or an expert gets 403 on the no-objection button."""
    case = _case()
    _fresh_panel(case)
    login(client, make_user(Role.OFFICER))
    assert client.post(f"/cases/{case.id}/panel/no-objection", data={}).status_code == 403


def test_a_refused_proposal_through_the_page_is_audited_and_the_form_keeps_the_choice(client):
    """The officer's page answers 409 with the seat rule at the role field, and the refusal stays on record."""
    case = _case()
    employer = make_expert(ExpertType.EMPLOYER)
    login(client, make_user(Role.OFFICER))
    response = client.post(f"/cases/{case.id}/panel/members",
                           data={"propose-expert": str(employer.user_id), "propose-role": "student"})
    assert response.status_code == 409 and "not a student expert" in response.get_data(as_text=True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "panel.proposal_refused"))
    assert entry is not None and entry.data["role"] == "student"


def test_demo_shows_the_refused_employer_the_running_window_and_the_briefings(app):
    """Item 9: the demo case in panel formation records the officer's refused attempt to seat the employer as the
    student, its objection window is still running, and the officer sees who acknowledged the briefing; the
    cases past panel formation were started after the institution said it had no objection."""
    load_demo()
    db.session.commit()
    forming = db.session.scalar(select(Case).where(Case.state == CaseState.PANEL_FORMATION))
    refused = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "panel.proposal_refused"))
    assert refused is not None and "not a student expert" in refused.data["reason"]
    assert panel_rules.objection_window_problems(forming)
    seats = db.session.scalars(select(PanelMember).where(PanelMember.case_id == forming.id)).all()
    assert any(seat.briefed_at for seat in seats) and any(seat.briefed_at is None for seat in seats)
    reviewing = db.session.scalar(select(Case).where(Case.state == CaseState.DESK_REVIEW))
    assert reviewing.no_objection_at is not None


def test_proposal_list_suggests_experts_whose_fields_match_and_shows_load_and_languages(app, client):
    """Issue 16 item 13: each candidate shows type, fields, languages and current panels; those whose fields cover
    the micro-credential's broad field and with no likely conflict come first, marked as suggested."""
    case = _case_in_field("0613")
    broad = "06"
    make_expert(fields=("0911",), languages=("en",), user=make_user(Role.EXPERT, full_name="Anna Otherfield"))
    make_expert(fields=(f"{broad}11",), languages=("hy", "fr"), user=make_user(Role.EXPERT, full_name="Zara Match"))
    db.session.commit()
    login(client, make_user(Role.OFFICER))
    page = client.get(f"/cases/{case.id}/panel").get_data(as_text=True)
    matched, other = page.index("Zara Match"), page.index("Anna Otherfield")
    assert matched < other  # suggested first, although the name sorts later
    option = page[matched - 20:page.index("</option>", matched)]
    assert "★" in option and "suggested: fields match, no conflict found" in option
    assert "languages fr, hy" in option and "current panels: 0" in option
    assert "★" not in page[other:page.index("</option>", other)]
