"""Who may see and act on pilot calls, applications, scores and selection decisions."""
from sqlalchemy import Select, false, select

from qa_portal.auth.models import Role
from qa_portal.pilots.models import Application, ApplicationStatus, Call, CallStatus
from qa_portal.pilots.permissions.institutions import is_hei_member, is_officer, member_institution_ids


def can_manage_calls(user) -> bool:
    """Officers create, edit, open and close pilot calls."""
    return is_officer(user)


def can_open_call(user, call: Call) -> bool:
    """Officers open a call (the call workflow decides whether it can open now)."""
    return is_officer(user)


def can_close_call(user, call: Call) -> bool:
    """Officers close a call (the call workflow decides whether it can close now)."""
    return is_officer(user)


def can_list_calls(user) -> bool:
    """Officers and HEI quality units see the list of calls."""
    return is_officer(user) or (user.is_authenticated and user.has_role(Role.HEI))


def can_view_call(user, call: Call) -> bool:
    """Officers see every call; HEI users every call that is no longer a draft."""
    if is_officer(user):
        return True
    return user.is_authenticated and user.has_role(Role.HEI) and call.status != CallStatus.DRAFT


def can_edit_call(user, call: Call) -> bool:
    """Officers edit a call while it is a draft."""
    return is_officer(user) and call.status == CallStatus.DRAFT


def can_apply_to_call(user, call: Call) -> bool:
    """HEI users with an institution apply to an open call."""
    return (user.is_authenticated and user.has_role(Role.HEI) and bool(member_institution_ids(user))
            and call.status == CallStatus.OPEN)


def can_view_application(user, application: Application) -> bool:
    """Officers see every application; HEI users only their own institution's."""
    return is_officer(user) or is_hei_member(user, application.institution_id)


def can_list_own_applications(user) -> bool:
    """HEI users list their institution's applications."""
    return user.is_authenticated and user.has_role(Role.HEI) and bool(member_institution_ids(user))


def can_edit_application(user, application: Application) -> bool:
    """The institution's HEI users edit a draft application while its call is open."""
    return (is_hei_member(user, application.institution_id) and application.status == ApplicationStatus.DRAFT
            and application.call.status == CallStatus.OPEN)


def can_submit_application(user, application: Application) -> bool:
    """The institution's HEI users submit its application (the application workflow decides whether it can now)."""
    return is_hei_member(user, application.institution_id)


def can_withdraw_application(user, application: Application) -> bool:
    """The institution's HEI users withdraw its application (the workflow: a draft or submitted one, until the
    selection is complete)."""
    return is_hei_member(user, application.institution_id)


def can_view_selection(user, call: Call) -> bool:
    """Officers see the scores and ranking of a call's applications once it is closed."""
    return is_officer(user) and call.status in (CallStatus.CLOSED, CallStatus.SELECTION_DONE)


def can_score_application(user, application: Application) -> bool:
    """Officers score submitted applications of a closed call (before selection is complete)."""
    return (is_officer(user) and application.status == ApplicationStatus.SUBMITTED
            and application.call.status == CallStatus.CLOSED)


def can_decide_selection(user, application: Application) -> bool:
    """Officers mark a submitted application of a closed call selected, reserve or not selected."""
    return can_score_application(user, application)


def can_complete_selection(user, call: Call) -> bool:
    """Officers complete the selection of a call (the call workflow: once closed and every application decided)."""
    return is_officer(user)


def visible_calls(user) -> Select:
    """Calls the user may see: all for officers, non-drafts for HEI users, none otherwise."""
    query = select(Call).order_by(Call.closes_at.desc(), Call.id.desc())
    if is_officer(user):
        return query
    if user.is_authenticated and user.has_role(Role.HEI):
        return query.where(Call.status != CallStatus.DRAFT)
    return query.where(false())


def visible_applications(user) -> Select:
    """Applications the user may see: all for officers, their institutions' for HEI users."""
    query = select(Application).order_by(Application.id.desc())
    if is_officer(user):
        return query
    if user.is_authenticated and user.has_role(Role.HEI):
        return query.where(Application.institution_id.in_(member_institution_ids(user)))
    return query.where(false())
