"""SER pages: overview with progress and warnings, one entry per criterion, SER texts, submitted copies, PDF."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from qa_portal.core.access import login_required, require
from qa_portal.core.forms import run_service
from qa_portal.extensions import db
from qa_portal.reviews.services import self_evaluation as ser
from qa_portal.reviews.forms import SerEntryForm, SerTextsForm
from qa_portal.reviews.models import CaseState, SerSubmission
from qa_portal.reviews.pdf import ser_pdf
from qa_portal.reviews.permissions import can_edit_ser, can_view_ser
from qa_portal.reviews.views import bp
from qa_portal.reviews.views.common import load_case
from qa_portal.standards.models import Criterion


@bp.route("/cases/<int:case_id>/ser")
@login_required
def ser_page(case_id: int):
    case = load_case(case_id)
    require(can_view_ser(current_user, case))
    return render_template("reviews/ser.html", case=case, overview=ser.ser_overview(case),
                           submissions=ser.submissions_of(case),
                           editable=case.state == CaseState.SER_IN_PREPARATION and can_edit_ser(current_user, case))


def _criterion(case, criterion_id: int) -> Criterion:
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.version_id != case.standard_version_id:
        abort(404)
    return criterion


def _edit_conflict(form, run):
    """The version an edit conflicted with (shown beside the user's text), or None; saving again then overwrites it,
    knowingly."""
    if not isinstance(run.error, ser.EditConflict):
        return None
    form.version.data = str(run.error.current.version)
    return run.error.current


@bp.route("/cases/<int:case_id>/ser/criteria/<int:criterion_id>", methods=["GET", "POST"])
@login_required
def ser_entry(case_id: int, criterion_id: int):
    case = load_case(case_id)
    require(can_edit_ser(current_user, case))
    criterion = _criterion(case, criterion_id)
    evidence = ser.case_evidence(case)
    entry = ser.entries_by_criterion(case).get(criterion.id)
    if request.method == "POST":
        form = SerEntryForm()
    else:
        form = SerEntryForm(version=str(entry.version) if entry else "", narrative=entry.narrative if entry else "",
                            level=str(entry.level_id or "") if entry else "",
                            justification=entry.justification if entry else "",
                            evidence=[item.id for item in evidence if criterion in item.criteria])
    form.set_choices(ser.version_levels(case), evidence)
    run = run_service(form, lambda: ser.save_ser_entry(current_user, case, criterion, form.narrative.data,
                                                       form.level_id(), form.justification.data,
                                                       form.evidence.data or [], form.base_version()))
    if run.ok:
        flash(_("Saved the entry for %(code)s.", code=criterion.code), "success")
        return redirect(url_for("reviews.ser_page", case_id=case.id, _anchor=f"criterion-{criterion.id}"))
    return render_template("reviews/ser_entry.html", case=case, criterion=criterion, form=form,
                           conflict=_edit_conflict(form, run), evidence=evidence), run.status


@bp.route("/cases/<int:case_id>/ser/texts", methods=["GET", "POST"])
@login_required
def ser_texts(case_id: int):
    case = load_case(case_id)
    require(can_edit_ser(current_user, case))
    current = ser.self_evaluation_of(case)
    if request.method == "POST":
        form = SerTextsForm()
    else:
        form = SerTextsForm(obj=current, version=str(current.version) if current else "")
    run = run_service(form, lambda: ser.save_ser_texts(
        current_user, case, {name: getattr(form, name).data for name in ser.SER_TEXT_FIELDS}, form.base_version()))
    if run.ok:
        flash(_("Saved the self-evaluation texts."), "success")
        return redirect(url_for("reviews.ser_page", case_id=case.id))
    return render_template("reviews/ser_texts.html", case=case, form=form, conflict=_edit_conflict(form, run),
                           fields=ser.SER_TEXT_FIELDS), run.status


def _submission(case, number: int) -> SerSubmission:
    return db.first_or_404(select(SerSubmission).where(SerSubmission.case_id == case.id,
                                                       SerSubmission.number == number))


@bp.route("/cases/<int:case_id>/ser/submissions/<int:number>")
@login_required
def ser_submission(case_id: int, number: int):
    case = load_case(case_id)
    require(can_view_ser(current_user, case))
    submission = _submission(case, number)
    return render_template("reviews/ser_submission.html", case=case, submission=submission,
                           content=submission.content,
                           evidence={item["id"]: item for item in submission.content["evidence"]})


@bp.route("/cases/<int:case_id>/ser/submissions/<int:number>.pdf")
@login_required
def ser_submission_pdf(case_id: int, number: int):
    case = load_case(case_id)
    require(can_view_ser(current_user, case))
    submission = _submission(case, number)
    filename = f"{case.reference}-SER-{submission.number}.pdf"
    return Response(ser_pdf(case, submission), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
