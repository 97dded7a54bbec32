"""Who may lodge, rule on, decide and read appeals, and lodge, read and answer complaints (rules A1–A4). The
appeals body for a case is its appeals-role users who neither sat on its panel nor took part in its decision."""
from sqlalchemy import exists, or_, select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.permissions import is_hei_member, is_officer
from qa_portal.reviews.models import MemberStatus, PanelMember
from qa_portal.decisions.models import Appeal, Complaint, CouncilDeclaration, Decision

__all__ = ["took_part_in_case", "is_appeals_member", "can_lodge_case_appeal", "can_list_appeals", "can_view_appeal",
           "can_rule_on_admissibility", "can_decide_this_appeal", "can_lodge_complaint", "can_list_complaints",
           "can_view_complaint", "can_answer_complaint", "PREDICATES"]


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
    """Officers record admissibility once, on an appeal not yet ruled on."""
    return is_officer(user) and appeal.admissibility is None


def can_decide_this_appeal(user, appeal: Appeal) -> bool:
    """A2: members of the appeals body who sat neither on the case's panel nor in its decision decide it, once
    it is admissible and not yet decided."""
    return (is_appeals_member(user) and appeal.is_open and appeal.admissibility is not None
            and not took_part_in_case(user, appeal.case_id))


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
    """Officers answer an open complaint."""
    return is_officer(user) and complaint.status == "open"


PREDICATES = {name: globals()[name] for name in __all__ if name.startswith("can_")}
