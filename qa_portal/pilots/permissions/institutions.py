"""Who may see and manage institutions and their HEI members."""
from sqlalchemy import Select, false, select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, InstitutionMembership


def member_institution_ids(user) -> frozenset[int]:
    """The institutions whose quality unit the user belongs to (cached on the user object for the request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = user.__dict__.get("_pilots_member_institution_ids")
    if cached is None:
        cached = frozenset(db.session.scalars(
            select(InstitutionMembership.institution_id).where(InstitutionMembership.user_id == user.id)
        ))
        user.__dict__["_pilots_member_institution_ids"] = cached
    return cached


def is_officer(user) -> bool:
    """True for a signed-in QA officer."""
    return user.is_authenticated and user.has_role(Role.OFFICER)


def is_hei_member(user, institution_id: int) -> bool:
    """True for a signed-in HEI user who belongs to this institution's quality unit."""
    return user.is_authenticated and user.has_role(Role.HEI) and institution_id in member_institution_ids(user)


def can_manage_institutions(user) -> bool:
    """Officers list, create and edit institutions and link HEI users to them."""
    return is_officer(user)


def can_view_institution(user, institution: Institution) -> bool:
    """Officers see every institution; HEI users see their own."""
    return is_officer(user) or is_hei_member(user, institution.id)


def can_view_own_institution(user) -> bool:
    """HEI users who belong to an institution have a "My institution" page."""
    return user.is_authenticated and user.has_role(Role.HEI) and bool(member_institution_ids(user))


def visible_institutions(user) -> Select:
    """The institutions the user may see: all for officers, their own for HEI users."""
    query = select(Institution).order_by(Institution.short_name)
    if is_officer(user):
        return query
    if user.is_authenticated and user.has_role(Role.HEI):
        return query.where(Institution.id.in_(member_institution_ids(user)))
    return query.where(false())
