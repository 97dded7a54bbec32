"""Applications to pilot calls: draft, edit, submit (freezing the specification versions), withdraw."""
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import (
    Application, ApplicationSpecification, ApplicationStatus, Call, CallStatus, Institution, MicroCredential,
)
from qa_portal.pilots.services import specifications as specification_services
from qa_portal.pilots.models.specification_rules import completeness


def _ensure_accepting(call: Call, doing: str) -> None:
    """Refuse unless the call is open and inside its opening and closing date-times."""
    now = utcnow()
    if call.status != CallStatus.OPEN:
        raise DomainError(_("This call is not open (it is %(status)s); you cannot %(doing)s.",
                            status=call.status.value.replace("_", " "), doing=doing))
    if now < call.opens_at:
        raise DomainError(_("This call opens on %(when)s UTC; you cannot %(doing)s yet.",
                            when=format_datetime(call.opens_at, "medium"), doing=doing))
    if now >= call.closes_at:
        raise DomainError(_("This call closed on %(when)s UTC; late applications are refused.",
                            when=format_datetime(call.closes_at, "medium")))


def _specifications(institution: Institution, specification_ids: list[int]) -> list[MicroCredential]:
    ids = list(dict.fromkeys(specification_ids or []))
    if not ids:
        raise DomainError(_("Choose at least one of your institution's micro-credential specifications."),
                          field="specification_ids")
    specs = db.session.scalars(select(MicroCredential).where(MicroCredential.id.in_(ids))).all()
    if len(specs) != len(ids) or any(spec.institution_id != institution.id for spec in specs):
        raise DomainError(_("You can only apply with your own institution's specifications."),
                          field="specification_ids")
    order = {spec_id: n for n, spec_id in enumerate(ids)}
    return sorted(specs, key=lambda spec: order[spec.id])


def _set_specifications(application: Application, specs: list[MicroCredential]) -> None:
    wanted = {spec.id for spec in specs}
    for link in list(application.specification_links):
        if link.specification_id not in wanted:
            application.specification_links.remove(link)
    present = {link.specification_id for link in application.specification_links}
    for spec in specs:
        if spec.id not in present:
            application.specification_links.append(ApplicationSpecification(specification_id=spec.id))


def create_application(actor, call: Call, institution: Institution, specification_ids: list[int],
                       motivation: str) -> Application:
    """Start a draft application of the institution to an open call (one active application per call)."""
    _ensure_accepting(call, _l("apply"))
    active = db.session.scalar(select(Application.id).where(
        Application.call_id == call.id, Application.institution_id == institution.id,
        Application.status != ApplicationStatus.WITHDRAWN,
    ))
    if active is not None:
        raise DomainError(_("Your institution already has an application to this call."))
    specs = _specifications(institution, specification_ids)
    application = Application(call=call, institution=institution, status=ApplicationStatus.DRAFT,
                              motivation=(motivation or "").strip(), created_by_id=getattr(actor, "id", None))
    db.session.add(application)
    _set_specifications(application, specs)
    db.session.flush()
    record(actor, "application.create", application,
           f"{institution.short_name} started an application to call {call.id}",
           {"call_id": call.id, "specification_ids": [spec.id for spec in specs]})
    return application


def update_application(actor, application: Application, specification_ids: list[int],
                       motivation: str) -> Application:
    """Change a draft application's specifications and motivation while the call accepts applications."""
    if application.status != ApplicationStatus.DRAFT:
        raise DomainError(_("Only a draft application can be edited; this one is %(status)s.",
                            status=application.status.value))
    _ensure_accepting(application.call, _l("edit the application"))
    specs = _specifications(application.institution, specification_ids)
    _set_specifications(application, specs)
    application.motivation = (motivation or "").strip()
    db.session.flush()
    record(actor, "application.update", application, f"Updated application {application.id}",
           {"specification_ids": [spec.id for spec in specs]})
    return application


def submit_application(actor, application: Application) -> Application:
    """Submit a draft: the call must accept it, the motivation be written and every specification be complete.

    Submitting freezes the specification versions used: later edits create new versions."""
    if application.status != ApplicationStatus.DRAFT:
        raise DomainError(_("This application is %(status)s; only a draft can be submitted.",
                            status=application.status.value))
    _ensure_accepting(application.call, _l("submit"))
    if not application.motivation.strip():
        raise DomainError(_("Write your motivation before submitting."), field="motivation")
    if not application.specification_links:
        raise DomainError(_("Choose at least one of your institution's micro-credential specifications."),
                          field="specification_ids")
    for link in application.specification_links:
        version = link.specification.latest_version
        percent, missing = completeness(version)
        if missing:
            raise DomainError(
                _("The specification “%(title)s” is incomplete (%(percent)d%%); complete it first. Missing: %(missing)s.",
                  title=version.title_en, percent=percent, missing=", ".join(missing)),
                field="specification_ids",
            )
    for link in application.specification_links:
        version = specification_services.freeze_specification_version(actor, link.specification.latest_version)
        link.specification_version_id = version.id
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = utcnow()
    application.submitted_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(actor, "application.submit", application, f"Submitted application {application.id}",
           {"specification_version_ids": [link.specification_version_id for link in application.specification_links]})
    return application


def withdraw_application(actor, application: Application, reason: str) -> Application:
    """Withdraw a draft or submitted application, with a reason, until the selection is complete."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for withdrawing."), field="reason")
    if application.status == ApplicationStatus.WITHDRAWN:
        raise DomainError(_("This application is already withdrawn."))
    if application.call.status == CallStatus.SELECTION_DONE:
        raise DomainError(_("The selection is complete; withdraw from the review case instead."))
    before = application.status
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = utcnow()
    application.withdrawal_reason = reason
    db.session.flush()
    record(actor, "application.withdraw", application, f"Withdrew application {application.id}",
           {"from": before.value, "reason": reason})
    return application
