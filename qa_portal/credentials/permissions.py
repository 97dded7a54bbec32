"""Who may register an institution's credential issuers and who sees DEQAR push states (labels and verification are
public)."""
from sqlalchemy import Select, false, select

from qa_portal.credentials.models import IssuerKey
from qa_portal.pilots.models import Institution
from qa_portal.pilots.permissions import is_hei_member, is_officer, member_institution_ids


def can_manage_issuer_keys(user, institution: Institution) -> bool:
    """Officers and the institution's own quality unit register and revoke its credential issuers."""
    return is_officer(user) or is_hei_member(user, institution.id)


def can_list_issuer_institutions(user) -> bool:
    """Officers and HEI users reach the credential-issuer pages (each institution's is checked again)."""
    return is_officer(user) or bool(member_institution_ids(user))


def visible_issuer_institutions(user) -> Select:
    """The institutions whose issuers the user may manage: all for officers, their own for HEI users."""
    query = select(Institution).order_by(Institution.name_en)
    if is_officer(user):
        return query
    ids = member_institution_ids(user)
    return query.where(Institution.id.in_(ids)) if ids else query.where(false())


def can_view_deqar_pushes(user) -> bool:
    """Officers see every decision's push state in DEQAR with DEQAR's messages."""
    return is_officer(user)


def visible_issuer_keys(user, institution: Institution) -> Select:
    """The institution's registered issuers, newest first, for those who may manage them (none otherwise)."""
    query = select(IssuerKey).where(IssuerKey.institution_id == institution.id).order_by(IssuerKey.id.desc())
    return query if can_manage_issuer_keys(user, institution) else query.where(false())
