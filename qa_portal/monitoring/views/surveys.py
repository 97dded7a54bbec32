"""Feedback surveys: the user's pending surveys and the short form (clarity, workload, each standard, free text);
the drafting page's per-standard evidence comes from here as a template global."""
from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectField
from wtforms.validators import InputRequired

from qa_portal.core.access import login_required, require
from qa_portal.core.forms import run_service
from qa_portal.extensions import db
from qa_portal.monitoring.forms import RATING_CHOICES, SurveyForm
from qa_portal.monitoring.models import SurveyInvitation
from qa_portal.monitoring.permissions import can_answer_survey, can_list_surveys
from qa_portal.monitoring.services.feedback import (
    answer_survey, case_standards, pending_invitations, standard_evidence,
)
from qa_portal.monitoring.views import bp


@bp.app_template_global()
def standard_evidence_for(version) -> dict:
    """Per standard code, the reviews' feedback and judgements (computed once per request and version)."""
    cache = g.setdefault("monitoring_standard_evidence", {})
    if version.id not in cache:
        cache[version.id] = standard_evidence(version)
    return cache[version.id]


@bp.route("/monitoring/surveys")
@login_required
def survey_list():
    """The signed-in user's unanswered feedback surveys."""
    require(can_list_surveys(current_user))
    return render_template("monitoring/surveys.html", invitations=pending_invitations(current_user))


def _survey_form(standards) -> SurveyForm:
    """The survey form with one 1–5 usefulness question per standard of the case."""
    class Form(SurveyForm):
        pass
    for standard in standards:
        setattr(Form, f"standard_{standard.id}", SelectField(
            _("How useful was standard %(code)s “%(title)s” to the review? (1 not at all … 5 very)",
              code=standard.code, title=standard.title), coerce=int, choices=RATING_CHOICES,
            validators=[InputRequired()]))
    return Form()


@bp.route("/monitoring/surveys/<int:invitation_id>", methods=["GET", "POST"])
@login_required
def survey_answer(invitation_id: int):
    """Answer one feedback survey, once; the answer is stored without the respondent's name."""
    invitation = db.session.get(SurveyInvitation, invitation_id)
    if invitation is None:
        abort(404)
    require(can_answer_survey(current_user, invitation))
    standards = case_standards(invitation.case)
    form = _survey_form(standards)
    run = run_service(form, lambda: answer_survey(
        current_user, invitation, form.clarity.data, form.workload.data, form.comments.data,
        {standard.id: getattr(form, f"standard_{standard.id}").data for standard in standards}))
    if run.ok:
        flash(_("Thank you: your feedback is recorded without your name."), "success")
        return redirect(url_for("monitoring.survey_list"))
    return render_template("monitoring/survey_form.html", form=form, invitation=invitation,
                           standard_fields=[getattr(form, f"standard_{standard.id}") for standard in standards]), \
        run.status
