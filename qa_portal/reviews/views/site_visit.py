"""Site visit pages: the plan and agenda (the institution sees the agenda, never the panel's notes), sessions
with notes tagged to standards, and the justification for skipping the visit."""
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_portal.core.access import login_required, require
from qa_portal.core.forms import run_service
from qa_portal.core.versioning import EditConflict
from qa_portal.extensions import db
from qa_portal.pilots.permissions import is_officer
from qa_portal.reviews.services import site_visit as visits
from qa_portal.reviews.forms import SkipJustificationForm, VisitPlanForm, VisitSessionForm
from qa_portal.reviews.models import CaseState, VisitSession
from qa_portal.reviews.permissions import can_edit_site_visit, can_request_visit_skip, can_view_site_visit, \
    is_cleared_member
from qa_portal.reviews.services.self_evaluation import version_standards
from qa_portal.reviews.views import bp
from qa_portal.reviews.views.common import load_case

# From the desk review on, the visit page exists (planning may start before the visit stage).
VISIT_STATES = (CaseState.DESK_REVIEW, CaseState.SITE_VISIT, CaseState.REPORT_DRAFTING, CaseState.FACTUAL_ACCURACY,
                CaseState.DECISION_PENDING, CaseState.DECIDED, CaseState.PUBLISHED, CaseState.FOLLOW_UP,
                CaseState.CLOSED, CaseState.APPEAL_LODGED, CaseState.APPEAL_DECIDED)


def sees_visit_notes(user, case) -> bool:
    """Officers and cleared members read the session notes; the institution sees the agenda only."""
    return is_officer(user) or is_cleared_member(user, case)


def _visit_case(case_id: int, *, edit: bool = False):
    case = load_case(case_id)
    require(can_edit_site_visit(current_user, case) if edit else can_view_site_visit(current_user, case))
    if case.state not in VISIT_STATES:
        abort(404)
    return case


def _visit_page(case, plan_form=None, skip_form=None, status: int = 200):
    visit = visits.visit_of(case)
    editable = can_edit_site_visit(current_user, case) and case.state in visits.PLANNING_STATES
    if plan_form is None and editable:
        plan_form = VisitPlanForm(formdata=None, obj=visit) if visit else VisitPlanForm(formdata=None)
        if visit:
            plan_form.mode.data = visit.mode.value
    may_skip = can_request_visit_skip(current_user, case) and case.state == CaseState.DESK_REVIEW
    if skip_form is None and may_skip:
        skip_form = SkipJustificationForm(formdata=None, justification=visit.skip_justification if visit else "")
    return render_template(
        "reviews/site_visit/visit.html", case=case, visit=visit, editable=editable, plan_form=plan_form,
        skip_form=skip_form if may_skip else None, notes_visible=sees_visit_notes(current_user, case),
        mode_labels=visits.MODE_LABELS, group_labels=visits.GROUP_LABELS,
        problems=visits.close_problems(case) if case.state == CaseState.SITE_VISIT else [],
    ), status


@bp.route("/cases/<int:case_id>/visit")
@login_required
def visit_page(case_id: int):
    return _visit_page(_visit_case(case_id))


@bp.route("/cases/<int:case_id>/visit/plan", methods=["POST"])
@login_required
def visit_plan(case_id: int):
    case = _visit_case(case_id, edit=True)
    form = VisitPlanForm()
    run = run_service(form, lambda: visits.save_visit_plan(current_user, case, form.mode.data, form.starts_on.data,
                                                           form.ends_on.data, form.location.data))
    if not run.ok:
        return _visit_page(case, plan_form=form, status=run.status)
    flash(_("Saved the visit plan."), "success")
    return redirect(url_for("reviews.visit_page", case_id=case.id))


