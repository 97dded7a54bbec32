"""Who may see a review case and act on it: access comes from relationships (the case's institution), not roles alone."""
from sqlalchemy import Select, false, select

from qa_portal.auth.models import Role
from qa_portal.pilots.permissions import is_hei_member, is_officer, member_institution_ids
from qa_portal.reviews.models import Case, MemberStatus, PanelMember
from qa_portal.reviews.permissions.panel import is_cleared_member, is_panel_chair


def _of_institution(user, case) -> bool:
    return is_hei_member(user, case.institution_id)


def can_list_cases(user) -> bool:
    """Officers, HEI users and experts have a case list (each sees only the cases they may open)."""
    return is_officer(user) or bool(user.is_authenticated and (
        (user.has_role(Role.HEI) and member_institution_ids(user)) or user.has_role(Role.EXPERT)))


def can_view_case(user, case) -> bool:
    """Officers see every case; HEI users their own institution's; panel members once their declaration is
    cleared (a proposed or conflicted member sees only their own declaration page)."""
    return is_officer(user) or _of_institution(user, case) or is_cleared_member(user, case)


def can_coordinate_case(user, case) -> bool:
    """Officers run a case's later stages (panel, visit, report, publication) and assign its coordinator."""
    return is_officer(user)


def can_lead_panel_stage(user, case) -> bool:
    """Officers and the panel chair move the review through the visit and the report."""
    return is_officer(user) or is_panel_chair(user, case)


def can_view_ser(user, case) -> bool:
    """Whoever may see the case reads its self-evaluation and evidence list."""
    return can_view_case(user, case)


def can_edit_ser(user, case) -> bool:
    """The institution's quality unit writes the SER and uploads evidence (the service refuses once locked)."""
    return _of_institution(user, case)


def can_submit_ser(user, case) -> bool:
    """The institution's quality unit submits its SER."""
    return _of_institution(user, case)


def can_screen_ser(user, case) -> bool:
    """Officers screen a submitted SER: accept it for panel review or return it with reasons."""
    return is_officer(user)


def can_download_evidence(user, evidence) -> bool:
    """Evidence files are downloadable by whoever may read the case's SER."""
    return can_view_ser(user, evidence.case)


def can_withdraw_case(user, case) -> bool:
    """The institution withdraws its own case (with a reason) before a decision."""
    return _of_institution(user, case)


def visible_cases(user) -> Select:
    """The cases a user may see: all for officers, their institution's for HEI users, the cases whose panel
    they sit on (cleared) for experts, none otherwise."""
    query = select(Case)
    if is_officer(user):
        return query
    if not user.is_authenticated:
        return query.where(false())
    condition = false()
    if user.has_role(Role.HEI):
        condition = condition | Case.institution_id.in_(member_institution_ids(user))
    cleared_seats = select(PanelMember.case_id).where(
        PanelMember.user_id == user.id, PanelMember.status == MemberStatus.CLEARED)
    return query.where(condition | Case.id.in_(cleared_seats))
