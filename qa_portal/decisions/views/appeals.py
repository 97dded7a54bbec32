"""Appeal pages: the institution lodges an appeal from its case's decision page; officers and the appeals body list
appeals; the appeal page carries the officer's admissibility form, the appeals body's decision form and the
documents (downloaded with a permission check)."""
from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from qa_portal.audit.services import record
from qa_portal.core.access import login_required, require
from qa_portal.core.forms import form_page, run_service
from qa_portal.core.pagination import paginate
from qa_portal.core.storage import stored_path
from qa_portal.extensions import db
from qa_portal.pilots.permissions import is_officer
from qa_portal.reviews.models import Case, MemberStatus, PanelMember
from qa_portal.decisions.services import appeals
from qa_portal.decisions.forms import AdmissibilityForm, AppealDecisionForm, AppealForm
from qa_portal.decisions.permissions import (
    can_decide_this_appeal, can_list_appeals, can_lodge_case_appeal, can_rule_on_admissibility, can_view_appeal,
)
from qa_portal.decisions.models import Admissibility, Appeal, AppealAction, AppealDocument, CouncilDeclaration, Decision
from qa_portal.decisions.services.register import appeal_deadline
from qa_portal.decisions.views import bp
from qa_portal.decisions.workflow import APPEAL_WORKFLOW

LABELS = {"grounds": appeals.GROUND_LABELS, "admissibility": appeals.ADMISSIBILITY_LABELS,
          "outcome": appeals.OUTCOME_LABELS}


@bp.app_context_processor
def _appeal_globals() -> dict:
    """The appeal labels and helpers for every template (the decision page's partials too)."""
    return {"appeal_labels": LABELS, "appeal_is_overdue": appeals.is_overdue,
            "appealed_decision": appeals.appealed_decision, "appeal_of": appeals.appeal_of,
            "appeal_deadline_of": appeal_deadline}


def _uploads(form) -> list:
    """The documents chosen on the lodge form, as (stream, filename)."""
    return [(upload.stream, upload.filename) for upload in (form.documents.data or []) if upload.filename]


@bp.route("/cases/<int:case_id>/appeal", methods=["GET", "POST"])
@login_required
def lodge_appeal(case_id: int):
    case = db.get_or_404(Case, case_id)
    require(can_lodge_case_appeal(current_user, case))
    decision = appeals.appealed_decision(case)
    if decision is None:
        abort(404)
    existing = appeals.appeal_of(decision)
    if existing is not None:
        return redirect(url_for("decisions.appeal_page", appeal_id=existing.id))
    form = AppealForm()
    return form_page(form, lambda: appeals.lodge_appeal(current_user, case, list(form.grounds.data or []),
                                                        form.statement.data or "", _uploads(form)),
                     "decisions/appeals/lodge.html",
                     _("Your appeal against the decision on %(reference)s is lodged.", reference=case.reference),
                     lambda appeal: url_for("decisions.appeal_page", appeal_id=appeal.id),
                     case=case, decision=decision, deadline=appeal_deadline(decision))


def _cases_taken_part_in(user) -> set[int]:
    """The cases on which the user sat on the panel or took part in the council decision (three queries)."""
    panel = select(PanelMember.case_id).where(PanelMember.user_id == user.id,
                                              PanelMember.status != MemberStatus.REMOVED)
    decided = select(Decision.case_id).where(Decision.decided_by_id == user.id)
    declared = select(CouncilDeclaration.case_id).where(CouncilDeclaration.user_id == user.id)
    return {case_id for query in (panel, decided, declared) for case_id in db.session.scalars(query)}


APPEAL_PAGE_SIZE = 50


@bp.route("/appeals")
@login_required
def appeal_list():
    require(can_list_appeals(current_user))
    query = (select(Appeal).join(Appeal.case).options(contains_eager(Appeal.case).joinedload(Case.institution))
             .order_by(Appeal.lodged_at.desc(), Appeal.id.desc()))
    if not is_officer(current_user):
        excluded = _cases_taken_part_in(current_user)
        query = query.where(Appeal.case_id.not_in(excluded)) if excluded else query
        query = query.where(Appeal.admissibility == Admissibility.ADMISSIBLE)
    page = paginate(query, APPEAL_PAGE_SIZE)
    return render_template("decisions/appeals/list.html", appeals=page.items, page=page)


def _load(appeal_id: int) -> Appeal:
    appeal = db.get_or_404(Appeal, appeal_id)
    require(can_view_appeal(current_user, appeal))
    return appeal


def _page(appeal: Appeal, admissibility_form=None, decision_form=None, status: int = 200):
    actions = APPEAL_WORKFLOW.available(current_user, appeal)
    if admissibility_form is None and AppealAction.RULE_ADMISSIBLE in actions:
        admissibility_form = AdmissibilityForm(formdata=None)
    if decision_form is None and AppealAction.UPHOLD in actions:
        decision_form = AppealDecisionForm(formdata=None)
    return render_template("decisions/appeals/appeal.html", appeal=appeal, case=appeal.case,
                           admissibility_form=admissibility_form, decision_form=decision_form), status


@bp.route("/appeals/<int:appeal_id>")
@login_required
def appeal_page(appeal_id: int):
    return _page(_load(appeal_id))


def _post(appeal_id: int, allowed, form_class, form_name: str, service, done: str):
    """One appeal form's POST: permission (403), form (400), service (409 kept on the page) or flash and back."""
    appeal = _load(appeal_id)
    require(allowed(current_user, appeal))
    form = form_class()
    run = run_service(form, lambda: service(appeal, form))
    if run.ok:
        flash(done, "success")
        return redirect(url_for("decisions.appeal_page", appeal_id=appeal.id))
    return _page(appeal, status=run.status, **{form_name: form})


@bp.route("/appeals/<int:appeal_id>/admissibility", methods=["POST"])
@login_required
def appeal_admissibility(appeal_id: int):
    return _post(appeal_id, can_rule_on_admissibility, AdmissibilityForm, "admissibility_form",
                 lambda appeal, form: appeals.record_admissibility(
                     current_user, appeal, form.admissibility.data or "", form.reason.data or ""),
                 _("The admissibility of the appeal is recorded."))


@bp.route("/appeals/<int:appeal_id>/decision", methods=["POST"])
@login_required
def appeal_decision(appeal_id: int):
    return _post(appeal_id, can_decide_this_appeal, AppealDecisionForm, "decision_form",
                 lambda appeal, form: appeals.decide_appeal(
                     current_user, appeal, form.outcome.data or "", form.reasons.data or ""),
                 _("The appeals body's decision is recorded."))


@bp.route("/appeals/<int:appeal_id>/documents/<int:document_id>")
@login_required
def appeal_document(appeal_id: int, document_id: int):
    appeal = _load(appeal_id)
    document = db.session.get(AppealDocument, document_id)
    if document is None or document.appeal_id != appeal.id:
        abort(404)
    record(current_user, "appeal.document_download", appeal, f"{appeal.case.reference}: {document.original_name}",
           {"document": document.id})
    db.session.commit()
    return send_file(stored_path(document.storage_name), as_attachment=True, download_name=document.original_name,
                     mimetype=document.mime_type, max_age=0)
