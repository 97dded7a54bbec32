"""Opening review cases for selected pilot applications."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import Application, ApplicationStatus
from qa_portal.reviews.models import Case, CaseSpecification, CaseState


def next_case_reference(year: int) -> str:
    """The next free reference of the year: MC-<year>-001, MC-<year>-002, …"""
    prefix = f"MC-{year}-"
    count = db.session.scalar(select(func.count(Case.id)).where(Case.reference.like(f"{prefix}%")))
    return f"{prefix}{count + 1:03d}"


def open_case_for_application(actor, application: Application) -> Case:
    """Open the review case of a selected application, freezing its call's standard version and its specifications."""
    if application.status != ApplicationStatus.SUBMITTED:
        raise DomainError(_("Only a submitted application can open a review case."))
    existing = db.session.scalar(select(Case).where(Case.application_id == application.id))
    if existing is not None:
        return existing
    missing = [link for link in application.specification_links if link.specification_version_id is None]
    if missing or not application.specification_links:
        raise DomainError(_("The application's specification versions were not frozen at submission."))
    case = Case(
        reference=next_case_reference(utcnow().year),
        institution_id=application.institution_id,
        application_id=application.id,
        standard_version_id=application.call.standard_version_id,
        state=CaseState.SER_IN_PREPARATION,
    )
    case.specification_links = [
        CaseSpecification(specification_version_id=link.specification_version_id)
        for link in application.specification_links
    ]
    db.session.add(case)
    db.session.flush()
    record(actor, "case.open", case, f"Opened review case {case.reference} for application {application.id}",
           {"application_id": application.id, "institution_id": application.institution_id,
            "standard_version_id": case.standard_version_id,
            "specification_version_ids": [link.specification_version_id for link in case.specification_links]})
    return case
