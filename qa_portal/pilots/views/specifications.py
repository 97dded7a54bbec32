"""Specification pages for HEI users and officers: list, write, read any version, publish, withdraw."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_portal.core.access import login_required, require
from qa_portal.core.confirm import Confirmation
from qa_portal.core.versioning import EditConflict
from qa_portal.core.forms import ButtonForm, form_page, run_service
from qa_portal.core.input_checks import parse_id
from qa_portal.core.pagination import paginate_ids_first
from qa_portal.extensions import db
from qa_portal.pilots.forms.specifications import SpecificationForm, WithdrawForm
from qa_portal.pilots.models import Institution, MicroCredential, SpecificationAction, SpecificationVersion
from qa_portal.pilots.permissions import (
    can_create_specification, can_edit_specification, can_list_specifications, can_view_specification,
    visible_institutions, visible_specifications,
)
from qa_portal.pilots.services import specifications as services
from qa_portal.pilots.models.specification_rules import completeness, specification_warnings
from qa_portal.pilots.views import bp
from qa_portal.pilots.services.qa_status import with_public_status
from qa_portal.pilots.workflow import SPECIFICATION_WORKFLOW
from qa_portal.pilots.views.display import element_context


SPECIFICATION_PAGE_SIZE = 50


def _load_credential(credential_id: int) -> MicroCredential:
    credential = db.session.scalar(
        select(MicroCredential).where(MicroCredential.id == credential_id).options(
            selectinload(MicroCredential.institution),
            selectinload(MicroCredential.versions).selectinload(SpecificationVersion.outcomes),
            with_public_status(),
        )
    )
    if credential is None:
        abort(404)
    return credential


def _version(credential: MicroCredential, number: int) -> SpecificationVersion:
    for version in credential.versions:
        if version.number == number:
            return version
    abort(404)


def _credential_url(credential_id: int) -> str:
    return url_for("pilots.specification_detail", credential_id=credential_id)


@bp.route("/specifications")
@login_required
def specification_list():
    require(can_list_specifications(current_user))
    page = paginate_ids_first(
        visible_specifications(current_user).order_by(MicroCredential.institution_id, MicroCredential.id),
        MicroCredential, SPECIFICATION_PAGE_SIZE, selectinload(MicroCredential.institution),
        selectinload(MicroCredential.versions).selectinload(SpecificationVersion.outcomes))
    rows = [(credential, credential.latest_version, completeness(credential.latest_version))
            for credential in page.items]
    return render_template("pilots/specification_list.html", rows=rows, page=page,
                           can_create=can_create_specification(current_user), **element_context())


def _institutions_for_form():
    return db.session.scalars(visible_institutions(current_user)).all()


@bp.route("/specifications/new", methods=["GET", "POST"])
@login_required
def specification_new():
    require(can_create_specification(current_user))
    institutions = _institutions_for_form()
    form = SpecificationForm(institutions=institutions)
    if request.method == "GET":
        form.add_blank_outcomes()

    def create():
        institution_id = parse_id(form.institution_id.data)
        institution = db.session.get(Institution, institution_id) if institution_id else None
        require(institution is not None and institution in institutions)
        return services.create_specification(current_user, institution, form.specification_data())

    return form_page(form, create, "pilots/specification_form.html", _("Specification saved as a draft (version 1)."),
                     lambda version: _credential_url(version.micro_credential_id), credential=None, latest=None)


@bp.route("/specifications/<int:credential_id>/edit", methods=["GET", "POST"])
@login_required
def specification_edit(credential_id: int):
    credential = _load_credential(credential_id)
    require(can_edit_specification(current_user, credential))
    latest = credential.latest_version
    form = SpecificationForm()
    if request.method == "GET":
        form.fill_from(services.version_content(latest))
        form.add_blank_outcomes()
        form.base.data = services.specification_base(latest)
    run = run_service(form, lambda: services.update_specification(current_user, credential, form.specification_data(),
                                                                  form.base.data or None))
    if not run.ok:
        conflict = run.error.current if isinstance(run.error, EditConflict) else None
        if conflict is not None:  # saving again replaces the saved version, knowingly
            form.base.data = services.specification_base(conflict)
        return render_template("pilots/specification_form.html", form=form, credential=credential,
                               latest=latest, conflict=conflict, conflict_fields=_differing_texts(conflict, form)
                               ), run.status
    if run.result.number != latest.number:
        flash(_("Saved as version %(new)s; version %(old)s stays as it was.", new=run.result.number,
                old=latest.number), "success")
    else:
        flash(_("Specification saved."), "success")
    return redirect(_credential_url(credential.id))


SPECIFICATION_TEXTS = ("title_en", "title_hy", "short_description", "assessment_details", "grading_scale",
                       "prerequisites", "qa_type", "further_learning")


def _differing_texts(conflict, form) -> list[str]:
    """The text fields in which the saved version and the user's typing differ (shown side by side)."""
    if conflict is None:
        return []
    return [name for name in SPECIFICATION_TEXTS
            if (getattr(conflict, name) or "").strip() != (form[name].data or "").strip()]


