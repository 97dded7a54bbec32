"""Officers' pages: standard sets, versions, status actions, comparison and the PDF preview."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from qa_portal.core.access import login_required, require
from qa_portal.core.confirm import Confirmation, ask_first
from qa_portal.core.forms import form_page
from qa_portal.extensions import db
from qa_portal.standards import services
from qa_portal.standards.services.comparison import compare_versions
from qa_portal.standards.forms import (
    CompareForm, StandardSetEditForm, StandardSetForm, VersionDetailsForm, WithdrawForm,
)
from qa_portal.standards.models import StandardSet, VersionAction
from qa_portal.standards.pdf import standard_version_pdf
from qa_portal.standards.permissions import (
    can_approve_standard_version, can_edit_standard_version, can_manage_standards, can_open_consultation,
    can_withdraw_standard_version,
)
from qa_portal.standards.views import bp
from qa_portal.standards.views.common import PREFIX, load_version, version_url as _version_url
from qa_portal.standards.workflow import ACTION_LABELS, STATUS_LABELS, VERSION_WORKFLOW


# --- sets -----------------------------------------------------------------------------------------

@bp.route(f"{PREFIX}/")
@login_required
def set_list():
    require(can_manage_standards(current_user))
    sets = db.session.scalars(select(StandardSet).options(selectinload(StandardSet.versions))
                              .order_by(StandardSet.title)).all()
    unanswered = services.unanswered_comment_counts([v.id for s in sets for v in s.versions])
    return render_template("standards/set_list.html", sets=sets, unanswered=unanswered, status_labels=STATUS_LABELS)


@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
@login_required
def set_new():
    require(can_manage_standards(current_user))
    form = StandardSetForm()
    return form_page(
        form, lambda: services.create_standard_set(current_user, form.code.data, form.title.data,
                                                   form.title_hy.data, form.description.data),
        "standards/set_form.html", _("Standard set created with a first draft version."),
        lambda standard_set: _version_url(standard_set.versions[0]), standard_set=None)


def _load_set(set_id: int) -> StandardSet:
    return db.get_or_404(StandardSet, set_id)


@bp.route(f"{PREFIX}/sets/<int:set_id>")
@login_required
def set_detail(set_id: int):
    require(can_manage_standards(current_user))
    standard_set = _load_set(set_id)
    versions = standard_set.versions
    form = CompareForm(request.args)
    choices = [SelectChoice(str(v.id), _("Version %(number)s (%(status)s)", number=v.number,
                                         status=STATUS_LABELS[v.status]))
               for v in versions]
    form.old.choices = form.new.choices = choices
    if len(versions) >= 2 and not request.args:
        form.old.data, form.new.data = str(versions[-2].id), str(versions[-1].id)
    unanswered = services.unanswered_comment_counts([v.id for v in versions])
    open_version = next((v for v in versions if not v.is_locked), None)
    return render_template("standards/set_detail.html", standard_set=standard_set, versions=versions,
                           compare_form=form, unanswered=unanswered, status_labels=STATUS_LABELS,
                           open_version=open_version)


@bp.route(f"{PREFIX}/sets/<int:set_id>/edit", methods=["GET", "POST"])
@login_required
def set_edit(set_id: int):
    require(can_manage_standards(current_user))
    standard_set = _load_set(set_id)
    form = StandardSetEditForm(obj=standard_set)
    return form_page(
        form, lambda: services.update_standard_set(current_user, standard_set, form.title.data, form.title_hy.data,
                                                   form.description.data),
        "standards/set_form.html", _("Standard set updated."),
        url_for("standards.set_detail", set_id=standard_set.id), standard_set=standard_set)


@bp.route(f"{PREFIX}/sets/<int:set_id>/versions", methods=["POST"])
@login_required
def version_new(set_id: int):
    require(can_manage_standards(current_user))
    standard_set = _load_set(set_id)
    version = services.start_new_version(current_user, standard_set)
    db.session.commit()
    flash(_("Version %(number)s started as a copy of the latest version.", number=version.number), "success")
    return redirect(_version_url(version))


@bp.route(f"{PREFIX}/sets/<int:set_id>/compare")
@login_required
def compare(set_id: int):
    require(can_manage_standards(current_user))
    standard_set = _load_set(set_id)
    by_id = {str(v.id): v for v in standard_set.versions}
    old, new = by_id.get(request.args.get("old", "")), by_id.get(request.args.get("new", ""))
    if old is None or new is None:
        abort(404)
    old, new = load_version(old.id), load_version(new.id)
    return render_template("standards/compare.html", standard_set=standard_set,
                           comparison=compare_versions(old, new), status_labels=STATUS_LABELS)


# --- versions ---------------------------------------------------------------------------------------

@bp.route(f"{PREFIX}/versions/<int:version_id>")
@login_required
def version_detail(version_id: int):
    version = load_version(version_id)
    require(can_manage_standards(current_user))
    unanswered = services.unanswered_comment_counts([version.id]).get(version.id, 0)
    offered = VERSION_WORKFLOW.offered(current_user, version)  # a refused action is shown disabled with its reason
    return render_template("standards/version_detail.html", version=version, status_labels=STATUS_LABELS,
                           actions=[action for action, _reason in offered], action_labels=ACTION_LABELS,
                           blockers={action: reason for action, reason in offered if reason},
                           unanswered=unanswered, withdraw_form=WithdrawForm())


@bp.route(f"{PREFIX}/versions/<int:version_id>/details", methods=["GET", "POST"])
@login_required
def version_details(version_id: int):
    version = load_version(version_id)
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
    form = VersionDetailsForm(obj=version)
    return form_page(
        form, lambda: services.update_version_details(current_user, version, form.decision_rule.data,
                                                      form.change_note.data),
        "standards/version_details_form.html", _("Decision rule and note saved."), _version_url(version),
        version=version)


@bp.route(f"{PREFIX}/versions/<int:version_id>/open-consultation", methods=["POST"])
@login_required
def version_open_consultation(version_id: int):
    version = load_version(version_id)
    require(can_open_consultation(current_user, version))
    services.open_consultation(current_user, version)
    db.session.commit()
    flash(_("The consultation is open: every signed-in user can now comment on version %(number)s.",
            number=version.number), "success")
    return redirect(_version_url(version))


@bp.route(f"{PREFIX}/versions/<int:version_id>/approve", methods=["POST"])
@login_required
def version_approve(version_id: int):
    version = load_version(version_id)
    require(can_approve_standard_version(current_user, version))
    if VERSION_WORKFLOW.asks_first(current_user, version, VersionAction.APPROVE):
        ask_first(Confirmation(ACTION_LABELS[VersionAction.APPROVE], VERSION_WORKFLOW.transition(
            VersionAction.APPROVE).confirm, _version_url(version)))
    services.approve_version(current_user, version)
    db.session.commit()
    flash(_("Version %(number)s is approved and published. It can no longer be changed.",
            number=version.number), "success")
    return redirect(_version_url(version))


@bp.route(f"{PREFIX}/versions/<int:version_id>/withdraw", methods=["GET", "POST"])
@login_required
def version_withdraw(version_id: int):
    version = load_version(version_id)
    require(can_withdraw_standard_version(current_user, version))
    form = WithdrawForm()
    return form_page(form, lambda: services.withdraw_version(current_user, version, form.reason.data),
                    "standards/withdraw_form.html", _("Version withdrawn."), _version_url(version),
                    version=version, consequences=VERSION_WORKFLOW.transition("withdraw").confirm)


@bp.route(f"{PREFIX}/versions/<int:version_id>/pdf")
@login_required
def version_pdf(version_id: int):
    version = load_version(version_id)
    require(can_manage_standards(current_user))
    filename = f"{version.standard_set.code}-v{version.number}-{version.status.value}.pdf"
    return Response(standard_version_pdf(version), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename={filename}"})
