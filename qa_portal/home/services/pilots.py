"""My work for HEI users: their institution's specifications that are not yet complete."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.home.services.work import PROVIDERS, WorkItem
from qa_portal.pilots.models import MicroCredential, SpecificationVersion
from qa_portal.pilots.permissions.specifications import visible_specifications
from qa_portal.pilots.models.specification_rules import completeness


def incomplete_specifications(user) -> list[WorkItem]:
    """HEI users see each of their institution's specifications below 100% completeness, with what is missing."""
    credentials = db.session.scalars(
        visible_specifications(user).options(
            selectinload(MicroCredential.versions).selectinload(SpecificationVersion.outcomes)
        ).order_by(MicroCredential.id)
    ).all()
    items = []
    for credential in credentials:
        version = credential.latest_version
        percent, missing = completeness(version)
        if missing:
            items.append(WorkItem(
                title=version.title_en,
                url=url_for("pilots.specification_detail", credential_id=credential.id),
                detail=_("%(percent)s%% complete — missing: %(missing)s", percent=percent, missing=", ".join(missing)),
            ))
    return items


PROVIDERS[(Role.HEI, "specifications")] = incomplete_specifications
