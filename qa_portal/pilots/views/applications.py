"""Applications: HEI users apply to an open call, edit the draft, submit it, or withdraw it."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_portal.core.access import login_required, require
from qa_portal.core.forms import ButtonForm, form_page, run_service
from qa_portal.core.pagination import paginate
from qa_portal.extensions import db
from qa_portal.pilots.forms.calls import SELECTION_OUTCOME_LABELS, ApplicationForm, WithdrawForm
from qa_portal.pilots.models import (
    Application, ApplicationAction, Call, CallStatus, Institution, MicroCredential, SpecificationVersion,
)
from qa_portal.pilots.models.specification_rules import completeness
from qa_portal.pilots.permissions.calls import (
    can_apply_to_call, can_edit_application, can_list_own_applications, can_submit_application,
    can_view_application, can_withdraw_application, visible_applications,
)
from qa_portal.pilots.permissions.institutions import is_officer, member_institution_ids
from qa_portal.pilots.services import applications as services
from qa_portal.pilots.views import bp
from qa_portal.pilots.workflow import APPLICATION_STATUS_LABELS, APPLICATION_WORKFLOW


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


def _application_url(application: Application) -> str:
    return url_for("pilots.application_detail", application_id=application.id)


def _application_form_page(form, service, success_message: str, call, application, institution):
    """The application form (new or edit): one service call, or the form again with the user's choices."""
    specs = _institution_specifications(institution.id)
    form.set_choices(specs)
    return form_page(form, service, "pilots/application_form.html", success_message, _application_url, call=call,
                     application=application, institution=institution, specifications=specs,
                     completeness=_completeness_by_spec(specs))


@bp.route("/calls/<int:call_id>/apply", methods=["GET", "POST"])
@login_required
def application_new(call_id: int):
    call = db.get_or_404(Call, call_id)
    require(can_apply_to_call(current_user, call))
    institution = _applicant_institution()
    form = ApplicationForm()
    return _application_form_page(
        form, lambda: services.create_application(current_user, call, institution, form.specification_ids.data,
                                                  form.motivation.data),
        _("Draft application saved. Submit it before the call closes."), call, None, institution)


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
    return _application_form_page(
        form, lambda: services.update_application(current_user, application, form.specification_ids.data,
                                                  form.motivation.data),
        _("Draft application saved."), application.call, application, application.institution)


APPLICATION_PAGE_SIZE = 50


@bp.route("/applications")
@login_required
def application_list():
    require(can_list_own_applications(current_user) or is_officer(current_user))
    page = paginate(visible_applications(current_user).options(selectinload(Application.call),
                                                                selectinload(Application.decision)),
                    APPLICATION_PAGE_SIZE)
    return render_template("pilots/application_list.html", applications=page.items, page=page,
                           outcome_labels=SELECTION_OUTCOME_LABELS, CallStatus=CallStatus,
                           officer=is_officer(current_user), application_status_labels=APPLICATION_STATUS_LABELS)


def _render_detail(application: Application, form: ButtonForm | None = None, status: int = 200):
    links = application.specification_links
    withdraw = ApplicationAction.WITHDRAW
    return render_template(
        "pilots/application_detail.html", application=application, form=form or ButtonForm(),
        withdraw_offered=APPLICATION_WORKFLOW.blocker(current_user, application, withdraw) is None,
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
    require(can_submit_application(current_user, application))
    form = ButtonForm()
    run = run_service(form, lambda: services.submit_application(current_user, application))
    if not run.ok:
        return _render_detail(_load_application(application_id), form, run.status)
    flash(_("Application submitted. The specification versions it uses are now frozen."), "success")
    return redirect(_application_url(application))


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@login_required
def application_withdraw(application_id: int):
    application = _load_application(application_id)
    require(can_withdraw_application(current_user, application))
    form = WithdrawForm()
    return form_page(form, lambda: services.withdraw_application(current_user, application, form.reason.data),
                     "pilots/application_withdraw.html", _("Application withdrawn."), _application_url(application),
                     application=application,
                     consequences=APPLICATION_WORKFLOW.transition(ApplicationAction.WITHDRAW).confirm)
