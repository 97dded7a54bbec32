"""Conflicts of interest: one test per rule — detection, declaration, the officer's ruling, the HEI's objection."""
from datetime import date

import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.errors import DomainError
from qa_portal.extensions import db
from qa_portal.pilots.models import InstitutionMembership
from qa_portal.reviews.services import panel
from qa_portal.reviews.models import (
    CaseState, ConflictKind, ExpertType, MemberStatus, ObjectionRuling, PanelRole,
)
from tests.factories import make_institution, make_user
from tests.reviews.factories import make_case
from tests.reviews.panel_factories import cleared_panel, make_expert, seat


def _years_ago(years: int) -> date:
    today = date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def _case():
    return make_case(CaseState.PANEL_FORMATION, standards=1, criteria=1)


def _propose(case, expert, role=PanelRole.ACADEMIC):
    return panel.propose_member(make_user(Role.OFFICER), case, expert.user, role)


# --- (a) detection --------------------------------------------------------------------------------------------

def test_detection_flags_a_current_affiliation():
    """A current affiliation with the case's institution is detected at proposal: the member is conflicted."""
    case = _case()
    expert = make_expert(affiliations=[(case.institution, "Professor", date(2010, 9, 1), None)])
    member = _propose(case, expert)
    assert member.status == MemberStatus.CONFLICTED
    assert "Current affiliation with" in member.detected_conflict and "Professor" in member.detected_conflict


def test_detection_flags_an_affiliation_ended_within_the_lookback():
    """An affiliation that ended less than QA_COI_LOOKBACK_YEARS (5) years ago is detected."""
    case = _case()
    expert = make_expert(affiliations=[(case.institution, "Lecturer", date(2012, 9, 1), _years_ago(2))])
    member = _propose(case, expert)
    assert member.status == MemberStatus.CONFLICTED
    assert "ended less than 5 years ago" in member.detected_conflict


def test_detection_ignores_an_affiliation_ended_before_the_lookback():
    """An affiliation that ended more than five years ago is not a detected conflict."""
    case = _case()
    expert = make_expert(affiliations=[(case.institution, "Lecturer", date(2001, 9, 1), _years_ago(6))])
    assert _propose(case, expert).status == MemberStatus.PROPOSED


def test_detection_lookback_is_configurable(app):
    """The look-back period comes from QA_COI_LOOKBACK_YEARS."""
    case = _case()
    expert = make_expert(affiliations=[(case.institution, "Lecturer", date(2001, 9, 1), _years_ago(6))])
    app.config["QA_COI_LOOKBACK_YEARS"] = 10
    try:
        assert panel.detect_conflicts(expert.user, case) != ""
    finally:
        app.config["QA_COI_LOOKBACK_YEARS"] = 5


def test_detection_ignores_other_institutions():
    """An affiliation with another institution is no conflict."""
    case = _case()
    expert = make_expert(affiliations=[(make_institution(), "Dean", date(2015, 1, 1), None)])
    assert _propose(case, expert).status == MemberStatus.PROPOSED


def test_detection_matches_an_affiliation_typed_by_name():
    """An affiliation typed by the institution's name (not picked from the list) is detected too."""
    case = _case()
    expert = make_expert(affiliations=[(f" {case.institution.name_en.upper()} ", "Tutor", None, None)])
    assert _propose(case, expert).status == MemberStatus.CONFLICTED


def test_detection_flags_a_user_of_the_institution():
    """Anyone who is a user of the case's institution (membership of its quality unit) is detected."""
    case = _case()
    expert = make_expert()
    db.session.add(InstitutionMembership(user_id=expert.user_id, institution_id=case.institution_id))
    db.session.commit()
    member = _propose(case, expert)
    assert member.status == MemberStatus.CONFLICTED
    assert "quality unit" in member.detected_conflict


# --- (b) declaration -----------------------------------------------------------------------------------------

def test_declaring_none_with_nothing_detected_clears():
    """Declaring no interest, with nothing detected, clears the member."""
    case = _case()
    member = _propose(case, make_expert())
    panel.declare_interests(member.user, member, True, [], member.user.full_name)
    assert member.status == MemberStatus.CLEARED
    assert member.declaration.declares_none


def test_declaring_an_interest_makes_the_member_conflicted():
    """A declared interest (typed, with details) makes the member conflicted."""
    case = _case()
    member = _propose(case, make_expert())
    panel.declare_interests(member.user, member, False, [(ConflictKind.CONSULTANCY, "Advised the dean in 2025.")],
                            member.user.full_name)
    assert member.status == MemberStatus.CONFLICTED
    assert [(item.kind, item.details) for item in member.declaration.items] == [
        (ConflictKind.CONSULTANCY, "Advised the dean in 2025.")]


def test_declaring_none_does_not_clear_a_detected_conflict():
    """A detected conflict stays conflicted even when the member declares none."""
    case = _case()
    member = _propose(case, make_expert(affiliations=[(case.institution, "Lecturer", None, None)]))
    panel.declare_interests(member.user, member, True, [], member.user.full_name)
    assert member.status == MemberStatus.CONFLICTED


def test_declaration_must_be_signed_with_the_full_name():
    """The declaration is signed by typing the expert's full name."""
    case = _case()
    member = _propose(case, make_expert())
    with pytest.raises(DomainError, match="full name") as refused:
        panel.declare_interests(member.user, member, True, [], "J. Smith")
    assert refused.value.field == "signed_name"


