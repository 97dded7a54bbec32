"""Evidence pages: list and upload, describe and link to criteria, permission-checked download."""
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_portal.core.access import login_required, require
from qa_portal.core.forms import form_page, run_service
from qa_portal.core.storage import discard_stored, stored_path
from qa_portal.extensions import db
from qa_portal.reviews.services import evidence as services
from qa_portal.reviews.services import self_evaluation as ser
from qa_portal.reviews.forms import CONFIDENTIALITY_LABELS, EVIDENCE_TYPE_LABELS, LANGUAGE_LABELS
from qa_portal.reviews.forms import EvidenceDetailsForm, EvidenceUploadForm
from qa_portal.reviews.models import CaseState, Evidence
from qa_portal.reviews.permissions import can_download_evidence, can_edit_ser, can_view_ser
from qa_portal.reviews.views import bp
from qa_portal.reviews.views.common import load_case


def _labels() -> dict:
    return {"type_labels": EVIDENCE_TYPE_LABELS, "confidentiality_labels": CONFIDENTIALITY_LABELS,
            "language_labels": LANGUAGE_LABELS}


def _list_page(case, form: EvidenceUploadForm | None, status: int = 200):
    editable = case.state == CaseState.SER_IN_PREPARATION and can_edit_ser(current_user, case)
    if form is None and editable:
        form = EvidenceUploadForm(formdata=None)
    if form is not None:
        form.set_criteria(ser.version_standards(case))
    return render_template("reviews/evidence_list.html", case=case, evidence=ser.case_evidence(case),
                           form=form, editable=editable, **_labels()), status


@bp.route("/cases/<int:case_id>/evidence")
@login_required
def evidence_list(case_id: int):
    case = load_case(case_id)
    require(can_view_ser(current_user, case))
    return _list_page(case, None)


@bp.route("/cases/<int:case_id>/evidence", methods=["POST"])
@login_required
def evidence_upload(case_id: int):
    case = load_case(case_id)
    require(can_edit_ser(current_user, case))
    form = EvidenceUploadForm()
    form.set_criteria(ser.version_standards(case))
    run = run_service(form, lambda: services.upload_evidence(
        current_user, case, form.file.data.stream, form.file.data.filename, form.title.data, form.evidence_type.data,
        form.language.data, form.confidentiality.data, form.criteria.data or []))
    if not run.ok:
        return _list_page(case, form, run.status)
    flash(_("Uploaded “%(title)s”.", title=run.result.title), "success")
    return redirect(url_for("reviews.evidence_list", case_id=case.id))


def _evidence(case, evidence_id: int) -> Evidence:
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.case_id != case.id:
        abort(404)
    return item


@bp.route("/cases/<int:case_id>/evidence/<int:evidence_id>", methods=["GET", "POST"])
@login_required
def evidence_edit(case_id: int, evidence_id: int):
    case = load_case(case_id)
    require(can_edit_ser(current_user, case))
    item = _evidence(case, evidence_id)
    if request.method == "POST":
        form = EvidenceDetailsForm()
    else:
        form = EvidenceDetailsForm(obj=item, criteria=[criterion.id for criterion in item.criteria],
                                   evidence_type=item.evidence_type.value,
                                   confidentiality=item.confidentiality.value)
    form.set_criteria(ser.version_standards(case))
    return form_page(form, lambda: services.update_evidence(
        current_user, item, form.title.data, form.evidence_type.data, form.language.data, form.confidentiality.data,
        form.criteria.data or []), "reviews/evidence_edit.html",
        lambda saved: _("Saved “%(title)s”.", title=saved.title), url_for("reviews.evidence_list", case_id=case.id),
        case=case, item=item, **_labels())


@bp.route("/cases/<int:case_id>/evidence/<int:evidence_id>/delete", methods=["POST"])
@login_required
def evidence_delete(case_id: int, evidence_id: int):
    case = load_case(case_id)
    require(can_edit_ser(current_user, case))
    item = _evidence(case, evidence_id)
    title = item.title
    storage_name = services.delete_evidence(current_user, item)
    db.session.commit()
    discard_stored(storage_name)  # only once the row is gone for good
    flash(_("Deleted “%(title)s”.", title=title), "success")
    return redirect(url_for("reviews.evidence_list", case_id=case.id))


@bp.route("/cases/<int:case_id>/evidence/<int:evidence_id>/download")
@login_required
def evidence_download(case_id: int, evidence_id: int):
    case = load_case(case_id)
    item = _evidence(case, evidence_id)
    require(can_download_evidence(current_user, item))
    services.record_evidence_download(current_user, item)
    db.session.commit()
    return send_file(stored_path(item.storage_name), as_attachment=True, download_name=item.original_name,
                     mimetype=item.mime_type, max_age=0)
