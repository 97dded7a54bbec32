"""Officers' publication: the ready-to-publish list, a confirmation page listing exactly what will be published,
then publication of the chosen cases together. A case page's Publish button opens the same confirmation page with
that one case chosen (GET, nothing changes until the officer confirms), and returns to the case afterwards."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from qa_portal.core.access import login_required, require
from qa_portal.core.forms import run_service
from qa_portal.decisions.services import publication
from qa_portal.decisions.forms import PublishForm
from qa_portal.decisions.permissions import can_publish_decisions
from qa_portal.decisions.views import bp
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW

FROM_CASE = "case"  # the `origin` of a confirmation opened from a case page: cancel and success return there


def _form(decisions) -> PublishForm:
    form = PublishForm()
    form.case_id.choices = [SelectChoice(decision.case.id, decision.case.reference) for decision in decisions]
    return form


def _case_origin(chosen) -> int | None:
    """The case to return to when the confirmation was opened from its page (exactly one case chosen)."""
    if request.values.get("origin") == FROM_CASE and len(chosen) == 1:
        return chosen[0].case.id
    return None


def _on_the_choice(form, error) -> None:
    """A refused publication is said at the list of cases chosen (the only field of the form)."""
    form.case_id.errors = [error.message]


@bp.route("/decisions/ready")
@login_required
def ready_list():
    require(can_publish_decisions(current_user))
    decisions = publication.ready_to_publish()
    return render_template("decisions/ready.html", decisions=decisions, form=_form(decisions))


@bp.route("/decisions/ready/confirm", methods=["GET", "POST"])
@login_required
def confirm_publication():
    require(can_publish_decisions(current_user))
    decisions = publication.ready_to_publish()
    form = _form(decisions)
    if request.method == "GET":  # from a case page: the one case preselected, nothing changes yet
        form.case_id.data = request.args.getlist("case_id", type=int)
        submitted = bool(form.case_id.data)
    else:
        submitted = form.validate_on_submit() and bool(form.case_id.data)
    if not submitted:
        form.case_id.errors = [_("Choose at least one decided case to publish.")]
        return render_template("decisions/ready.html", decisions=decisions, form=form), 400
    chosen = [decision for decision in decisions if decision.case.id in set(form.case_id.data)]
    if len(chosen) != len(set(form.case_id.data)):
        form.case_id.errors = [_("Choose decided cases from the ready-to-publish list.")]
        return render_template("decisions/ready.html", decisions=decisions, form=form), 409
    return render_template("decisions/confirm.html", decisions=chosen, form=form, origin_case=_case_origin(chosen),
                           consequences=CASE_WORKFLOW.transition(CaseAction.PUBLISH).confirm)


@bp.route("/decisions/publish", methods=["POST"])
@login_required
def publish():
    require(can_publish_decisions(current_user))
    decisions = publication.ready_to_publish()
    form = _form(decisions)
    run = run_service(form, lambda: publication.publish_cases(current_user, list(form.case_id.data or [])),
                      attach=_on_the_choice)
    if run.status == 400:
        return redirect(url_for("decisions.ready_list"))
    if not run.ok:
        return render_template("decisions/ready.html", decisions=publication.ready_to_publish(), form=form), run.status
    published = run.result
    flash(ngettext("Published %(num)d decision with its panel report.",
                   "Published %(num)d decisions with their panel reports.", len(published)), "success")
    origin = _case_origin(published)
    if origin is not None:
        return redirect(url_for("reviews.case_detail", case_id=origin))
    return redirect(url_for("decisions.ready_list"))
