"""Applications to pilot calls: draft, edit, submit (freezing the specification versions), withdraw."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.extensions import db
from qa_portal.pilots.models import (
    Application, ApplicationAction, ApplicationSpecification, ApplicationStatus, Call, Institution, MicroCredential,
)
from qa_portal.pilots.workflow import APPLICATION_WORKFLOW, ensure_call_accepts


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
    ensure_call_accepts(call, _l("apply"))
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
    ensure_call_accepts(application.call, _l("edit the application"))
    specs = _specifications(application.institution, specification_ids)
    _set_specifications(application, specs)
    application.motivation = (motivation or "").strip()
    db.session.flush()
    record(actor, "application.update", application, f"Updated application {application.id}",
           {"specification_ids": [spec.id for spec in specs]})
    return application


def submit_application(actor, application: Application) -> Application:
    """Submit a draft through its workflow: the call must accept it, the motivation be written and every
    specification be complete. Submitting freezes the specification versions used: later edits create new versions."""
    APPLICATION_WORKFLOW.apply(application, ApplicationAction.SUBMIT, actor)
    return application


def withdraw_application(actor, application: Application, reason: str) -> Application:
    """Withdraw a draft or submitted application, with a reason, until the selection is complete."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for withdrawing."), field="reason")
    APPLICATION_WORKFLOW.apply(application, ApplicationAction.WITHDRAW, actor, reason)
    return application
