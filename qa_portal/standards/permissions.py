"""Who may draft, consult on, approve, withdraw and read standard-set versions."""
from sqlalchemy import Select, and_, or_, select

from qa_portal.auth.models import Role
from qa_portal.standards.models import PUBLISHED_STATUSES, StandardVersion, VersionStatus


def _is_officer(user) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.OFFICER))


def can_manage_standards(user) -> bool:
    """Only agency officers see the drafting pages, create sets and start new versions."""
    return _is_officer(user)


def can_edit_standard_version(user, version) -> bool:
    """Officers edit a version's content; the service refuses (409) when the version is frozen."""
    return _is_officer(user)


def can_open_consultation(user, version) -> bool:
    """Officers open the stakeholder consultation on a draft."""
    return _is_officer(user)


def can_approve_standard_version(user, version) -> bool:
    """Officers approve a version after its consultation."""
    return _is_officer(user)


def can_withdraw_standard_version(user, version) -> bool:
    """Officers withdraw a version, always with a reason."""
    return _is_officer(user)


def can_comment_on_standard_version(user, version) -> bool:
    """Any active signed-in user may take part in a consultation; the service checks it is open (409)."""
    return bool(user.is_authenticated and user.is_active)


def can_view_consultation(user, version) -> bool:
    """Signed-in users read a version while it is in consultation; officers read it at any stage."""
    if _is_officer(user):
        return True
    return bool(user.is_authenticated and version.status == VersionStatus.CONSULTATION)


def can_record_comment_on_behalf(user, version) -> bool:
    """Officers record a consultation comment received on paper, on behalf of a named organisation."""
    return _is_officer(user)


def can_answer_consultation_comment(user, comment) -> bool:
    """Officers answer stakeholders' consultation comments."""
    return _is_officer(user)


def _published_clause():
    return or_(
        StandardVersion.status.in_(PUBLISHED_STATUSES),
        and_(StandardVersion.status == VersionStatus.WITHDRAWN, StandardVersion.approved_at.is_not(None)),
    )


def published_standard_versions() -> Select:
    """Versions anyone may read: approved, superseded, and withdrawn after approval (never drafts)."""
    return select(StandardVersion).where(_published_clause())


def visible_standard_versions(user) -> Select:
    """Versions a user may read: officers all; signed-in users also those in consultation; anyone the published."""
    query = select(StandardVersion)
    if _is_officer(user):
        return query
    published = _published_clause()
    if user.is_authenticated:
        return query.where(or_(published, StandardVersion.status == VersionStatus.CONSULTATION))
    return query.where(published)
