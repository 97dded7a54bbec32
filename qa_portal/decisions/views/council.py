"""Council pages: the cases awaiting a decision, a member's declaration of interests, and the decision form."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from qa_portal.core.access import login_required, require
from qa_portal.core.confirm import Confirmation
from qa_portal.core.forms import form_page, run_service
from qa_portal.extensions import db
from qa_portal.reviews.models import Case, CaseAction, CaseState
from qa_portal.reviews.workflow import ACTION_LABELS, CASE_WORKFLOW
from qa_portal.decisions.services import council
from qa_portal.decisions.forms import DecisionForm, DeclarationForm
from qa_portal.decisions.models import CouncilDeclaration
from qa_portal.decisions.permissions import (
    can_decide_on_case, can_declare_council_interests, can_list_council_cases, can_view_case_decision,
)
from qa_portal.decisions.services.publication import final_version_of
from qa_portal.decisions.services.rules import (
    DecisionInput, council_problems, decision_verdict, final_report_of, latest_decision, scheme_of,
)
from qa_portal.decisions.views import bp


def _load(case_id: int) -> Case:
    case = db.get_or_404(Case, case_id)
    require(can_view_case_decision(current_user, case))
    return case


@bp.route("/decisions")
@login_required
def council_queue():
    require(can_list_council_cases(current_user))
    cases = db.session.scalars(select(Case).where(Case.state == CaseState.DECISION_PENDING)
                               .order_by(Case.reference)).unique().all()
    declarations = {declaration.case_id: declaration for declaration in db.session.scalars(
        select(CouncilDeclaration).where(CouncilDeclaration.user_id == current_user.id,
                                         CouncilDeclaration.case_id.in_([case.id for case in cases])))}
    return render_template("decisions/queue.html", cases=cases, declarations=declarations)


@bp.route("/cases/<int:case_id>/decision/declaration", methods=["GET", "POST"])
@login_required
def declaration(case_id: int):
    case = _load(case_id)
    require(can_declare_council_interests(current_user, case))
    current = council.declaration_of(case, current_user)
    form = DeclarationForm() if request.method == "POST" else DeclarationForm(
        has_conflict=current.has_conflict if current else False, recuse=current.recused if current else False,
        details=current.details if current else "")
    return form_page(form, lambda: council.declare_interests(current_user, case, form.has_conflict.data,
                                                             form.recuse.data, form.details.data),
                     "decisions/declaration.html",
                     _("Your declaration for %(reference)s is recorded.", reference=case.reference),
                     url_for("decisions.case_decision", case_id=case.id), case=case)


def decision_form(case: Case) -> DecisionForm:
    """The council's decision form with the case's outcomes and criteria (also a meeting's proposal form)."""
    form = DecisionForm()
    scheme = scheme_of(case)
    form.outcome.choices = [SelectChoice(0, _("Choose…"))] + [
        SelectChoice(outcome.id, outcome.label(str(get_locale()))) for outcome in (scheme.outcomes if scheme else [])]
    form.criteria.choices = [SelectChoice(criterion.id, f"{criterion.code} — {criterion.text}")
                             for standard in case.standard_version.standards for criterion in standard.criteria]
    return form


def decision_input(form: DecisionForm, meeting_date=None) -> DecisionInput:
    """The decision service's input from the form; a meeting's proposal takes its date from the meeting (None)."""
    heard = {"yes": True, "no": False}.get(form.hei_heard.data)
    return DecisionInput(outcome_id=form.outcome.data or None, valid_from=form.valid_from.data,
                         valid_to=form.valid_to.data, reasons=form.reasons.data or "",
                         criterion_ids=list(form.criteria.data or []), meeting_date=meeting_date,
                         hei_heard=heard, conditions=form.filled_conditions(),
                         departure_reason=form.departure_reason.data or "")


@bp.route("/cases/<int:case_id>/decision", methods=["GET", "POST"])
@login_required
def case_decision(case_id: int):
    case = _load(case_id)
    decision = latest_decision(case)
    if request.method == "POST":
        recorded = decision is not None and case.state != CaseState.DECISION_PENDING
        require(can_decide_on_case(current_user, case) or recorded)
        if recorded:
            raise council.DecisionImmutable(str(council.IMMUTABLE_MESSAGE))
    deciding = can_decide_on_case(current_user, case)
    form = decision_form(case) if deciding else None
    status = 200
    if form is not None:
        confirm = None if council_problems(case, current_user) else Confirmation(
            ACTION_LABELS[CaseAction.DECIDE], CASE_WORKFLOW.transition(CaseAction.DECIDE).confirm,
            url_for("decisions.case_decision", case_id=case.id))
        run = run_service(form, lambda: council.record_decision(current_user, case, decision_input(form, form.meeting_date.data)), confirm=confirm)
        if run.ok:
            flash(_("The council's decision on %(reference)s was recorded; the agency's officers can now publish it.",
                    reference=case.reference), "success")
            return redirect(url_for("decisions.case_decision", case_id=case.id))
        status = run.status
    shown = decision if case.state != CaseState.DECISION_PENDING else None
    return render_template(
        "decisions/case_decision.html", case=case, decision=shown, form=form, version=final_version_of(case),
        declaration=council.declaration_of(case, current_user),
        blockers=council_problems(case, current_user) if deciding else [],
        panel_report=final_report_of(case), verdict=_verdict(case, shown, form)), status


def _verdict(case: Case, decision, form):
    """The decision rule's verdict on the recorded decision, or on the outcome the form holds (None: the rule's
    reading of the judgements alone)."""
    if decision is not None:
        return decision_verdict(case, decision.outcome, DecisionInput.of(decision))
    scheme = scheme_of(case)
    chosen = form.outcome.data if form is not None and form.is_submitted() else None
    outcome = next((item for item in (scheme.outcomes if scheme else []) if item.id == chosen), None)
    return decision_verdict(case, outcome, decision_input(form, form.meeting_date.data) if outcome is not None else DecisionInput(
        None, None, None, "", [], None, None))
