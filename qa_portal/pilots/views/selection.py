"""Selection: officers score applications, see the ranking and spread, decide, and complete the selection."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from qa_portal.core.access import login_required, require
from qa_portal.core.dates import format_moment
from qa_portal.core.errors import DomainError
from qa_portal.core.forms import ButtonForm, form_page, run_service
from qa_portal.extensions import db
from qa_portal.pilots.forms.calls import SELECTION_OUTCOME_LABELS, ScoreForm, SelectionDecisionForm
from qa_portal.pilots.models import (
    Application, ApplicationStatus, Call, CallAction, CallStatus, SelectionOutcome, SelectionScore,
)
from qa_portal.pilots.permissions.calls import (
    can_complete_selection, can_decide_selection, can_score_application, can_view_selection,
)
from qa_portal.pilots.services import selection as services
from qa_portal.pilots.views import bp
from qa_portal.pilots.workflow import APPLICATION_STATUS_LABELS, CALL_WORKFLOW


def _require_selection_stage(call: Call, application: Application | None = None, *, reading: bool = False) -> None:
    """403 for anyone but an officer ("not yours"); 409 with what must happen first while the call is still open, or
    once the selection is complete for scores and decisions, or for an application that is not submitted ("not now")."""
    require(can_complete_selection(current_user, call))
    if call.status in (CallStatus.DRAFT, CallStatus.OPEN):
        raise DomainError(_("The selection starts once the call closes, on %(when)s.", when=format_moment(call.closes_at)))
    if reading:
        return
    if call.status != CallStatus.CLOSED:
        raise DomainError(_("The selection of this call is complete: scores and decisions can no longer change."))
    if application is not None and application.status != ApplicationStatus.SUBMITTED:
        raise DomainError(_("Only a submitted application is scored and decided; this one is %(status)s.",
                            status=APPLICATION_STATUS_LABELS[application.status]))


def _render_selection(call: Call, form: ButtonForm | None = None, status: int = 200):
    ranking = services.selection_ranking(call)
    selected = sum(1 for row in ranking if row.application.decision
                   and row.application.decision.outcome == SelectionOutcome.SELECTED)
    complete = CallAction.COMPLETE_SELECTION
    offered = complete in CALL_WORKFLOW.available(current_user, call)  # closed, and an officer's
    return render_template(
        "pilots/selection.html", call=call, ranking=ranking, form=form or ButtonForm(), selected_count=selected,
        outcome_labels=SELECTION_OUTCOME_LABELS, completion_offered=offered,
        completion_blocker=CALL_WORKFLOW.blocker(current_user, call, complete) if offered else None,
    ), status


@bp.route("/calls/<int:call_id>/selection")
@login_required
def selection(call_id: int):
    call = db.get_or_404(Call, call_id)
    _require_selection_stage(call, reading=True)
    require(can_view_selection(current_user, call))
    return _render_selection(call)


@bp.route("/calls/<int:call_id>/selection/complete", methods=["POST"])
@login_required
def selection_complete(call_id: int):
    call = db.get_or_404(Call, call_id)
    require(can_complete_selection(current_user, call))
    form = ButtonForm()
    run = run_service(form, lambda: services.complete_selection(current_user, call))
    if not run.ok:
        return _render_selection(db.get_or_404(Call, call_id), form, run.status)
    flash(_("Selection complete: %(count)d review case(s) opened.", count=len(run.result)), "success")
    return redirect(url_for("pilots.selection", call_id=call.id))


@bp.route("/applications/<int:application_id>/score", methods=["GET", "POST"])
@login_required
def application_score(application_id: int):
    application = db.get_or_404(Application, application_id)
    _require_selection_stage(application.call, application)
    require(can_score_application(current_user, application))
    criteria = application.call.criteria
    mine = {s.criterion_id: s for s in db.session.scalars(select(SelectionScore).where(
        SelectionScore.application_id == application.id, SelectionScore.officer_id == current_user.id))}
    if request.method == "POST":
        form = ScoreForm()
    else:
        form = ScoreForm(data={"entries": [
            {"score": mine[c.id].score if c.id in mine else None, "comment": mine[c.id].comment if c.id in mine else ""}
            for c in criteria]})
    while len(form.entries) < len(criteria):
        form.entries.append_entry()
    rows = list(zip(criteria, form.entries))
    scores = {criterion.id: (entry.form.score.data, entry.form.comment.data) for criterion, entry in rows}
    return form_page(form, lambda: services.score_application(current_user, application, scores),
                     "pilots/application_score.html", _("Your scores are saved."),
                     url_for("pilots.selection", call_id=application.call_id), application=application, rows=rows)


@bp.route("/applications/<int:application_id>/decide", methods=["GET", "POST"])
@login_required
def application_decide(application_id: int):
    application = db.get_or_404(Application, application_id)
    _require_selection_stage(application.call, application)
    require(can_decide_selection(current_user, application))
    decision = application.decision
    if request.method == "POST" or decision is None:
        form = SelectionDecisionForm()
    else:
        form = SelectionDecisionForm(outcome=decision.outcome.value, rationale=decision.rationale)
    return form_page(form, lambda: services.decide_selection(current_user, application,
                                                             SelectionOutcome(form.outcome.data), form.rationale.data),
                     "pilots/application_decide.html", _("Selection decision saved."),
                     url_for("pilots.selection", call_id=application.call_id), application=application)
