"""Who records offerings, locks periods, sees the dashboard and answers a feedback survey."""
from sqlalchemy import Select, false, select

from qa_portal.auth.models import Role
from qa_portal.monitoring.models import Offering, SurveyInvitation
from qa_portal.pilots.permissions import is_hei_member, is_officer, member_institution_ids


def can_record_offerings(user, institution_id: int) -> bool:
    """The institution's quality unit records its offerings; officers may correct them."""
    return is_officer(user) or is_hei_member(user, institution_id)


def can_list_offerings(user) -> bool:
    """Officers and HEI users with an institution have an offerings page."""
    return is_officer(user) or (user.is_authenticated and user.has_role(Role.HEI) and bool(member_institution_ids(user)))


def can_edit_offering(user, offering: Offering) -> bool:
    """An offering is edited by those who record its institution's offerings (the service refuses locked years)."""
    return can_record_offerings(user, offering.institution_id)


def can_lock_periods(user) -> bool:
    """Officers lock and unlock reporting years."""
    return is_officer(user)


def can_view_dashboard(user) -> bool:
    """Officers, the council and admins see the aggregate dashboard (never an individual survey answer)."""
    return user.is_authenticated and user.has_role(Role.OFFICER, Role.COUNCIL, Role.ADMIN)


def can_read_survey_comments(user) -> bool:
    """Officers read the anonymous free-text comments of the surveys; the council sees only aggregates."""
    return is_officer(user)


def can_answer_survey(user, invitation: SurveyInvitation) -> bool:
    """Only the invited person answers, once."""
    return user.is_authenticated and invitation.user_id == user.id and invitation.answered_at is None


def visible_offerings(user) -> Select:
    """The offerings the user may see: all for officers, their institutions' for HEI users."""
    query = select(Offering).order_by(Offering.starts_on.desc(), Offering.id.desc())
    if is_officer(user):
        return query
    if user.is_authenticated and user.has_role(Role.HEI):
        return query.where(Offering.institution_id.in_(member_institution_ids(user)))
    return query.where(false())


def can_list_surveys(user) -> bool:
    """Every signed-in user has a list of their own pending feedback surveys (usually empty)."""
    return user.is_authenticated


def can_write_consensus_summary(user) -> bool:
    """Officers write an approved version's consensus summary."""
    return is_officer(user)
