"""The other lifecycles reviews owns on the core engine — the panel report, a panel member's clearance and the
institution's objection: each table walked for every (state, action) pair, then its guards and permissions."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import ActionForbidden, TransitionRefused
from qa_portal.extensions import db
from qa_portal.reviews.models import (
    CaseState, ConflictDeclaration, ConflictKind, DeclaredConflict, MemberAction, MemberStatus, ObjectionAction,
    ObjectionRuling, PanelObjection, PanelRole, ReportAction, ReportStatus,
)
from qa_portal.reviews.services.report import freeze_version
from qa_portal.reviews.workflow import MEMBER_WORKFLOW, OBJECTION_WORKFLOW, REPORT_WORKFLOW
from tests.factories import make_user
from tests.reviews.factories import hei_user_for, make_case
from tests.reviews.panel_factories import seat
from tests.reviews.walk_setups import drafted_report
from tests.workflow_walk import state_changes, walk_step


# --- the panel report: draft -> sent -> final, system moves -------------------------------------------------------

def _report_in(state: ReportStatus):
    """A drafted report of a case in report drafting, put in `state` directly (a final one hashed and stamped)."""
    case = make_case(state=CaseState.REPORT_DRAFTING, standards=1, criteria=1)
    report = drafted_report(case)
    report.status = state
    if state == ReportStatus.FINAL:
        report.final_sha256, report.finalised_at = "0" * 64, utcnow()
    if state != ReportStatus.DRAFT:
        report.factual_check_due_at = utcnow() + timedelta(days=7)
    db.session.commit()
    return report


def _report_data(report, action, actor) -> dict:
    """What each move is given: the due date of the window; the final version frozen from the report."""
    if action == ReportAction.SEND:
        return {"due_at": utcnow() + timedelta(days=7)}
    return {"version": freeze_version(report, actor, final=True)}


@pytest.mark.parametrize("action", list(ReportAction), ids=str)
@pytest.mark.parametrize("state", list(ReportStatus), ids=str)
def test_report_table_decides_every_state_action_pair(app, state, action):
    """A report moves by an action from its source states only; from any other state it is a 409 and no move."""
    report = _report_in(state)
    officer = make_user(Role.OFFICER)
    walk_step(REPORT_WORKFLOW, report, action, officer, system=True, **_report_data(report, action, officer))


def test_report_moves_are_the_systems_only(app):
    """Nobody requests a report move: it follows the case's own move (403 when asked, no button for anyone)."""
    report = _report_in(ReportStatus.DRAFT)
    officer = make_user(Role.OFFICER)
    assert REPORT_WORKFLOW.available(officer, report) == []
    with pytest.raises(ActionForbidden):
        REPORT_WORKFLOW.apply(report, ReportAction.SEND, officer, due_at=utcnow())
    assert report.status == ReportStatus.DRAFT


def test_report_finalise_needs_the_frozen_final_version_and_stamps_its_hash(app):
    """Finalising needs the final version just frozen (not a draft version); its SHA-256 becomes the report's."""
    report = _report_in(ReportStatus.SENT)
    chair = make_user(Role.EXPERT)
    draft_version = freeze_version(report, chair)
    with pytest.raises(TransitionRefused):
        REPORT_WORKFLOW.apply(report, ReportAction.FINALISE, chair, system=True, version=draft_version)
    db.session.rollback()
    final_version = freeze_version(report, chair, final=True)
    REPORT_WORKFLOW.apply(report, ReportAction.FINALISE, chair, system=True, version=final_version)
    db.session.commit()
    assert (report.status, report.final_sha256, report.finalised_by_id) == (ReportStatus.FINAL,
                                                                            final_version.sha256, chair.id)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "panel_report.finalise")) is not None


# --- a panel member's clearance -------------------------------------------------------------------------------------

def _declaration(member, clears: bool) -> None:
    """The member's signed declaration: none declared (clears when nothing was detected), or one interest."""
    items = [] if clears else [DeclaredConflict(kind=ConflictKind.STUDY, details="Studied there in 2019.")]
    member.declaration = ConflictDeclaration(declares_none=clears, signed_name=member.user.full_name,
                                             signed_at=utcnow(), items=items)


def _member_in(state: MemberStatus):
    """A seat on a case in panel formation, put in `state` directly (a removed one with its reason)."""
    case = make_case(state=CaseState.PANEL_FORMATION)
    member = seat(case, PanelRole.ACADEMIC, status=state,
                  **({"removal_reason": "Moved abroad.", "removed_at": utcnow()}
                     if state == MemberStatus.REMOVED else {}))
    return member


def _member_actor(member, action):
    """Who takes the action: the seat's expert declares, an officer rules and removes."""
    if action in (MemberAction.DECLARE, MemberAction.DECLARE_CLEAR):
        return member.user
    return make_user(Role.OFFICER)


