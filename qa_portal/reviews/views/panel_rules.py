"""Panel rules pages (issue 15): the officer's acknowledgement of a field warning, the institution's "no objection"
to the proposed panel, and each member's briefing page (acknowledged before scoring)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_portal.core.access import login_required, require
from qa_portal.core.forms import ButtonForm, run_service
from qa_portal.extensions import db
from qa_portal.reviews.forms import FieldWarningForm
from qa_portal.reviews.models import PanelMember
from qa_portal.reviews.permissions import (
    can_acknowledge_briefing, can_acknowledge_field_warning, can_confirm_no_objection,
)
from qa_portal.reviews.services import panel as panel_services
from qa_portal.reviews.services import panel_rules as services
from qa_portal.reviews.views import bp
from qa_portal.reviews.views.panel import _case, _member, _run


@bp.route("/cases/<int:case_id>/panel/members/<int:member_id>/field-warning", methods=["POST"])
@login_required
def panel_field_warning(case_id: int, member_id: int):
    case = _case(case_id)
    member = _member(case, member_id)
    require(can_acknowledge_field_warning(current_user, member))
    form = FieldWarningForm(prefix=f"field-{member.id}")
    return _run(case, "field", member.id, form,
                lambda: services.acknowledge_field_warning(current_user, member, form.reason.data),
                _("Acknowledged the field warning on %(name)s.", name=member.user.full_name))


@bp.route("/cases/<int:case_id>/panel/no-objection", methods=["POST"])
@login_required
def panel_no_objection(case_id: int):
    case = _case(case_id)
    require(can_confirm_no_objection(current_user, case))
    form = ButtonForm(prefix="no-objection")
    return _run(case, "no_objection", None, form, lambda: services.confirm_no_objection(current_user, case),
                _("You confirmed that the institution has no objection to the panel."))


@bp.route("/panel-seats/<int:member_id>/briefing", methods=["GET", "POST"])
@login_required
def panel_briefing(member_id: int):
    member = db.get_or_404(PanelMember, member_id)
    require(can_acknowledge_briefing(current_user, member))
    form = ButtonForm()
    run = run_service(form, lambda: services.acknowledge_briefing(current_user, member))
    if run.ok:
        flash(_("You acknowledged the case's briefing."), "success")
        return redirect(url_for("reviews.panel_briefing", member_id=member.id))
    return render_template("reviews/panel/briefing.html", member=member, case=member.case, form=form,
                           version=member.case.standard_version, role_labels=panel_services.ROLE_LABELS), run.status
