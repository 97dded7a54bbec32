"""Pilot calls: the officers' list and form, the call page, status changes, and the public call pages."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_portal.core.access import login_required, public, require
from qa_portal.core.forms import form_page
from qa_portal.extensions import db
from qa_portal.pilots.forms.calls import CallForm
from qa_portal.pilots.models import Application, ApplicationStatus, Call, CallAction, CallStatus, OutcomeScheme
from qa_portal.pilots.permissions.calls import (
    can_edit_call, can_list_calls, can_manage_calls, can_view_call, visible_calls,
)
from qa_portal.pilots.permissions.institutions import member_institution_ids
from qa_portal.pilots.services import calls as services
from qa_portal.pilots.views import bp
from qa_portal.pilots.workflow import (
    APPLICATION_STATUS_LABELS, CALL_ACTION_LABELS, CALL_STATUS_LABELS as STATUS_LABELS, CALL_WORKFLOW,
)
from qa_portal.standards.models import StandardVersion, VersionStatus


def _load_call(call_id: int) -> Call:
    return db.get_or_404(Call, call_id)


def _call_url(call: Call) -> str:
    return url_for("pilots.call_detail", call_id=call.id)


def _form_with_choices(form: CallForm) -> CallForm:
    versions = db.session.scalars(
        select(StandardVersion).where(StandardVersion.status == VersionStatus.APPROVED)
        .options(selectinload(StandardVersion.standard_set)).order_by(StandardVersion.id.desc())
    ).all()
    schemes = db.session.scalars(select(OutcomeScheme).order_by(OutcomeScheme.id)).all()
    form.set_choices(versions, schemes)
    return form


def _call_data(form: CallForm) -> services.CallData:
    return services.CallData(
        title=form.title.data, description=form.description.data, eligibility=form.eligibility.data,
        standard_version_id=form.standard_version_id.data, outcome_scheme_id=form.outcome_scheme_id.data,
        opens_at=form.opens_at.data, closes_at=form.closes_at.data, max_pilots=form.max_pilots.data,
        criteria=[services.CriterionData(**row) for row in form.criteria_rows()],
    )


@bp.route("/calls")
@login_required
def call_list():
    require(can_list_calls(current_user))
    calls = db.session.scalars(visible_calls(current_user)).unique().all()
    counts = {}
    if calls:
        rows = db.session.execute(
            select(Application.call_id, Application.status, Application.institution_id)
            .where(Application.call_id.in_([c.id for c in calls]))
        ).all()
        own = member_institution_ids(current_user)
        for call_id, status, institution_id in rows:
            entry = counts.setdefault(call_id, {"submitted": 0, "draft": 0, "ours": None})
            if status == ApplicationStatus.SUBMITTED:
                entry["submitted"] += 1
            elif status == ApplicationStatus.DRAFT:
                entry["draft"] += 1
            if institution_id in own and status != ApplicationStatus.WITHDRAWN:
                entry["ours"] = status
    return render_template("pilots/call_list.html", calls=calls, counts=counts, status_labels=STATUS_LABELS,
                           application_status_labels=APPLICATION_STATUS_LABELS)


@bp.route("/calls/new", methods=["GET", "POST"])
@login_required
def call_new():
    require(can_manage_calls(current_user))
    form = _form_with_choices(CallForm())
    if not form.is_submitted():
        form.add_blank_criteria()
    return form_page(form, lambda: services.create_call(current_user, _call_data(form)), "pilots/call_form.html",
                     _("Call created as a draft. Open it when it is ready."), _call_url, call=None)


@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
@login_required
def call_edit(call_id: int):
    call = _load_call(call_id)
    require(can_edit_call(current_user, call))
    if request.method == "POST":
        form = _form_with_choices(CallForm())
    else:
        form = _form_with_choices(CallForm(obj=call))
        form.add_blank_criteria()
    return form_page(form, lambda: services.update_call(current_user, call, _call_data(form)),
                     "pilots/call_form.html", _("Call saved."), _call_url, call=call)


@bp.route("/calls/<int:call_id>")
@login_required
def call_detail(call_id: int):
    call = _load_call(call_id)
    require(can_view_call(current_user, call))
    own_applications = []
    if not can_manage_calls(current_user):
        own = member_institution_ids(current_user)
        own_applications = [a for a in call.applications if a.institution_id in own]
    actions = CALL_WORKFLOW.available(current_user, call)
    return render_template("pilots/call_detail.html", call=call, status_labels=STATUS_LABELS,
                           own_applications=own_applications, ApplicationStatus=ApplicationStatus,
                           application_status_labels=APPLICATION_STATUS_LABELS,
                           actions=[a for a in actions if a != CallAction.COMPLETE_SELECTION],  # the selection page's
                           action_labels=CALL_ACTION_LABELS)


@bp.route("/calls/<int:call_id>/status", methods=["POST"])
@login_required
def call_change_status(call_id: int):
    call = _load_call(call_id)
    require(can_manage_calls(current_user))
    try:
        action = CallAction(request.form.get("action", ""))
    except ValueError:
        abort(400, description=_("Unknown action."))
    services.change_call_status(current_user, call, action)
    db.session.commit()
    flash(_("The call is now %(status)s.", status=STATUS_LABELS[call.status]), "success")
    return redirect(url_for("pilots.call_detail", call_id=call.id))


@bp.route("/open-calls")
@public
def public_call_list():
    calls = db.session.scalars(
        select(Call).where(Call.status == CallStatus.OPEN).order_by(Call.closes_at)
    ).unique().all()
    return render_template("pilots/public_call_list.html", calls=calls)


@bp.route("/open-calls/<int:call_id>")
@public
def public_call(call_id: int):
    call = _load_call(call_id)
    if call.status == CallStatus.DRAFT:
        abort(404)
    return render_template("pilots/public_call.html", call=call, status_labels=STATUS_LABELS)
