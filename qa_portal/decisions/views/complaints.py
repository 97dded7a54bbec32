"""Complaint pages (A4): any signed-in user lodges a complaint and reads their own with its answer; officers list
and answer them. The public page explaining the appeal and complaint procedures and their deadlines."""
from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from qa_portal.core.access import login_required, public, require
from qa_portal.core.forms import form_page
from qa_portal.core.pagination import paginate
from qa_portal.extensions import db
from qa_portal.decisions.services import complaints
from qa_portal.decisions.forms import AnswerForm, ComplaintForm
from qa_portal.decisions.permissions import can_list_complaints, can_lodge_complaint, can_view_complaint
from qa_portal.decisions.models import Complaint, ComplaintAction
from qa_portal.decisions.views import bp
from qa_portal.decisions.workflow import COMPLAINT_WORKFLOW


@bp.route("/appeals-and-complaints")
@public
def procedures():
    config = current_app.config
    return render_template("decisions/appeals/procedures.html", window_days=config["QA_APPEAL_WINDOW_DAYS"],
                           decision_days=config["QA_APPEAL_DECISION_DAYS"])


COMPLAINT_PAGE_SIZE = 50


@bp.route("/complaints")
@login_required
def complaint_list():
    require(can_lodge_complaint(current_user))
    everyone = can_list_complaints(current_user)
    query = select(Complaint).order_by(Complaint.status, Complaint.lodged_at.desc(), Complaint.id.desc())
    if not everyone:
        query = query.where(Complaint.lodged_by_id == current_user.id)
    page = paginate(query, COMPLAINT_PAGE_SIZE)
    return render_template("decisions/complaints/list.html", complaints=page.items, page=page, everyone=everyone)


@bp.route("/complaints/new", methods=["GET", "POST"])
@login_required
def lodge_complaint():
    require(can_lodge_complaint(current_user))
    form = ComplaintForm()
    form.case_id.choices = [SelectChoice(0, _("No particular case"))] + [
        SelectChoice(case.id, case.reference) for case in complaints.complainable_cases(current_user)]
    return form_page(form, lambda: complaints.lodge_complaint(current_user, form.subject.data, form.text.data,
                                                              form.case_id.data or None),
                     "decisions/complaints/lodge.html", _("Your complaint is recorded; an officer will answer it."),
                     lambda complaint: url_for("decisions.complaint_page", complaint_id=complaint.id))


@bp.route("/complaints/<int:complaint_id>", methods=["GET", "POST"])
@login_required
def complaint_page(complaint_id: int):
    complaint = db.get_or_404(Complaint, complaint_id)
    require(can_view_complaint(current_user, complaint))
    posted = request.method == "POST"
    require(not posted or can_list_complaints(current_user))
    answerable = ComplaintAction.ANSWER in COMPLAINT_WORKFLOW.available(current_user, complaint)
    if not (posted or answerable):
        return render_template("decisions/complaints/complaint.html", complaint=complaint, form=None)
    form = AnswerForm()
    return form_page(form, lambda: complaints.answer_complaint(current_user, complaint, form.answer.data),
                     "decisions/complaints/complaint.html",
                     _("The answer is recorded and the complainant can read it."),
                     url_for("decisions.complaint_page", complaint_id=complaint.id), complaint=complaint)
