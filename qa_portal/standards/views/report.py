"""The consultation report for officers: comments with answers per standard, counts, CSV, answer forms."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_portal.core.access import login_required, require
from qa_portal.core.csv_export import csv_attachment, csv_text
from qa_portal.core.forms import run_service
from qa_portal.extensions import db
from qa_portal.standards import services
from qa_portal.standards.forms import RESPONSE_LABELS, STAKEHOLDER_LABELS, AnswerForm
from qa_portal.standards.models import ConsultationComment, StandardVersion
from qa_portal.standards.permissions import can_answer_consultation_comment, can_manage_standards
from qa_portal.standards.views import bp
from qa_portal.standards.views.common import PREFIX, load_version
from qa_portal.standards.workflow import STATUS_LABELS


def _report_comments(version: StandardVersion) -> list[ConsultationComment]:
    return db.session.scalars(
        select(ConsultationComment).where(ConsultationComment.version_id == version.id)
        .options(selectinload(ConsultationComment.author), selectinload(ConsultationComment.standard),
                 selectinload(ConsultationComment.answered_by))
        .order_by(ConsultationComment.id)
    ).all()


def _answer_prefix(comment_id: int) -> str:
    """Each comment's answer form has its own field names and ids on the report page."""
    return f"comment-{comment_id}"


def _render_report(version: StandardVersion, answer_forms: dict | None = None, status: int = 200):
    comments = _report_comments(version)
    groups = [(None, [c for c in comments if c.standard_id is None])] + [
        (standard, [c for c in comments if c.standard_id == standard.id]) for standard in version.standards]
    by_type = {kind: sum(1 for c in comments if c.stakeholder_type == kind) for kind in STAKEHOLDER_LABELS}
    by_response = {kind: sum(1 for c in comments if c.response == kind) for kind in RESPONSE_LABELS}
    forms = {c.id: AnswerForm(formdata=None, obj=c, prefix=_answer_prefix(c.id)) for c in comments}
    forms.update(answer_forms or {})
    return render_template(
        "standards/consultation_report.html", version=version, groups=groups, comments=comments,
        by_type=by_type, by_response=by_response, answer_forms=forms, stakeholder_labels=STAKEHOLDER_LABELS,
        response_labels=RESPONSE_LABELS, status_labels=STATUS_LABELS,
        unanswered=sum(1 for c in comments if not c.is_answered)), status


@bp.route(f"{PREFIX}/versions/<int:version_id>/consultation-report")
@login_required
def consultation_report(version_id: int):
    version = load_version(version_id)
    require(can_manage_standards(current_user))
    return _render_report(version)


@bp.route(f"{PREFIX}/versions/<int:version_id>/consultation-report.csv")
@login_required
def consultation_report_csv(version_id: int):
    version = load_version(version_id)
    require(can_manage_standards(current_user))
    header = ["comment_id", "standard", "stakeholder_type", "author", "commented_at", "comment", "response", "answer",
              "answered_by", "answered_at"]
    rows = ([c.id, c.standard.code if c.standard else "", c.stakeholder_type.value,
             c.author.full_name if c.author else "", c.created_at.isoformat(timespec="seconds"),
             c.text, c.response.value if c.response else "", c.answer_text or "",
             c.answered_by.full_name if c.answered_by else "",
             c.answered_at.isoformat(timespec="seconds") if c.answered_at else ""]
            for c in _report_comments(version))
    return csv_attachment(csv_text(header, rows), f"consultation-{version.standard_set.code}-v{version.number}.csv")


@bp.route(f"{PREFIX}/comments/<int:comment_id>/answer", methods=["POST"])
@login_required
def comment_answer(comment_id: int):
    comment = db.get_or_404(ConsultationComment, comment_id)
    require(can_answer_consultation_comment(current_user, comment))
    version = load_version(comment.version_id)
    form = AnswerForm(prefix=_answer_prefix(comment.id))
    run = run_service(form, lambda: services.answer_comment(current_user, comment, form.response.data,
                                                            form.answer_text.data))
    if not run.ok:
        return _render_report(version, {comment_id: form}, run.status)
    flash(_("Answer saved."), "success")
    return redirect(url_for("standards.consultation_report", version_id=version.id, _anchor=f"comment-{comment.id}"))
