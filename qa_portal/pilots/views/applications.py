"""Applications: HEI users apply to an open call, edit the draft, submit it, or withdraw it."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_portal.core.access import login_required, require
from qa_portal.core.errors import DomainError
from qa_portal.core.forms import attach_error
from qa_portal.extensions import db
from qa_portal.pilots.forms.calls import (
    APPLICATION_STATUS_LABELS, SELECTION_OUTCOME_LABELS, ApplicationForm, WithdrawForm,
)
from qa_portal.pilots.models import Application, Call, CallStatus, Institution, MicroCredential, SpecificationVersion
from qa_portal.pilots.permissions.calls import (
    can_apply_to_call, can_edit_application, can_list_own_applications, can_view_application,
    can_withdraw_application, visible_applications,
)
from qa_portal.pilots.permissions.institutions import is_officer, member_institution_ids
from qa_portal.pilots.services import applications as services
from qa_portal.pilots.models.specification_rules import completeness
from qa_portal.pilots.views import bp


def _load_application(application_id: int) -> Application:
    return db.get_or_404(Application, application_id)


def _applicant_institution() -> Institution:
    """The institution the signed-in HEI user applies for (their first membership)."""
    return db.session.get(Institution, min(member_institution_ids(current_user)))


def _institution_specifications(institution_id: int) -> list[MicroCredential]:
    return db.session.scalars(
        select(MicroCredential).where(MicroCredential.institution_id == institution_id).order_by(MicroCredential.id)
        .options(selectinload(MicroCredential.versions).selectinload(SpecificationVersion.outcomes))
    ).all()


def _completeness_by_spec(specs) -> dict[int, object]:
    return {spec.id: completeness(spec.latest_version) for spec in specs}


def _render_form(form, call, application, institution, status=200):
    specs = _institution_specifications(institution.id)
    form.set_choices(specs)
    return render_template("pilots/application_form.html", form=form, call=call, application=application,
                           institution=institution, specifications=specs,
                           completeness=_completeness_by_spec(specs)), status


@bp.route("/calls/<int:call_id>/apply", methods=["GET", "POST"])
@login_required
def application_new(call_id: int):
    call = db.get_or_404(Call, call_id)
    require(can_apply_to_call(current_user, call))
    institution = _applicant_institution()
    form = ApplicationForm()
    form.set_choices(_institution_specifications(institution.id))
    if form.validate_on_submit():
        try:
            application = services.create_application(current_user, call, institution,
                                                      form.specification_ids.data, form.motivation.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            return _render_form(form, call, None, institution, error.status_code)
        db.session.commit()
        flash(_("Draft application saved. Submit it before the call closes."), "success")
        return redirect(url_for("pilots.application_detail", application_id=application.id))
    return _render_form(form, call, None, institution, 400 if form.is_submitted() else 200)


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@login_required
def application_edit(application_id: int):
    application = _load_application(application_id)
    require(can_edit_application(current_user, application))
    if request.method == "POST":
        form = ApplicationForm()
    else:
        form = ApplicationForm(motivation=application.motivation,
                               specification_ids=[link.specification_id for link in application.specification_links])
    form.set_choices(_institution_specifications(application.institution_id))
    if form.validate_on_submit():
        try:
            services.update_application(current_user, application, form.specification_ids.data,
                                        form.motivation.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            return _render_form(form, application.call, application, application.institution, error.status_code)
        db.session.commit()
        flash(_("Draft application saved."), "success")
        return redirect(url_for("pilots.application_detail", application_id=application.id))
    return _render_form(form, application.call, application, application.institution,
                        400 if form.is_submitted() else 200)


@bp.route("/applications")
@login_required
def application_list():
    require(can_list_own_applications(current_user) or is_officer(current_user))
    applications = db.session.scalars(
        visible_applications(current_user).options(selectinload(Application.call), selectinload(Application.decision))
    ).unique().all()
    return render_template("pilots/application_list.html", applications=applications,
                           outcome_labels=SELECTION_OUTCOME_LABELS, CallStatus=CallStatus,
                           officer=is_officer(current_user), application_status_labels=APPLICATION_STATUS_LABELS)


def _render_detail(application: Application, error: str | None = None, status: int = 200):
    links = application.specification_links
    return render_template(
        "pilots/application_detail.html", application=application, error=error,
        completeness={link.specification_id: completeness(link.specification_version or link.specification.latest_version)
                      for link in links},
        outcome_labels=SELECTION_OUTCOME_LABELS, CallStatus=CallStatus,
        application_status_labels=APPLICATION_STATUS_LABELS,
        result_visible=is_officer(current_user) or application.call.status == CallStatus.SELECTION_DONE,
    ), status


@bp.route("/applications/<int:application_id>")
@login_required
def application_detail(application_id: int):
    application = _load_application(application_id)
    require(can_view_application(current_user, application))
    return _render_detail(application)


@bp.route("/applications/<int:application_id>/submit", methods=["POST"])
@login_required
def application_submit(application_id: int):
    application = _load_application(application_id)
    require(can_edit_application(current_user, application))
    try:
        services.submit_application(current_user, application)
    except DomainError as error:
        db.session.rollback()
        return _render_detail(_load_application(application_id), error.message, error.status_code)
    db.session.commit()
    flash(_("Application submitted. The specification versions it uses are now frozen."), "success")
    return redirect(url_for("pilots.application_detail", application_id=application.id))


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@login_required
def application_withdraw(application_id: int):
    application = _load_application(application_id)
    require(can_withdraw_application(current_user, application))
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw_application(current_user, application, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Application withdrawn."), "success")
            return redirect(url_for("pilots.application_detail", application_id=application.id))
    return render_template("pilots/application_withdraw.html", form=form, application=application), \
        400 if form.is_submitted() else 200
