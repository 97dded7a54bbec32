"""Panel pages: the case's panel (propose, remove, rulings, objections) and each expert's own declaration page."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_portal.auth.models import User
from qa_portal.core.access import login_required, require
from qa_portal.core.confirm import Confirmation
from qa_portal.core.forms import ButtonForm, run_service
from qa_portal.extensions import db
from qa_portal.pilots.permissions import is_officer
from qa_portal.reviews.services import panel as services
from qa_portal.reviews.services import panel_rules
from qa_portal.reviews.forms import (
    ConflictRulingForm, DeclarationForm, FieldWarningForm, ObjectionForm, ObjectionRulingForm, ProposeMemberForm, RemoveMemberForm,
)
from qa_portal.reviews.models import Case, CaseState, MemberAction, MemberStatus, PanelMember, PanelObjection
from qa_portal.reviews.permissions import (
    can_confirm_no_objection, can_declare_interests, can_manage_panel, can_object_to_member, can_view_panel,
)
from qa_portal.reviews.views import bp
from qa_portal.reviews.workflow import MEMBER_STATUS_LABELS, MEMBER_WORKFLOW

# States before the panel exists: the case card stays silent.
_BEFORE_PANEL = (CaseState.SER_IN_PREPARATION, CaseState.SER_SUBMITTED)


def _case(case_id: int) -> Case:
    case = db.get_or_404(Case, case_id)
    require(can_view_panel(current_user, case))
    return case


def _member(case: Case, member_id: int) -> PanelMember:
    member = db.session.get(PanelMember, member_id)
    if member is None or member.case_id != case.id:
        abort(404)
    return member


@bp.app_template_global()
def panel_summary(case) -> dict:
    """The panel card's figures: members by status, composition errors and warnings, what blocks the review."""
    members = services.members_of(case)
    errors, warnings = services.composition_check(case, members)
    counts = {status: sum(1 for member in members if member.status == status) for status in MemberStatus}
    return {"members": members, "counts": counts, "errors": errors, "warnings": warnings,
            "role_labels": services.ROLE_LABELS,
            "problems": (services.start_review_problems(case, members) + panel_rules.objection_window_problems(case)
                         if case.state == CaseState.PANEL_FORMATION else [])}


def _forms_for(case, members) -> dict:
    forms = {"remove": {}, "conflict": {}, "object": {}, "objection": {}, "field": {},
             "no_objection": {None: ButtonForm(formdata=None, prefix="no-objection")}}
    for member in members:
        if member.status == MemberStatus.REMOVED:
            continue
        forms["remove"][member.id] = RemoveMemberForm(formdata=None, prefix=f"remove-{member.id}")
        forms["conflict"][member.id] = ConflictRulingForm(formdata=None, prefix=f"conflict-{member.id}")
        forms["object"][member.id] = ObjectionForm(formdata=None, prefix=f"object-{member.id}")
        forms["field"][member.id] = FieldWarningForm(formdata=None, prefix=f"field-{member.id}")
        for objection in member.objections:
            forms["objection"][objection.id] = ObjectionRulingForm(formdata=None, prefix=f"objection-{objection.id}")
    return forms


def _panel_page(case: Case, failed: tuple[str, int | None, object] | None = None, status: int = 200):
    """Render the panel page; `failed` = (kind, object id, form) puts the user's refused form back in place."""
    members = services.members_of(case, include_removed=True)
    active = [member for member in members if member.status != MemberStatus.REMOVED]
    manage = can_manage_panel(current_user, case)
    candidates, propose_form = [], None
    if manage and case.state == CaseState.PANEL_FORMATION:
        candidates = services.expert_candidates(case)
        propose_form = failed[2] if failed and failed[0] == "propose" else ProposeMemberForm(formdata=None,
                                                                                            prefix="propose")
    findings = services.detected_conflicts(
        [member.user_id for member in active] + [profile.user_id for profile, _load in candidates], case
    ) if manage else {}
    if propose_form is not None:
        candidates, suggested = panel_rules.suggested_first(candidates, panel_rules.case_broad_fields(case), findings)
        propose_form.set_choices(candidates, services.ROLE_LABELS, findings, suggested)
    forms = _forms_for(case, members)
    if failed and failed[0] != "propose":
        forms[failed[0]][failed[1]] = failed[2]
    errors, warnings = services.composition_check(case, active)
    _seat_errors, field_warnings = panel_rules.seat_problems(case, active)
    return render_template(
        "reviews/panel/page.html", case=case, members=members, active=active, manage=manage,
        open_for_changes=case.state == CaseState.PANEL_FORMATION, propose_form=propose_form, forms=forms,
        findings=findings, errors=errors, warnings=warnings,
        problems=(services.start_review_problems(case, active) + panel_rules.objection_window_problems(case)
                  if case.state == CaseState.PANEL_FORMATION else []),
        role_labels=services.ROLE_LABELS, status_labels=MEMBER_STATUS_LABELS, kind_labels=services.KIND_LABELS,
        is_officer=is_officer(current_user), failed=failed,
        field_warnings={member.id: text for member, text in field_warnings},
        objection_window_ends_at=panel_rules.objection_window_ends_at(case),
        no_objection_confirmed=panel_rules.no_objection_confirmed(case),
        can_confirm_no_objection=can_confirm_no_objection(current_user, case),
        my_seat=next((member for member in active if member.user_id == current_user.id), None),
    ), status


@bp.route("/cases/<int:case_id>/panel")
@login_required
def panel_page(case_id: int):
    return _panel_page(_case(case_id))


