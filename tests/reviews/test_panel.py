"""Panel formation (ESG 2.4): one test per composition rule, proposals and removals, and the start_review guard."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.reviews.services import panel
from qa_portal.reviews.models import CaseState, ExpertType, MemberStatus, PanelMember, PanelRole
from qa_portal.core.workflow import TransitionRefused
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.factories import login, make_user
from tests.reviews.factories import make_case
from tests.reviews.panel_factories import cleared_panel, make_expert, seat


def _case(**fields):
    return make_case(CaseState.PANEL_FORMATION, standards=1, criteria=1, **fields)


def _errors(case):
    return panel.composition_check(case)[0]


def _warnings(case):
    return panel.composition_check(case)[1]


# --- composition rules: one test each ------------------------------------------------------------------------

def test_composition_valid_panel_has_no_errors():
    """A chair, an academic and a student, none of them the coordinator, break no rule."""
    case = _case()
    cleared_panel(case)
    assert _errors(case) == []


def test_composition_needs_a_chair():
    """Exactly one chair: a panel without a chair is refused."""
    case = _case()
    cleared_panel(case, roles=(PanelRole.ACADEMIC, PanelRole.STUDENT))
    assert _errors(case) == ["The panel has no chair."]


def test_composition_refuses_two_chairs():
    """Exactly one chair: two chairs are refused."""
    case = _case()
    cleared_panel(case, roles=(PanelRole.CHAIR, PanelRole.CHAIR, PanelRole.ACADEMIC, PanelRole.STUDENT))
    assert _errors(case) == ["The panel has 2 chairs; it needs exactly one."]


def test_composition_needs_a_student_member():
    """At least one student member: without one the panel is refused (there is no override)."""
    case = _case()
    cleared_panel(case, roles=(PanelRole.CHAIR, PanelRole.ACADEMIC, PanelRole.EMPLOYER, PanelRole.INTERNATIONAL))
    assert _errors(case) == ["The panel has no student member."]


def test_composition_needs_an_academic_member():
    """At least one academic member."""
    case = _case()
    cleared_panel(case, roles=(PanelRole.CHAIR, PanelRole.STUDENT))
    assert _errors(case) == ["The panel has no academic member."]


def test_composition_warns_without_employer():
    """No employer member is a warning, not an error."""
    case = _case()
    cleared_panel(case, roles=(PanelRole.CHAIR, PanelRole.ACADEMIC, PanelRole.STUDENT, PanelRole.INTERNATIONAL))
    assert _errors(case) == []
    assert _warnings(case) == ["The panel has no employer member."]


def test_composition_warns_without_international_member():
    """No international member is a warning, not an error."""
    case = _case()
    cleared_panel(case, roles=(PanelRole.CHAIR, PanelRole.ACADEMIC, PanelRole.STUDENT, PanelRole.EMPLOYER))
    assert _errors(case) == []
    assert _warnings(case) == ["The panel has no international member."]


def test_composition_refuses_the_coordinator_as_member():
    """The case coordinator cannot sit on the panel (even if seated by other means)."""
    coordinator = make_user(Role.OFFICER, Role.EXPERT)
    case = _case(coordinator_id=coordinator.id)
    cleared_panel(case)
    seat(case, PanelRole.SECRETARY, user=coordinator)
    assert _errors(case) == ["The case coordinator cannot sit on the panel."]


def test_composition_ignores_removed_members():
    """A removed member counts for nothing: removing the only student breaks the student rule."""
    case = _case()
    members = cleared_panel(case)
    panel.remove_member(make_user(Role.OFFICER), members[PanelRole.STUDENT], "Unavailable in May.")
    assert _errors(case) == ["The panel has no student member."]


# --- proposals and removals ----------------------------------------------------------------------------------

def test_propose_member_stores_role_and_audits():
    """An officer proposes an expert with a role; the seat is proposed and the step is audited."""
    case = _case()
    officer = make_user(Role.OFFICER)
    expert = make_expert(ExpertType.STUDENT).user
    member = panel.propose_member(officer, case, expert, PanelRole.STUDENT)
    assert (member.role, member.status, member.proposed_by_id) == (PanelRole.STUDENT, MemberStatus.PROPOSED,
                                                                   officer.id)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "panel.member_proposed")) is not None


def test_propose_refuses_the_coordinator():
    """The coordinator is refused already at proposal."""
    coordinator = make_user(Role.OFFICER, Role.EXPERT)
    make_expert(user=coordinator)
    case = _case(coordinator_id=coordinator.id)
    with pytest.raises(DomainError, match="coordinates this case"):
        panel.propose_member(make_user(Role.OFFICER), case, coordinator, PanelRole.ACADEMIC)


def test_propose_refuses_users_outside_the_expert_pool():
    """Only an active user with the expert role and an expert profile can be proposed."""
    case = _case()
    officer = make_user(Role.OFFICER)
    no_profile = make_user(Role.EXPERT)
    no_role = make_expert(user=make_user(Role.HEI)).user
    inactive = make_expert(user=make_user(Role.EXPERT, active=False)).user
    for user in (no_profile, no_role, inactive):
        with pytest.raises(DomainError, match="active expert"):
            panel.propose_member(officer, case, user, PanelRole.ACADEMIC)


def test_propose_refuses_a_member_twice_and_a_removed_member():
    """An expert sits once on a panel; a removed member is not proposed again."""
    case = _case()
    officer = make_user(Role.OFFICER)
    member = seat(case, PanelRole.ACADEMIC)
    with pytest.raises(DomainError, match="already on this panel"):
        panel.propose_member(officer, case, member.user, PanelRole.CHAIR)
    panel.remove_member(officer, member, "Not available.")
    with pytest.raises(DomainError, match="was removed"):
        panel.propose_member(officer, case, member.user, PanelRole.CHAIR)


def test_panel_changes_only_in_panel_formation():
    """Proposals and removals are refused once the desk review started."""
    case = _case()
    members = cleared_panel(case)
    case.state = CaseState.DESK_REVIEW
    officer = make_user(Role.OFFICER)
    with pytest.raises(DomainError, match="panel formation"):
        panel.propose_member(officer, case, make_expert().user, PanelRole.ACADEMIC)
    with pytest.raises(DomainError, match="panel formation"):
        panel.remove_member(officer, members[PanelRole.STUDENT], "Late.")


def test_remove_member_needs_a_reason():
    """Removing a member needs a written reason, which is kept on the seat."""
    case = _case()
    member = seat(case)
    officer = make_user(Role.OFFICER)
    with pytest.raises(DomainError, match="reason"):
        panel.remove_member(officer, member, "  ")
    panel.remove_member(officer, member, "Moved abroad.")
    assert (member.status, member.removal_reason) == (MemberStatus.REMOVED, "Moved abroad.")


# --- start_review --------------------------------------------------------------------------------------------

def test_start_review_refused_without_a_student_member():
    """No code path starts a review without a student member: the guard refuses with the broken rule."""
    case = _case()
    cleared_panel(case, roles=(PanelRole.CHAIR, PanelRole.ACADEMIC, PanelRole.EMPLOYER))
    with pytest.raises(TransitionRefused, match="no student member"):
        CASE_WORKFLOW.apply(case, CaseAction.START_REVIEW, make_user(Role.OFFICER))
    assert case.state == CaseState.PANEL_FORMATION


def test_start_review_refused_while_a_member_is_not_cleared():
    """Every member must be cleared: a proposed member is listed as a problem."""
    case = _case()
    cleared_panel(case)
    pending = seat(case, PanelRole.EMPLOYER, status=MemberStatus.PROPOSED)
    problems = panel.start_review_problems(case)
    assert problems == [f"{pending.user.full_name} (Employer) is not cleared: proposed — declaration awaited."]


def test_start_review_sets_each_members_scoring_deadline(app):
    """Starting the desk review gives each cleared member a deadline QA_SCORING_DAYS days away."""
    case = _case()
    members = cleared_panel(case)
    before = utcnow()
    CASE_WORKFLOW.apply(case, CaseAction.START_REVIEW, make_user(Role.OFFICER))
    assert case.state == CaseState.DESK_REVIEW
    days = timedelta(days=app.config["QA_SCORING_DAYS"])
    for member in members.values():
        assert before + days <= member.scoring_due_at <= utcnow() + days


def test_start_review_button_is_refused_back_on_the_case_page_with_the_broken_rules(client):
    """The start_review button refuses ("not now") and the case page lists every broken rule."""
    case = _case()
    seat(case, PanelRole.CHAIR)
    pending = seat(case, PanelRole.ACADEMIC, status=MemberStatus.PROPOSED)
    login(client, make_user(Role.OFFICER))
    response = client.post(f"/cases/{case.id}/actions/start_review", data={})
    assert response.status_code == 303
    text = client.get(response.location).get_data(as_text=True)
    assert "The panel has no student member." in text
    assert f"{pending.user.full_name} (Academic) is not cleared" in text
    assert db.session.get(type(case), case.id).state == CaseState.PANEL_FORMATION


def test_every_seat_removed_leaves_no_panel():
    """Removed seats do not appear in the panel's member list."""
    case = _case()
    member = seat(case)
    panel.remove_member(make_user(Role.OFFICER), member, "Withdrew.")
    assert panel.members_of(case) == []
    assert panel.members_of(case, include_removed=True) == [member]
    assert db.session.scalar(select(PanelMember.status)) == MemberStatus.REMOVED