@bp.route("/cases/<int:case_id>/visit/skip", methods=["POST"])
@login_required
def visit_skip(case_id: int):
    case = _visit_case(case_id)
    require(can_request_visit_skip(current_user, case))
    form = SkipJustificationForm()
    run = run_service(form, lambda: visits.request_skip(current_user, case, form.justification.data))
    if not run.ok:
        return _visit_page(case, skip_form=form, status=run.status)
    flash(_("Saved the justification. An officer approves skipping the visit on the case page."), "success")
    return redirect(url_for("reviews.visit_page", case_id=case.id))


def _session_of(case, session_id: int) -> VisitSession:
    visit = visits.visit_of(case)
    session = db.session.get(VisitSession, session_id)
    if visit is None or session is None or session.visit_id != visit.id:
        abort(404)
    return session


def _session_form(case, session: VisitSession | None):
    if request.method == "POST":
        form = VisitSessionForm()
    elif session is not None:
        form = VisitSessionForm(formdata=None, obj=session)
        form.stakeholder_group.data = session.stakeholder_group.value
        form.standards.data = [standard.id for standard in session.standards]  # obj gives objects, not ids
    else:
        visit = visits.visit_of(case)
        start = datetime.combine(visit.starts_on, datetime.min.time()).replace(hour=9) \
            if visit and visit.starts_on else None
        form = VisitSessionForm(formdata=None, starts_at=start)
    form.set_standards(version_standards(case))
    return form


def _edit_session(case, session: VisitSession | None):
    form = _session_form(case, session)
    if request.method != "POST" and session is not None:
        form.version.data = str(session.version)
    run = run_service(form, lambda: visits.save_session(
        current_user, case, session, starts_at=form.starts_at.data, duration_minutes=form.duration_minutes.data,
        stakeholder_group=form.stakeholder_group.data, attendees=form.attendees.data, notes=form.notes.data,
        standard_ids=form.standards.data or [], expected_version=form.base_version()))
    if run.ok:
        flash(_("Saved the session."), "success")
        return redirect(url_for("reviews.visit_page", case_id=case.id, _anchor="agenda"))
    conflict = run.error.current if isinstance(run.error, EditConflict) else None
    if conflict is not None:  # saving again replaces the saved version, knowingly
        form.version.data = str(conflict.version)
    return render_template("reviews/site_visit/session.html", form=form, case=case, session=session,
                           conflict=conflict), run.status


@bp.route("/cases/<int:case_id>/visit/sessions/new", methods=["GET", "POST"])
@login_required
def visit_session_new(case_id: int):
    case = _visit_case(case_id, edit=True)
    if case.state not in visits.PLANNING_STATES:
        abort(409, description=_("The site visit can be planned only during the desk review and the visit itself."))
    return _edit_session(case, None)


@bp.route("/cases/<int:case_id>/visit/sessions/<int:session_id>", methods=["GET", "POST"])
@login_required
def visit_session_edit(case_id: int, session_id: int):
    case = _visit_case(case_id, edit=True)
    session = _session_of(case, session_id)
    if case.state not in visits.PLANNING_STATES:
        abort(409, description=_("The site visit can be planned only during the desk review and the visit itself."))
    return _edit_session(case, session)


@bp.route("/cases/<int:case_id>/visit/sessions/<int:session_id>/delete", methods=["POST"])
@login_required
def visit_session_delete(case_id: int, session_id: int):
    case = _visit_case(case_id, edit=True)
    session = _session_of(case, session_id)  # CSRFProtect checks the token of every POST
    visits.delete_session(current_user, case, session)
    db.session.commit()
    flash(_("Removed the session from the agenda."), "success")
    return redirect(url_for("reviews.visit_page", case_id=case.id, _anchor="agenda"))


@bp.app_context_processor
def visit_card_helpers() -> dict:
    """The case page's visit card asks for the visit only when it renders."""
    def visit_card(case) -> dict | None:
        if case.state not in VISIT_STATES or not can_view_site_visit(current_user, case):
            return None
        visit = visits.visit_of(case)
        if visit is None and not can_edit_site_visit(current_user, case):
            return None
        return {"visit": visit, "mode_labels": visits.MODE_LABELS}
    return {"visit_card": visit_card}
