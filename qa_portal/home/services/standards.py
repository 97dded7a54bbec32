"""My work for officers: standard-set versions in draft or consultation, with unanswered comment counts."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.home.services.work import PROVIDERS, WorkItem
from qa_portal.standards.models import StandardVersion, VersionStatus
from qa_portal.standards.permissions import visible_standard_versions
from qa_portal.standards.services import unanswered_comment_counts
from qa_portal.standards.workflow import STATUS_LABELS


def open_standard_versions(user) -> list[WorkItem]:
    """Officers see every version still being drafted or consulted on, and how many comments wait for them."""
    versions = db.session.scalars(
        visible_standard_versions(user)
        .where(StandardVersion.status.in_([VersionStatus.DRAFT, VersionStatus.CONSULTATION]))
        .options(selectinload(StandardVersion.standard_set)).order_by(StandardVersion.id)
    ).all()
    unanswered = unanswered_comment_counts([version.id for version in versions])
    items = []
    for version in versions:
        detail = str(STATUS_LABELS[version.status])
        if unanswered.get(version.id):
            detail += " · " + _("%(count)s comments to answer", count=unanswered[version.id])
        items.append(WorkItem(title=f"{version.standard_set.title} — v{version.number}",
                              url=url_for("standards.version_detail", version_id=version.id), detail=detail))
    return items


PROVIDERS[(Role.OFFICER, "standards")] = open_standard_versions