def _render_version(credential: MicroCredential, version: SpecificationVersion, status: int = 200,
                    withdraw_form: WithdrawForm | None = None, publish_form: ButtonForm | None = None):
    percent, missing = completeness(version)
    return render_template(
        "pilots/specification_detail.html", credential=credential, version=version, percent=percent,
        missing=missing, warnings=specification_warnings(version), publish_form=publish_form or ButtonForm(),
        withdraw_form=withdraw_form or WithdrawForm(), can_edit=can_edit_specification(current_user, credential),
        **element_context(),
    ), status


@bp.route("/specifications/<int:credential_id>")
@login_required
def specification_detail(credential_id: int):
    credential = _load_credential(credential_id)
    require(can_view_specification(current_user, credential))
    return _render_version(credential, credential.latest_version)


@bp.route("/specifications/<int:credential_id>/v<int:number>")
@login_required
def specification_version(credential_id: int, number: int):
    credential = _load_credential(credential_id)
    require(can_view_specification(current_user, credential))
    return _render_version(credential, _version(credential, number))


@bp.route("/specifications/<int:credential_id>/v<int:number>/publish", methods=["POST"])
@login_required
def specification_publish(credential_id: int, number: int):
    credential = _load_credential(credential_id)
    require(can_edit_specification(current_user, credential))
    version = _version(credential, number)
    form = ButtonForm()
    confirm = Confirmation(_("Publish version %(number)s", number=version.number),
                           SPECIFICATION_WORKFLOW.transition(SpecificationAction.PUBLISH).confirm,
                           _credential_url(credential.id))
    asks = SPECIFICATION_WORKFLOW.asks_first(current_user, version, SpecificationAction.PUBLISH)
    run = run_service(form, lambda: services.publish_specification_version(current_user, version),
                      confirm=confirm if asks else None)
    if not run.ok:
        return _render_version(_load_credential(credential_id), version, run.status, publish_form=form)
    flash(_("Version %(number)s is published in the public catalogue.", number=version.number), "success")
    return redirect(_credential_url(credential.id))


@bp.route("/specifications/<int:credential_id>/withdraw", methods=["POST"])
@login_required
def specification_withdraw(credential_id: int):
    credential = _load_credential(credential_id)
    require(can_edit_specification(current_user, credential))
    form = WithdrawForm()
    confirm = Confirmation(_("Withdraw the micro-credential"),
                           SPECIFICATION_WORKFLOW.transition(SpecificationAction.WITHDRAW).confirm,
                           _credential_url(credential.id)) if (form.reason.data or "").strip() else None
    run = run_service(form, lambda: services.withdraw_specification(current_user, credential, form.reason.data),
                      confirm=confirm)
    if not run.ok:
        credential = _load_credential(credential_id)
        return _render_version(credential, credential.latest_version, run.status, withdraw_form=form)
    flash(_("The micro-credential is withdrawn; its published versions stay readable, marked withdrawn."), "success")
    return redirect(_credential_url(credential.id))