def test_declared_interests_need_details_and_a_choice():
    """Each declared interest needs details; "none" and interests exclude each other; at least one of them."""
    case = _case()
    member = _propose(case, make_expert())
    name = member.user.full_name
    with pytest.raises(DomainError, match="details"):
        panel.declare_interests(member.user, member, False, [(ConflictKind.FAMILY, " ")], name)
    with pytest.raises(DomainError, match="choose one"):
        panel.declare_interests(member.user, member, True, [(ConflictKind.FAMILY, "Sister teaches there.")], name)
    with pytest.raises(DomainError, match="at least one"):
        panel.declare_interests(member.user, member, False, [], name)


def test_declaration_is_signed_once():
    """A signed declaration cannot be replaced."""
    case = _case()
    member = _propose(case, make_expert())
    panel.declare_interests(member.user, member, True, [], member.user.full_name)
    with pytest.raises(DomainError, match="cannot be changed"):
        panel.declare_interests(member.user, member, True, [], member.user.full_name)


# --- (c) ruling ----------------------------------------------------------------------------------------------

def _conflicted(case):
    member = _propose(case, make_expert())
    panel.declare_interests(member.user, member, False, [(ConflictKind.STUDY, "PhD there, 2019.")],
                            member.user.full_name)
    return member


def test_conflicted_member_cleared_only_by_a_mitigated_ruling_with_reason():
    """An officer rules a conflict mitigated only with a written reason; the ruling clears and is audited."""
    case = _case()
    member = _conflicted(case)
    officer = make_user(Role.OFFICER)
    with pytest.raises(DomainError, match="reasons") as refused:
        panel.rule_on_conflict(officer, member, panel.MITIGATED, "   ")
    assert refused.value.field == "reason" and member.status == MemberStatus.CONFLICTED
    panel.rule_on_conflict(officer, member, panel.MITIGATED, "Study ended long before the course existed.")
    assert member.status == MemberStatus.CLEARED
    assert member.conflict_ruling_by_id == officer.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "panel_member.mitigate_conflict"))
    assert entry.data["comment"] == "Study ended long before the course existed."


def test_conflict_upheld_removes_the_member():
    """An officer may uphold the conflict instead: the member is removed with the reason."""
    case = _case()
    member = _conflicted(case)
    panel.rule_on_conflict(make_user(Role.OFFICER), member, panel.UPHELD, "Too close to the programme.")
    assert (member.status, member.removal_reason) == (MemberStatus.REMOVED, "Too close to the programme.")


def test_detected_conflict_cannot_be_mitigated_before_the_declaration():
    """A detected conflict cannot be mitigated before the member signed a declaration."""
    case = _case()
    member = _propose(case, make_expert(affiliations=[(case.institution, "Lecturer", None, None)]))
    with pytest.raises(DomainError, match="not signed a declaration"):
        panel.rule_on_conflict(make_user(Role.OFFICER), member, panel.MITIGATED, "Minor.")


def test_only_conflicted_members_get_a_ruling():
    """A proposed or cleared member needs no ruling: the service refuses."""
    case = _case()
    member = _propose(case, make_expert())
    with pytest.raises(DomainError, match="needs a ruling"):
        panel.rule_on_conflict(make_user(Role.OFFICER), member, panel.MITIGATED, "Fine.")


# --- (d) objections ------------------------------------------------------------------------------------------

def test_open_objection_blocks_start_review():
    """A member with an objection awaiting a ruling is not cleared for the review's start."""
    case = _case()
    members = cleared_panel(case)
    panel.raise_objection(make_user(Role.HEI, institution=case.institution), members[PanelRole.STUDENT],
                          "She studied here until 2024.")
    problems = panel.start_review_problems(case)
    assert problems == [f"The institution's objection to {members[PanelRole.STUDENT].user.full_name} awaits a ruling."]


def test_objection_upheld_removes_the_member():
    """The officer upholds an objection: the member is removed with the officer's reason."""
    case = _case()
    member = seat(case)
    objection = panel.raise_objection(make_user(Role.HEI, institution=case.institution), member, "Competitor.")
    panel.rule_on_objection(make_user(Role.OFFICER), objection, "upheld", "The objection is founded.")
    assert objection.ruling == ObjectionRuling.UPHELD
    assert (member.status, member.removal_reason) == (MemberStatus.REMOVED, "The objection is founded.")


def test_objection_rejected_keeps_the_member_and_needs_reason():
    """Rejecting an objection needs a reason; the member stays and no longer blocks the start."""
    case = _case()
    members = cleared_panel(case)
    objection = panel.raise_objection(make_user(Role.HEI, institution=case.institution), members[PanelRole.CHAIR],
                                      "We dislike him.")
    officer = make_user(Role.OFFICER)
    with pytest.raises(DomainError, match="reasons"):
        panel.rule_on_objection(officer, objection, "rejected", "")
    panel.rule_on_objection(officer, objection, "rejected", "No ground given.")
    assert members[PanelRole.CHAIR].status == MemberStatus.CLEARED
    assert panel.start_review_problems(case) == []
    with pytest.raises(DomainError, match="already"):
        panel.rule_on_objection(officer, objection, "upheld", "Changed my mind.")


def test_objection_needs_reasons_and_panel_formation():
    """An objection needs reasons and is taken only while the panel is being formed."""
    case = _case()
    member = seat(case)
    hei = make_user(Role.HEI, institution=case.institution)
    with pytest.raises(DomainError, match="reasons"):
        panel.raise_objection(hei, member, "")
    case.state = CaseState.DESK_REVIEW
    with pytest.raises(DomainError, match="panel formation"):
        panel.raise_objection(hei, member, "Too late.")


def test_expert_type_does_not_matter_for_detection():
    """Detection looks at affiliations and memberships only, whatever the expert's type."""
    case = _case()
    expert = make_expert(ExpertType.STUDENT, affiliations=[(case.institution, "Student", _years_ago(3), None)])
    assert _propose(case, expert, PanelRole.STUDENT).status == MemberStatus.CONFLICTED
