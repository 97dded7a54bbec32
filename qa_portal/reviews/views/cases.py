"""Case list, case page (summary, specifications, deadlines, timeline, actions) and coordination."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from qa_portal.auth.models import Role, User, UserRole
from qa_portal.core.access import login_required, require
from qa_portal.core.dates import agency_date
from qa_portal.core.confirm import Confirmation
from qa_portal.core.forms import run_service, safe_next_url
from qa_portal.core.input_checks import parse_id
from qa_portal.core.models import utcnow
from qa_portal.core.pagination import paginate_ids_first
from qa_portal.extensions import db
from qa_portal.pilots.models import Application, Institution
from qa_portal.pilots.models.calls import Call
from qa_portal.pilots.permissions import visible_institutions
from qa_portal.reviews.services import coordination
from qa_portal.reviews.forms import ActionForm, CoordinationForm
from qa_portal.reviews.models import Case, CaseAction, CaseEvent, CaseState, SerSubmission
from qa_portal.reviews.permissions import can_coordinate_case, can_list_cases, can_view_case, visible_cases
from qa_portal.reviews.services.self_evaluation import latest_submission, ser_overview
from qa_portal.reviews.views import bp
from qa_portal.reviews.views.common import load_case
from qa_portal.reviews.workflow import (
    ACTION_LABELS, CASE_WORKFLOW, LIFECYCLE, STATE_LABELS, WAITING_LABELS, lifecycle_progress,
)


CASE_PAGE_SIZE = 50
INSTITUTION_CHOICES = 100


def _int_arg(name: str) -> int | None:
    return parse_id(request.args.get(name))


@bp.route("/cases")
@login_required
def case_list():
    require(can_list_cases(current_user))
    filters = {"call": _int_arg("call"), "institution": _int_arg("institution"),
               "institution_name": (request.args.get("institution_name") or "").strip()[:40],
               "state": request.args.get("state") if request.args.get("state") in set(CaseState) else None,
               "overdue": request.args.get("overdue") == "1"}
    query = visible_cases(current_user).order_by(Case.created_at.desc(), Case.id.desc())
    if filters["call"]:
        query = query.join(Application, Case.application_id == Application.id).where(
            Application.call_id == filters["call"])
    if filters["institution"]:
        query = query.where(Case.institution_id == filters["institution"])
    if filters["institution_name"]:
        escaped = filters["institution_name"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Case.institution_id.in_(select(Institution.id).where(
            Institution.short_name.ilike(f"{escaped}%", escape="\\"))))
    if filters["state"]:
        query = query.where(Case.state == filters["state"])
    if filters["overdue"]:
        query = query.where(and_(Case.state == CaseState.SER_IN_PREPARATION, Case.ser_due_at < utcnow()))
    # What a row shows and nothing more: the relationships' own eager loads (a case's specifications, an
    # application's links, a call's criteria, a user's roles) are switched off.
    page = paginate_ids_first(query, Case, CASE_PAGE_SIZE, lazyload("*"), joinedload(Case.institution),
                              joinedload(Case.coordinator).lazyload("*"),
                              joinedload(Case.application).options(
                                  lazyload("*"), joinedload(Application.call).lazyload("*")))
    returned = set(db.session.scalars(
        select(SerSubmission.case_id).where(SerSubmission.case_id.in_([c.id for c in page.items]),
                                            SerSubmission.returned_at.is_not(None))
    )) if page.items else set()
    calls = db.session.execute(select(Call.id, Call.title).order_by(Call.opens_at.desc())).all()
    # The institution filter is a list while it is short; past that a typed short name (the list would grow with
    # the data and cost more to render than the page's rows).
    institutions = db.session.execute(visible_institutions(current_user).with_only_columns(
        Institution.id, Institution.short_name, Institution.name_en).limit(INSTITUTION_CHOICES + 1)).all()
    args = {key: value for key, value in request.args.items() if key in filters and value}
    labels = {state: str(label) for state, label in STATE_LABELS.items()}  # translated once, not once a row
    return render_template("reviews/case_list.html", page=page, cases=page.items, filters=filters, calls=calls,
                           institutions=institutions, many_institutions=len(institutions) > INSTITUTION_CHOICES,
                           states=list(CaseState), returned=returned, args=args, state_labels=labels,
                           progress=lifecycle_progress)


def _case_page(case: Case, action_form: ActionForm | None = None, failed_action: str | None = None,
               coordination_form: CoordinationForm | None = None, status: int = 200):
    events = db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).options(joinedload(CaseEvent.actor))
        .order_by(CaseEvent.at, CaseEvent.id)
    ).all()
    # the dangerous moves (return, withdraw) after the others, whichever stage defined them; an action a guard would
    # refuse now is shown disabled with its reason (what must happen first)
    offered = sorted(CASE_WORKFLOW.offered(current_user, case), key=lambda o: CASE_WORKFLOW.transitions[o[0]].danger)
    actions, blockers = [action for action, _reason in offered], {action: reason for action, reason in offered if reason}
    if coordination_form is None and can_coordinate_case(current_user, case):
        coordination_form = CoordinationForm(coordinator=str(case.coordinator_id or ""),
                                             ser_due_at=agency_date(case.ser_due_at))
    if coordination_form is not None:
        coordination_form.set_officers(_officers())
    return render_template(
        "reviews/case_detail.html", case=case, events=events, actions=actions,
        action_form=action_form or ActionForm(), failed_action=failed_action, coordination_form=coordination_form,
        overview=ser_overview(case), submission=latest_submission(case), transitions=CASE_WORKFLOW.transitions,
        action_labels=ACTION_LABELS, state_labels=STATE_LABELS, progress=lifecycle_progress(case.state),
        blockers=blockers, waiting=WAITING_LABELS.get(CaseState(case.state)),
        lifecycle=LIFECYCLE, now=utcnow(),
    ), status


def _officers() -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == Role.OFFICER, User.active.is_(True))
        .order_by(User.full_name)
    ))


@bp.route("/cases/<int:case_id>")
@login_required
def case_detail(case_id: int):
    case = db.session.scalar(select(Case).where(Case.id == case_id)
                             .options(selectinload(Case.specification_links), joinedload(Case.coordinator)))
    if case is None:
        abort(404)
    require(can_view_case(current_user, case))
    return _case_page(case)


@bp.route("/cases/<int:case_id>/actions/<action>", methods=["POST"])
@login_required
def case_action(case_id: int, action: str):
    case = load_case(case_id)
    form = ActionForm()
    back = safe_next_url(request.form.get("next")) or url_for("reviews.case_detail", case_id=case.id, _anchor="actions")
    known = action in {known_action.value for known_action in CaseAction}
    confirm = None
    if known and CASE_WORKFLOW.asks_first(current_user, case, action, form.comment.data or ""):
        confirm = Confirmation(ACTION_LABELS[CaseAction(action)], CASE_WORKFLOW.transition(action).confirm, back)
    run = run_service(form, lambda: CASE_WORKFLOW.apply(case, action, current_user, comment=form.comment.data),
                      confirm=confirm)
    if run.status == 403:
        abort(403, description=run.error.message)
    if run.ok:
        row = CASE_WORKFLOW.transition(action)
        flash(row.done or _("Done: %(action)s.", action=ACTION_LABELS[CaseAction(action)]), "success")
        return redirect(url_for("reviews.case_detail", case_id=case.id))  # the case page shows the new state
    if run.error is not None and not run.error.field:  # "not now": back to the page, which says what comes first
        flash(run.error.message, "error")
        return redirect(back, 303)
    return _case_page(case, form, action, status=run.status)


@bp.route("/cases/<int:case_id>/coordination", methods=["POST"])
@login_required
def case_coordination(case_id: int):
    case = load_case(case_id)
    require(can_coordinate_case(current_user, case))
    form = CoordinationForm()
    form.set_officers(_officers())

    def save():
        coordinator = db.session.get(User, int(form.coordinator.data)) if form.coordinator.data else None
        return coordination.update_case_coordination(current_user, case, coordinator, form.ser_due_at.data)

    run = run_service(form, save)
    if not run.ok:
        return _case_page(case, coordination_form=form, status=run.status)
    flash(_("Coordination saved."), "success")
    return redirect(url_for("reviews.case_detail", case_id=case.id))

