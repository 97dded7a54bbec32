"""Follow-up pages: the conditions of a case's published decision with their status; the institution reports on
each (text and an optional document), an officer marks each met or not met with a reason; documents are downloaded
with a permission check. Once a later decision replaced the conditional one (an upgrade, a re-decision) the page
stays as the history of its conditions, linked to that decision. The case's moves (start follow-up, close, send back)
are the case page's workflow buttons."""
from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.core.access import login_required, require
from qa_portal.core.forms import run_service
from qa_portal.core.storage import stored_path
from qa_portal.extensions import db
from qa_portal.pilots.models import SpecificationVersion
from qa_portal.reviews.models import Case, CaseSpecification, CaseState
from qa_portal.decisions.services import follow_up, qa_status
from qa_portal.decisions.models import Decision, DecisionCondition
from qa_portal.decisions.forms import ConditionReportForm, ConditionVerdictForm
from qa_portal.decisions.permissions import can_report_conditions, can_verify_conditions, can_view_case_decision
from qa_portal.decisions.views import bp


@bp.app_template_global()
def condition_status_label(condition) -> str:
    """A condition's follow-up status for the decision pages (open, reported, met, not met; overdue flagged)."""
    label = str(follow_up.STATUS_LABELS[follow_up.condition_status(condition)])
    return f"{label} · {_('overdue')}" if follow_up.is_overdue(condition) else label


@bp.app_template_global()
def catalogue_decision(credential) -> Decision | None:
    """The latest published decision on a case that reviewed a version of this micro-credential (for the public
    catalogue's partial decisions/_catalogue_decision.html; pilots never imports decisions)."""
    return db.session.scalar(
        select(Decision).join(CaseSpecification, CaseSpecification.case_id == Decision.case_id)
        .join(SpecificationVersion, SpecificationVersion.id == CaseSpecification.specification_version_id)
        .where(SpecificationVersion.micro_credential_id == credential.id, Decision.published_at.is_not(None))
        .order_by(Decision.published_at.desc(), Decision.id.desc()).limit(1))


@bp.app_template_global()
def catalogue_status_history(credential) -> list:
    """The micro-credential's public QA statuses over time (for the catalogue's partial), derived from its decisions."""
    return qa_status.status_history(credential.id)


def has_follow_up_page(case) -> bool:
    """The case page links the follow-up page while the case is in follow-up, and afterwards once its conditions
    were reported on, verified or replaced by a linked decision (not for a decision without conditions)."""
    if case.state == CaseState.FOLLOW_UP:
        return True
    decision = follow_up.followed_up_decision(case)
    return decision is not None and (any(condition.follow_up for condition in decision.conditions)
                                     or follow_up.successor_of(decision) is not None)


@bp.app_context_processor
def _follow_up_globals() -> dict:
    """The follow-up predicates for the case card."""
    return {"can_report_conditions": can_report_conditions, "can_verify_conditions": can_verify_conditions,
            "has_follow_up_page": has_follow_up_page}


def _case_and_decision(case_id: int):
    """The case (404), readable by the user (403), and its latest published decision with conditions — followed up
    now or earlier (404 when none has conditions)."""
    case = db.get_or_404(Case, case_id)
    require(can_view_case_decision(current_user, case))
    decision = follow_up.followed_up_decision(case)
    if decision is None:
        abort(404)
    return case, decision


def _condition(decision, number: int) -> DecisionCondition:
    """The decision's condition by its number (1, 2, …), 404 otherwise."""
    if not 1 <= number <= len(decision.conditions):
        abort(404)
    return decision.conditions[number - 1]


def _page(case, decision, forms=None, status=200):
    """The follow-up page, with the forms given kept (for a refusal) and fresh ones for the other conditions."""
    forms = forms or {}
    report_forms = {c.id: forms.get(("report", c.id)) or ConditionReportForm(prefix=f"r{c.id}")
                    for c in decision.conditions}
    verdict_forms = {c.id: forms.get(("verdict", c.id)) or ConditionVerdictForm(prefix=f"v{c.id}")
                     for c in decision.conditions}
    return render_template("decisions/follow_up/page.html", case=case, decision=decision,
                           successor=follow_up.successor_of(decision),
                           all_met=all(follow_up.condition_status(c) == "met" for c in decision.conditions),
                           report_forms=report_forms, verdict_forms=verdict_forms, fu=follow_up,
                           can_report=can_report_conditions(current_user, case),
                           can_verify=can_verify_conditions(current_user, case)), status


@bp.route("/cases/<int:case_id>/follow-up")
@login_required
def follow_up_page(case_id: int):
    case, decision = _case_and_decision(case_id)
    return _page(case, decision)


@bp.route("/cases/<int:case_id>/follow-up/conditions/<int:number>/report", methods=["POST"])
@login_required
def report_condition(case_id: int, number: int):
    case, decision = _case_and_decision(case_id)
    require(can_report_conditions(current_user, case))
    condition = _condition(decision, number)
    form = ConditionReportForm(prefix=f"r{condition.id}")
    run = run_service(form, lambda: follow_up.report_condition(current_user, case, condition, form.report.data,
                                                               form.upload()))
    if run.ok:
        flash(_("Your report on condition %(number)d is recorded.", number=condition.position + 1), "success")
        return redirect(url_for("decisions.follow_up_page", case_id=case.id))
    return _page(case, decision, {("report", condition.id): form}, run.status)


@bp.route("/cases/<int:case_id>/follow-up/conditions/<int:number>/verdict", methods=["POST"])
@login_required
def verify_condition(case_id: int, number: int):
    case, decision = _case_and_decision(case_id)
    require(can_verify_conditions(current_user, case))
    condition = _condition(decision, number)
    form = ConditionVerdictForm(prefix=f"v{condition.id}")
    run = run_service(form, lambda: follow_up.verify_condition(current_user, case, condition,
                                                               form.verdict.data == "met", form.reason.data))
    if run.ok:
        flash(_("Condition %(number)d is verified.", number=condition.position + 1), "success")
        return redirect(url_for("decisions.follow_up_page", case_id=case.id))
    return _page(case, decision, {("verdict", condition.id): form}, run.status)


@bp.route("/cases/<int:case_id>/follow-up/conditions/<int:number>/document")
@login_required
def condition_document(case_id: int, number: int):
    case, decision = _case_and_decision(case_id)
    condition = _condition(decision, number)
    report = condition.follow_up
    if report is None or report.storage_name is None:
        abort(404)
    record(current_user, "condition.document_download", case, f"{case.reference}: {report.original_name}",
           {"condition": condition.id})
    db.session.commit()
    return send_file(stored_path(report.storage_name), as_attachment=True, download_name=report.original_name,
                     mimetype=report.mime_type, max_age=0)