def _member_confirmation(case: Case, member: PanelMember, action: MemberAction, reason: str | None):
    """The confirmation page's words for a member's removal, when it would go ahead now (else None)."""
    if not MEMBER_WORKFLOW.asks_first(current_user, member, action, reason or ""):
        return None
    return Confirmation(f"{MEMBER_WORKFLOW.action_labels[action]}: {member.user.full_name}",
                        MEMBER_WORKFLOW.transition(action).confirm, url_for("reviews.panel_page", case_id=case.id))


def _run(case: Case, kind: str, object_id: int | None, form, service, done: str,
         confirm: Confirmation | None = None):
    """The panel page's forms: run_service, then back to the page, or the page again with the refused form in place."""
    run = run_service(form, service, confirm=confirm)
    if not run.ok:
        return _panel_page(case, (kind, object_id, form), run.status)
    flash(done, "success")
    return redirect(url_for("reviews.panel_page", case_id=case.id))


@bp.route("/cases/<int:case_id>/panel/members", methods=["POST"])
@login_required
def panel_propose(case_id: int):
    case = _case(case_id)
    require(can_manage_panel(current_user, case))
    form = ProposeMemberForm(prefix="propose")
    form.set_choices(services.expert_candidates(case), services.ROLE_LABELS, {})
    expert = db.session.get(User, form.expert_id()) if form.expert_id() else None
    run = run_service(form, lambda: services.propose_member(current_user, case, expert, form.role.data))
    if not run.ok:
        if run.error is not None and run.error.field == "role" and expert is not None:
            # A seat the expert's profile does not fit (issue 15): the refusal is audited on the case.
            panel_rules.record_refused_proposal(current_user, case, expert, form.role.data, run.error.message)
            db.session.commit()
        return _panel_page(case, ("propose", None, form), run.status)
    flash(_("Proposed %(name)s for the panel.", name=expert.full_name), "success")
    return redirect(url_for("reviews.panel_page", case_id=case.id))


@bp.route("/cases/<int:case_id>/panel/members/<int:member_id>/remove", methods=["POST"])
@login_required
def panel_remove(case_id: int, member_id: int):
    case = _case(case_id)
    require(can_manage_panel(current_user, case))
    member = _member(case, member_id)
    form = RemoveMemberForm(prefix=f"remove-{member.id}")
    return _run(case, "remove", member.id, form,
                lambda: services.remove_member(current_user, member, form.reason.data),
                _("Removed %(name)s from the panel.", name=member.user.full_name),
                _member_confirmation(case, member, MemberAction.REMOVE, form.reason.data))


@bp.route("/cases/<int:case_id>/panel/members/<int:member_id>/conflict", methods=["POST"])
@login_required
def panel_conflict_ruling(case_id: int, member_id: int):
    case = _case(case_id)
    require(can_manage_panel(current_user, case))
    member = _member(case, member_id)
    form = ConflictRulingForm(prefix=f"conflict-{member.id}")
    return _run(case, "conflict", member.id, form,
                lambda: services.rule_on_conflict(current_user, member, form.ruling.data, form.reason.data),
                _("Recorded the ruling on %(name)s's conflict.", name=member.user.full_name),
                _member_confirmation(case, member, MemberAction.UPHOLD_CONFLICT, form.reason.data)
                if form.ruling.data == "upheld" else None)


@bp.route("/cases/<int:case_id>/panel/members/<int:member_id>/objections", methods=["POST"])
@login_required
def panel_object(case_id: int, member_id: int):
    case = _case(case_id)
    member = _member(case, member_id)
    require(can_object_to_member(current_user, member))
    form = ObjectionForm(prefix=f"object-{member.id}")
    return _run(case, "object", member.id, form,
                lambda: services.raise_objection(current_user, member, form.reasons.data),
                _("Your objection to %(name)s was sent to the agency.", name=member.user.full_name))


@bp.route("/cases/<int:case_id>/panel/objections/<int:objection_id>", methods=["POST"])
@login_required
def panel_objection_ruling(case_id: int, objection_id: int):
    case = _case(case_id)
    require(can_manage_panel(current_user, case))
    objection = db.session.get(PanelObjection, objection_id)
    if objection is None or objection.member.case_id != case.id:
        abort(404)
    form = ObjectionRulingForm(prefix=f"objection-{objection.id}")
    return _run(case, "objection", objection.id, form,
                lambda: services.rule_on_objection(current_user, objection, form.ruling.data, form.reason.data),
                _("Recorded the ruling on the objection."))


@bp.route("/panel-seats/<int:member_id>/declaration", methods=["GET", "POST"])
@login_required
def panel_declaration(member_id: int):
    member = db.get_or_404(PanelMember, member_id)
    require(can_declare_interests(current_user, member))
    form = DeclarationForm()
    if member.declaration is not None:  # signed once; a repeated post changes nothing
        status = 409 if request.method == "POST" else 200
        if request.method == "POST":
            form.form_errors.append(_("You already signed your declaration for this case."))
    else:
        run = run_service(form, lambda: services.declare_interests(
            current_user, member, form.declaration.data == "none", form.declared_items(), form.signed_name.data))
        if run.ok:
            flash(_("Your declaration is signed."), "success")
            return redirect(url_for("reviews.panel_declaration", member_id=member.id))
        status = run.status
    return render_template("reviews/panel/declaration.html", member=member, case=member.case, form=form,
                           role_labels=services.ROLE_LABELS, status_labels=MEMBER_STATUS_LABELS,
                           kind_labels=services.KIND_LABELS), status