@pytest.mark.parametrize("action", list(MemberAction), ids=str)
@pytest.mark.parametrize("state", list(MemberStatus), ids=str)
def test_member_table_decides_every_state_action_pair(app, state, action):
    """A member moves by an action from its source states only; from any other state it is a 409 and no move."""
    member = _member_in(state)
    if member.declaration is None:
        _declaration(member, clears=action == MemberAction.DECLARE_CLEAR)
    db.session.commit()
    walk_step(MEMBER_WORKFLOW, member, action, _member_actor(member, action))


def test_member_declaration_decides_between_clear_and_conflicted(app):
    """A declaration of no interest with nothing detected clears (declare_clear only); any declared or detected
    interest leaves the member conflicted (declare only)."""
    clear = _member_in(MemberStatus.PROPOSED)
    _declaration(clear, clears=True)
    with pytest.raises(TransitionRefused):
        MEMBER_WORKFLOW.apply(clear, MemberAction.DECLARE, clear.user)
    MEMBER_WORKFLOW.apply(clear, MemberAction.DECLARE_CLEAR, clear.user)
    assert clear.status == MemberStatus.CLEARED
    detected = _member_in(MemberStatus.CONFLICTED)
    detected.detected_conflict = "A current affiliation."
    _declaration(detected, clears=True)
    with pytest.raises(TransitionRefused):
        MEMBER_WORKFLOW.apply(detected, MemberAction.DECLARE_CLEAR, detected.user)
    MEMBER_WORKFLOW.apply(detected, MemberAction.DECLARE, detected.user)
    assert detected.status == MemberStatus.CONFLICTED


def test_member_moves_only_in_panel_formation_and_only_by_their_people(app):
    """Every member move waits for panel formation (409); only the seat's expert declares and only officers rule
    (403); rulings and removals need a reason and stamp it."""
    member = _member_in(MemberStatus.CONFLICTED)
    _declaration(member, clears=False)
    officer = make_user(Role.OFFICER)
    with pytest.raises(ActionForbidden):
        MEMBER_WORKFLOW.apply(member, MemberAction.DECLARE, make_user(Role.EXPERT))
    with pytest.raises(ActionForbidden):
        MEMBER_WORKFLOW.apply(member, MemberAction.MITIGATE_CONFLICT, member.user, "I am fine.")
    with pytest.raises(TransitionRefused) as refused:
        MEMBER_WORKFLOW.apply(member, MemberAction.MITIGATE_CONFLICT, officer, " ")
    assert refused.value.field == "reason"
    member.case.state = CaseState.DESK_REVIEW
    with pytest.raises(TransitionRefused, match="panel formation"):
        MEMBER_WORKFLOW.apply(member, MemberAction.UPHOLD_CONFLICT, officer, "Too close.")
    member.case.state = CaseState.PANEL_FORMATION
    MEMBER_WORKFLOW.apply(member, MemberAction.UPHOLD_CONFLICT, officer, "Too close.")
    db.session.commit()
    assert (member.status, member.removal_reason, member.conflict_ruling_by_id) == (
        MemberStatus.REMOVED, "Too close.", officer.id)
    assert MEMBER_WORKFLOW.available(officer, member) == []


# --- the institution's objection --------------------------------------------------------------------------------

def _objection_in(ruling: ObjectionRuling) -> PanelObjection:
    """An objection to a cleared member of a case in panel formation, with `ruling` set directly."""
    case = make_case(state=CaseState.PANEL_FORMATION)
    member = seat(case, PanelRole.STUDENT)
    objection = PanelObjection(member=member, raised_by_id=hei_user_for(case).id, reasons="She studied here.",
                               ruling=ruling, ruling_reason="" if ruling == ObjectionRuling.PENDING else "Ruled.")
    db.session.add(objection)
    db.session.commit()
    return objection


@pytest.mark.parametrize("action", list(ObjectionAction), ids=str)
@pytest.mark.parametrize("state", list(ObjectionRuling), ids=str)
def test_objection_table_decides_every_state_action_pair(app, state, action):
    """An objection is ruled on once, from pending; any other ruling is a 409 and no move."""
    objection = _objection_in(state)
    officer = make_user(Role.OFFICER)
    if walk_step(OBJECTION_WORKFLOW, objection, action, officer):
        assert (objection.ruled_by_id, objection.ruling_reason) == (officer.id, "Reasons given.")


def test_objection_upheld_removes_the_member_through_the_members_workflow(app):
    """Upholding an objection takes the member off the panel as a move of their own, with the officer's reason;
    the institution may not rule on its own objection (403)."""
    objection = _objection_in(ObjectionRuling.PENDING)
    member = objection.member
    with pytest.raises(ActionForbidden):
        OBJECTION_WORKFLOW.apply(objection, ObjectionAction.UPHOLD, hei_user_for(member.case), "We insist.")
    OBJECTION_WORKFLOW.apply(objection, ObjectionAction.UPHOLD, make_user(Role.OFFICER), "Founded.")
    db.session.commit()
    assert (member.status, member.removal_reason) == (MemberStatus.REMOVED, "Founded.")
    assert state_changes(MEMBER_WORKFLOW, member) == 1
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"panel_objection.uphold", "panel_member.remove"} <= actions
