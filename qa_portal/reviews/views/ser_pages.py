"""The SER one standard per page: every criterion of the standard in one form (Save all, or Save one criterion while
the others' typing is kept as a draft), and the draft endpoint the page's script calls as the user types."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_portal.core.access import login_required, require
from qa_portal.core.forms import run_service
from qa_portal.reviews.forms import SerStandardForm, ser_entry_subform
from qa_portal.reviews.models import CaseState
from qa_portal.reviews.permissions import can_edit_ser
from qa_portal.reviews.services import self_evaluation as ser
from qa_portal.reviews.services import ser_pages
from qa_portal.reviews.views import bp
from qa_portal.reviews.views.common import load_case


def _load(case_id: int, standard_id: int):
    case = load_case(case_id)
    require(can_edit_ser(current_user, case))
    standard = ser_pages.criteria_of_standard(case, standard_id)
    if standard is None:
        abort(404)
    return case, standard


def _entry_forms(case, standard, levels, evidence, posted: bool) -> dict:
    """Each criterion's fields: what was posted, else the user's draft, else the saved entry."""
    entries, drafts = ser.entries_by_criterion(case), ser_pages.drafts_of(case, current_user)
    linked = ser.evidence_by_criterion(evidence)
    forms = {}
    for criterion in standard.criteria:
        entry, draft = entries.get(criterion.id), drafts.get(criterion.id)
        if posted:
            form = ser_entry_subform(criterion.id)
        elif draft is not None:
            form = ser_entry_subform(criterion.id, version=str(draft.base_version or ""), narrative=draft.narrative,
                                     level=str(draft.level_id or ""), justification=draft.justification,
                                     evidence=list(draft.evidence_ids or []))
        else:
            form = ser_entry_subform(criterion.id, version=str(entry.version) if entry else "",
                                     narrative=entry.narrative if entry else "",
                                     level=str(entry.level_id or "") if entry else "",
                                     justification=entry.justification if entry else "",
                                     evidence=[item.id for item in linked.get(criterion.id, [])])
        form.set_choices(levels, evidence)
        forms[criterion.id] = form
    return forms


def _inputs(forms: dict) -> list[ser_pages.EntryInput]:
    return [ser_pages.EntryInput(criterion_id=criterion_id, narrative=form.narrative.data or "",
                                 level_id=form.level_id(), justification=form.justification.data or "",
                                 evidence_ids=list(form.evidence.data or []), base_version=form.base_version())
            for criterion_id, form in forms.items()]


def _valid(page_form, forms: dict) -> bool:
    valid = page_form.validate_on_submit()
    return all([form.validate() for form in forms.values()]) and valid


@bp.route("/cases/<int:case_id>/ser/standards/<int:standard_id>", methods=["GET", "POST"])
@login_required
def ser_standard(case_id: int, standard_id: int):
    case, standard = _load(case_id, standard_id)
    if request.method == "GET" and case.state != CaseState.SER_IN_PREPARATION:
        return redirect(url_for("reviews.ser_page", case_id=case.id))  # it says the SER is locked, and why
    levels, evidence = ser.version_levels(case), ser.case_evidence(case)
    page_form = SerStandardForm()
    forms = _entry_forms(case, standard, levels, evidence, posted=request.method == "POST")
    conflicts, status = {}, 200
    if request.method == "POST":
        if not _valid(page_form, forms):
            status = 400
        else:
            only = page_form.only_criterion()
            run = run_service(page_form, lambda: _save(case, standard, forms, only))
            if run.ok:
                flash(_("Saved %(count)s entries of standard %(code)s.", count=len(run.result), code=standard.code)
                      if only is None else _("Saved the entry; your other typing on this page is kept as a draft."),
                      "success")
                return redirect(url_for("reviews.ser_standard", case_id=case.id, standard_id=standard.id,
                                        _anchor=f"criterion-{only}" if only else None))
            status = run.status
            if isinstance(run.error, ser_pages.StandardConflict):
                conflicts = run.error.conflicts
                for criterion_id, current in conflicts.items():  # saving again overwrites, knowingly
                    forms[criterion_id].version.data = str(current.version)
    overview = ser.ser_overview(case)
    return render_template("reviews/ser_standard.html", case=case, standard=standard, page_form=page_form,
                           forms=forms, conflicts=conflicts, overview=overview, evidence=evidence,
                           drafts=ser_pages.drafts_of(case, current_user)), status


def _save(case, standard, forms, only):
    saved = ser_pages.save_standard_page(current_user, case, standard, _inputs(forms), only)
    ser_pages.record_page_save(current_user, case, standard, saved)
    return saved


@bp.route("/cases/<int:case_id>/ser/standards/<int:standard_id>/draft", methods=["POST"])
@login_required
def ser_standard_draft(case_id: int, standard_id: int):
    case, standard = _load(case_id, standard_id)
    page_form = SerStandardForm()
    forms = _entry_forms(case, standard, ser.version_levels(case), ser.case_evidence(case), posted=True)
    if not _valid(page_form, forms):
        return jsonify(saved=False, message=_("This draft could not be kept: check the fields.")), 400
    run = run_service(page_form, lambda: ser_pages.save_drafts(current_user, case, standard, _inputs(forms)))
    if not run.ok:
        return jsonify(saved=False, message=run.error.message if run.error else ""), run.status
    return jsonify(saved=True, drafts=run.result)
