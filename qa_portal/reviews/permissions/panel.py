"""Panel-stage permissions. A panel member's access comes from their seat on the case and its clearance:
a proposed or conflicted member sees only their own declaration page, never the case's documents."""
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.permissions import is_hei_member, is_officer
from qa_portal.reviews.models import MemberStatus, PanelMember, PanelRole

__all__ = [
    "panel_seat", "is_cleared_member", "is_panel_chair",
    "can_manage_expert_pool", "can_edit_expert_profile", "can_view_expert_profile",
    "can_manage_panel", "can_view_panel", "can_sign_declaration", "can_declare_interests", "can_rule_on_member", "can_rule_on_objection",
    "can_object_to_member", "can_confirm_no_objection", "can_acknowledge_briefing", "can_acknowledge_field_warning",
    "can_score", "can_record_consensus", "can_view_scoring_summary",
    "can_view_site_visit", "can_edit_site_visit", "can_request_visit_skip",
    "can_edit_report", "can_view_report", "can_comment_on_report", "can_answer_factual_comments",
]


def panel_seat(user, case) -> PanelMember | None:
    """The user's seat on the case's panel (not removed), or None; memoised on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = user.__dict__.setdefault("_panel_seats", {})
    if case.id not in cache:
        cache[case.id] = db.session.scalar(select(PanelMember).where(
            PanelMember.case_id == case.id, PanelMember.user_id == user.id,
            PanelMember.status != MemberStatus.REMOVED))
    return cache[case.id]


def is_cleared_member(user, case) -> bool:
    """The user sits on the case's panel and their declaration is cleared."""
    seat = panel_seat(user, case)
    return seat is not None and seat.status == MemberStatus.CLEARED


def is_panel_chair(user, case) -> bool:
    """The user is the case's cleared panel chair."""
    seat = panel_seat(user, case)
    return seat is not None and seat.status == MemberStatus.CLEARED and seat.role == PanelRole.CHAIR


# --- expert pool -------------------------------------------------------------------------------------------

def can_manage_expert_pool(user) -> bool:
    """Officers keep the expert pool: create profiles, search it, see panel load."""
    return is_officer(user)


def can_edit_expert_profile(user, profile) -> bool:
    """Officers edit any expert profile; an expert edits their own."""
    return is_officer(user) or (getattr(user, "is_authenticated", False) and profile.user_id == user.id)


def can_view_expert_profile(user, profile) -> bool:
    """Whoever may edit a profile may read it."""
    return can_edit_expert_profile(user, profile)


# --- panel and conflicts of interest ------------------------------------------------------------------------

def can_manage_panel(user, case) -> bool:
    """Officers propose and remove members, rule on conflicts and objections."""
    return is_officer(user)


def can_view_panel(user, case) -> bool:
    """Officers, the case's institution (to object) and cleared members see the panel."""
    return is_officer(user) or is_hei_member(user, case.institution_id) or is_cleared_member(user, case)


def can_sign_declaration(user, member) -> bool:
    """The expert of the seat, and no one else, signs its declaration (whether it can still be signed is the
    member's workflow)."""
    return bool(getattr(user, "is_authenticated", False) and member.user_id == user.id)


def can_declare_interests(user, member) -> bool:
    """Only the proposed expert reaches their own declaration page for the case, while they hold the seat."""
    return can_sign_declaration(user, member) and member.status != MemberStatus.REMOVED


def can_rule_on_member(user, member) -> bool:
    """Officers rule on a member's conflict and take members off the panel."""
    return can_manage_panel(user, member.case)


def can_rule_on_objection(user, objection) -> bool:
    """Officers uphold or reject the institution's objection to a member."""
    return can_manage_panel(user, objection.member.case)


def can_object_to_member(user, member) -> bool:
    """The case's institution may object to a proposed member (the service checks the stage)."""
    return is_hei_member(user, member.case.institution_id)


def can_confirm_no_objection(user, case) -> bool:
    """The case's institution (its quality unit) confirms it has no objection to the proposed panel."""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.HEI)
                and is_hei_member(user, case.institution_id))


def can_acknowledge_briefing(user, member) -> bool:
    """Only the member of the seat acknowledges the case's briefing, while they hold the seat."""
    return can_declare_interests(user, member)


def can_acknowledge_field_warning(user, member) -> bool:
    """Officers acknowledge, with a reason, that an academic member's fields do not cover the micro-credential's."""
    return can_manage_panel(user, member.case)


# --- desk review --------------------------------------------------------------------------------------------

def can_score(user, case) -> bool:
    """A cleared member (not the secretary) judges the criteria."""
    seat = panel_seat(user, case)
    return seat is not None and seat.status == MemberStatus.CLEARED and seat.role != PanelRole.SECRETARY


def can_record_consensus(user, case) -> bool:
    """The chair records the panel's consensus judgement."""
    return is_panel_chair(user, case)


def can_view_scoring_summary(user, case) -> bool:
    """Officers and the chair see every member's levels side by side (others after submitting: service rule)."""
    return is_officer(user) or is_panel_chair(user, case)


# --- site visit ---------------------------------------------------------------------------------------------

def can_view_site_visit(user, case) -> bool:
    """Officers, cleared members and the institution see the visit (the institution sees the agenda only)."""
    return is_officer(user) or is_cleared_member(user, case) or is_hei_member(user, case.institution_id)


def can_edit_site_visit(user, case) -> bool:
    """Officers and the chair plan the visit; cleared members write session notes."""
    return is_officer(user) or is_cleared_member(user, case)


def can_request_visit_skip(user, case) -> bool:
    """The chair or an officer writes the justification for skipping the visit (an officer approves it)."""
    return is_officer(user) or is_panel_chair(user, case)


# --- panel report and factual-accuracy check ----------------------------------------------------------------

def can_edit_report(user, case) -> bool:
    """The chair (and the panel secretary) edit the report draft."""
    seat = panel_seat(user, case)
    return seat is not None and seat.status == MemberStatus.CLEARED and seat.role in (PanelRole.CHAIR,
                                                                                      PanelRole.SECRETARY)


def can_view_report(user, case) -> bool:
    """Officers and cleared members read the report; the institution once it is sent to it (service rule)."""
    return is_officer(user) or is_cleared_member(user, case) or is_hei_member(user, case.institution_id)


def can_comment_on_report(user, case) -> bool:
    """The institution's quality unit comments on the draft's factual accuracy."""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.HEI)
                and is_hei_member(user, case.institution_id))


def can_answer_factual_comments(user, case) -> bool:
    """The chair answers the institution's factual-accuracy comments."""
    return is_panel_chair(user, case)
