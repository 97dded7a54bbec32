"""Who may declare, decide, publish and read decisions, administer outcome schemes, report on and verify conditions,
lodge, rule on, decide and read appeals, and lodge, read and answer complaints (rules A1–A4); the public register
needs no permission (published only). The appeals body for a case is its appeals-role users who neither sat on its
panel nor took part in its decision."""
from sqlalchemy import exists, or_, select

from qa_portal.auth.models import Role
from qa_portal.decisions.models import Appeal, Complaint, CouncilDeclaration, Decision
from qa_portal.extensions import db
from qa_portal.pilots.permissions import is_hei_member, is_officer
from qa_portal.reviews.models import CaseState, MemberStatus, PanelMember

__all__ = ["is_council_member", "can_list_council_cases", "can_view_case_decision", "can_declare_council_interests",
           "can_decide_on_case", "can_record_decision", "can_publish_decisions", "can_manage_outcome_schemes",
           "can_view_outcome_schemes",
           "can_report_conditions", "can_verify_conditions",
           "took_part_in_case", "is_appeals_member", "can_lodge_case_appeal", "can_list_appeals", "can_view_appeal",
           "can_rule_on_admissibility", "can_decide_appeals", "can_decide_this_appeal", "can_lodge_complaint",
           "can_list_complaints",
           "can_view_complaint", "can_answer_complaint", "can_view_meetings", "can_schedule_meetings",
           "attends_meeting", "can_take_part_in_meeting"]


# --- the council, publication and outcome schemes ------------------------------------------------------------

def is_council_member(user) -> bool:
    """A signed-in member of the decision council."""
    return bool(user.is_authenticated and user.has_role(Role.COUNCIL))


def can_list_council_cases(user) -> bool:
    """Council members and officers see the cases awaiting a decision."""
    return is_council_member(user) or is_officer(user)


def can_view_case_decision(user, case) -> bool:
    """Council members and officers read a case's decision page (with its final report); the institution's
    users read it once a decision is recorded."""
    if is_council_member(user) or is_officer(user):
        return True
    return case.state != CaseState.DECISION_PENDING and is_hei_member(user, case.institution_id)


def can_declare_council_interests(user, case) -> bool:
    """Council members declare their interests on a case while it awaits its decision."""
    return is_council_member(user) and case.state == CaseState.DECISION_PENDING


def can_decide_on_case(user, case) -> bool:
    """Council members open the decision form while the case awaits its decision (the rules say who may sign)."""
    return is_council_member(user) and case.state == CaseState.DECISION_PENDING


def can_record_decision(user, case) -> bool:
    """Council members record a case's decision (who of them may sign it is rule D5/P6: rules.council_problems)."""
    return is_council_member(user)


def can_publish_decisions(user) -> bool:
    """Officers publish decided cases."""
    return is_officer(user)



def can_manage_outcome_schemes(user) -> bool:
    """Administrators create, edit, reorder and copy outcome schemes."""
    return bool(user.is_authenticated and user.has_role(Role.ADMIN))


def can_view_outcome_schemes(user) -> bool:
    """Administrators and officers read the outcome schemes and what uses them."""
    return can_manage_outcome_schemes(user) or is_officer(user)


# --- follow-up of conditions --------------------------------------------------------------------------------

def can_report_conditions(user, case) -> bool:
    """The institution's users report on conditions while the case is in follow-up."""
    return case.state == CaseState.FOLLOW_UP and is_hei_member(user, case.institution_id)


def can_verify_conditions(user, case) -> bool:
    """Officers verify conditions while the case is in follow-up."""
    return case.state == CaseState.FOLLOW_UP and is_officer(user)


# --- appeals (A1–A3) and complaints (A4) ------------------------------------------------------------------------

def took_part_in_case(user, case_id: int) -> bool:
    """A2: the user sat on the case's panel (not removed) or took part in a council decision on it (signed one
    or declared on it)."""
    on_panel = exists().where(PanelMember.case_id == case_id, PanelMember.user_id == user.id,
                              PanelMember.status != MemberStatus.REMOVED)
    decided = exists().where(Decision.case_id == case_id, Decision.decided_by_id == user.id)
    declared = exists().where(CouncilDeclaration.case_id == case_id, CouncilDeclaration.user_id == user.id)
    return bool(db.session.scalar(select(or_(on_panel, decided, declared))))


def is_appeals_member(user) -> bool:
    """A signed-in member of the appeals body (any case)."""
    return bool(user.is_authenticated and user.has_role(Role.APPEALS))


def can_lodge_case_appeal(user, case) -> bool:
    """A1: the institution's users appeal against their own case's decision."""
    return bool(user.is_authenticated and is_hei_member(user, case.institution_id))


def can_list_appeals(user) -> bool:
    """Officers and the appeals body see the list of appeals."""
    return is_officer(user) or is_appeals_member(user)


def can_view_appeal(user, appeal: Appeal) -> bool:
    """Officers, the appeals body for the case, and the appealing institution read an appeal and its documents."""
    if is_officer(user) or can_lodge_case_appeal(user, appeal.case):
        return True
    return is_appeals_member(user) and not took_part_in_case(user, appeal.case_id)


def can_rule_on_admissibility(user, appeal: Appeal) -> bool:
    """Officers record whether an appeal is admissible (once, while it is lodged: the appeal's workflow)."""
    return is_officer(user)


def can_decide_appeals(user, case) -> bool:
    """Members of the appeals body move a case on an appeal's decision (A2's independence is checked on the appeal:
    can_decide_this_appeal, and the workflow's guard re-checks who decided)."""
    return is_appeals_member(user)


def can_decide_this_appeal(user, appeal: Appeal) -> bool:
    """A2: members of the appeals body who sat neither on the case's panel nor in its decision decide it (once it
    is admissible and not yet decided: the appeal's workflow)."""
    return is_appeals_member(user) and not took_part_in_case(user, appeal.case_id)


def can_lodge_complaint(user) -> bool:
    """A4: any signed-in user lodges a complaint about the conduct of a process."""
    return bool(user.is_authenticated)


def can_list_complaints(user) -> bool:
    """Officers see every complaint."""
    return is_officer(user)


def can_view_complaint(user, complaint: Complaint) -> bool:
    """Officers and the complainant read a complaint and its answer."""
    return is_officer(user) or (user.is_authenticated and complaint.lodged_by_id == user.id)


def can_answer_complaint(user, complaint: Complaint) -> bool:
    """Officers answer complaints (an open one, once: the complaint's workflow)."""
    return is_officer(user)


# --- council meetings (the council decides as a body) ------------------------------------------------------------

def can_view_meetings(user) -> bool:
    """Council members and officers read the council's meetings, their votes and minutes."""
    return is_council_member(user) or is_officer(user)


def can_schedule_meetings(user) -> bool:
    """Officers (the council's secretariat) and council members schedule a meeting with its agenda and attendance."""
    return is_council_member(user) or is_officer(user)


def attends_meeting(user, meeting) -> bool:
    """The user is a council member recorded present at the meeting."""
    return is_council_member(user) and any(attendance.user_id == user.id for attendance in meeting.attendances)


def can_take_part_in_meeting(user, meeting) -> bool:
    """Present council members propose, vote and record the outcome (the rules say who of them, per case: declared,
    not recused, not on the case's panel)."""
    return attends_meeting(user, meeting)
