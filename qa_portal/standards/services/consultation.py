"""Consultation: stakeholders' comments on a version in consultation, and the agency's answers."""
from typing import Callable

from flask_babel import gettext as _
from sqlalchemy import func, select

from qa_portal.audit.services import record
from qa_portal.auth.models import Role
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.standards.models import (
    CommentResponse, ConsultationComment, StakeholderType, Standard, StandardVersion, VersionStatus,
)
from qa_portal.standards.services.versions import _clean


class ConsultationClosed(DomainError):
    """The version is not in consultation, so it takes no comments or answers (HTTP 409)."""

    status_code = 409


def ensure_consultation_open(version: StandardVersion) -> None:
    """Refuse (409) any comment on a version that is not in consultation."""
    if version.status != VersionStatus.CONSULTATION:
        raise ConsultationClosed(_("Version %(number)s is not open for consultation, so it takes no comments.",
                                   number=version.number))


# Downstream packages add how they know a user's stakeholder type (reviews: an expert profile's type); each
# resolver answers a StakeholderType or None.
STAKEHOLDER_RESOLVERS: list[Callable[[object], StakeholderType | None]] = []


def account_stakeholder_type(user) -> StakeholderType:
    """The stakeholder type a user comments as, from their account: an institution's user is the HEI; else the
    first downstream resolver that knows (e.g. a student or employer expert); else other."""
    if user is not None and user.has_role(Role.HEI):
        return StakeholderType.HEI
    for resolver in STAKEHOLDER_RESOLVERS:
        if (found := resolver(user)) is not None:
            return StakeholderType(found)
    return StakeholderType.OTHER


def add_comment(actor, version: StandardVersion, standard: Standard | None, text: str, *,
                on_behalf_of: str = "", stakeholder_type: StakeholderType | str | None = None) -> ConsultationComment:
    """Record a comment on a version in consultation (on one of its standards, or the whole): the stakeholder type
    comes from the author's account; an officer records a comment received on paper on behalf of a named
    organisation, with its type."""
    ensure_consultation_open(version)
    on_behalf_of = _clean(on_behalf_of)
    if on_behalf_of:
        if not actor.has_role(Role.OFFICER):
            raise DomainError(_("Only officers record a comment on behalf of an organisation."), field="on_behalf_of")
        try:
            stakeholder_type = StakeholderType(stakeholder_type)
        except ValueError:
            raise DomainError(_("Choose the organisation's stakeholder type."), field="stakeholder_type") from None
    else:
        stakeholder_type = account_stakeholder_type(actor)
    if standard is not None and standard.version_id != version.id:
        raise DomainError(_("Choose a standard of this version."), field="standard")
    text = _clean(text)
    if not text:
        raise DomainError(_("Write your comment."), field="text")
    comment = ConsultationComment(version=version, standard=standard, author_id=getattr(actor, "id", None),
                                  stakeholder_type=stakeholder_type, on_behalf_of=on_behalf_of[:300], text=text)
    db.session.add(comment)
    db.session.flush()
    record(actor, "standards.comment.create", comment,
           f"Commented on {version.label}" + (f" standard {standard.code}" if standard else ""),
           {"stakeholder_type": comment.stakeholder_type.value, "standard": standard.code if standard else None,
            "on_behalf_of": on_behalf_of})
    return comment


def answer_comment(actor, comment: ConsultationComment, response: CommentResponse,
                   answer_text: str) -> ConsultationComment:
    """Record (or revise) the agency's answer to a comment while the consultation is open."""
    if comment.version.status != VersionStatus.CONSULTATION:
        raise ConsultationClosed(_("The consultation on version %(number)s is closed; its answers are final.",
                            number=comment.version.number))
    answer_text = _clean(answer_text)
    if not answer_text:
        raise DomainError(_("Write the answer to the comment."), field="answer_text")
    answered_by_id = getattr(actor, "id", None)  # read before assigning: loading it may autoflush
    comment.response, comment.answer_text = CommentResponse(response), answer_text
    comment.answered_by_id, comment.answered_at = answered_by_id, utcnow()
    db.session.flush()
    record(actor, "standards.comment.answer", comment, f"Answered comment {comment.id} on {comment.version.label}",
           {"response": comment.response.value, "answer_text": answer_text})
    return comment


def unanswered_comment_counts(version_ids: list[int]) -> dict[int, int]:
    """Per version id, how many consultation comments still wait for an answer (one query)."""
    if not version_ids:
        return {}
    rows = db.session.execute(
        select(ConsultationComment.version_id, func.count(ConsultationComment.id))
        .where(ConsultationComment.version_id.in_(version_ids), ConsultationComment.response.is_(None))
        .group_by(ConsultationComment.version_id)
    ).all()
    return {version_id: count for version_id, count in rows}
