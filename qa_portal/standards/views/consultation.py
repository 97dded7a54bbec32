"""Consultation pages for every signed-in user: open consultations, and one version with the comment form."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_portal.core.access import login_required, require
from qa_portal.core.forms import run_service
from qa_portal.core.input_checks import parse_id
from qa_portal.core.pagination import paginate
from qa_portal.extensions import db
from qa_portal.standards import services
from qa_portal.standards.forms import RESPONSE_LABELS, STAKEHOLDER_LABELS, CommentForm
from qa_portal.standards.models import ConsultationComment, Standard, StandardVersion, VersionStatus
from qa_portal.standards.permissions import (
    can_comment_on_standard_version, can_record_comment_on_behalf, can_view_consultation, visible_standard_versions,
)
from qa_portal.standards.views import bp
from qa_portal.standards.views.common import load_version
from qa_portal.standards.workflow import STATUS_LABELS


CONSULTATION_PAGE_SIZE = 50


@bp.route("/consultations/")
@login_required
def consultation_list():
    # Every signed-in user may see which versions are open for comments (the list is filtered by visible_*).
    page = paginate(
        visible_standard_versions(current_user).where(StandardVersion.status == VersionStatus.CONSULTATION)
        .options(selectinload(StandardVersion.standard_set))
        .order_by(StandardVersion.consultation_opened_at.desc(), StandardVersion.id.desc()), CONSULTATION_PAGE_SIZE)
    return render_template("standards/consultation_list.html", versions=page.items, page=page)


def _own_comments(version: StandardVersion) -> list[ConsultationComment]:
    return db.session.scalars(
        select(ConsultationComment).where(ConsultationComment.version_id == version.id,
                                          ConsultationComment.author_id == current_user.id)
        .options(selectinload(ConsultationComment.standard)).order_by(ConsultationComment.id)
    ).all()


def _render(version: StandardVersion, form: CommentForm, status: int = 200):
    return render_template("standards/consultation.html", version=version, form=form,
                           account_type=services.account_stakeholder_type(current_user),
                           on_behalf=can_record_comment_on_behalf(current_user, version),
                           own_comments=_own_comments(version), stakeholder_labels=STAKEHOLDER_LABELS,
                           response_labels=RESPONSE_LABELS, status_labels=STATUS_LABELS), status


@bp.route("/consultations/<int:version_id>", methods=["GET", "POST"])
@login_required
def consultation(version_id: int):
    version = load_version(version_id)
    require(can_comment_on_standard_version(current_user, version))
    form = CommentForm(version)
    if request.method == "GET":
        if not can_view_consultation(current_user, version):
            abort(404)
        return _render(version, form)
    # A closed consultation refuses every comment with 409, whatever was posted: the error page, not this page (a
    # closed version's content is not shown again).
    services.ensure_consultation_open(version)

    def comment():
        standard_id = parse_id(form.standard.data)
        standard = db.session.get(Standard, standard_id) if standard_id else None
        on_behalf_of = (form.on_behalf_of.data or "") if can_record_comment_on_behalf(current_user, version) else ""
        return services.add_comment(current_user, version, standard, form.text.data, on_behalf_of=on_behalf_of,
                                    stakeholder_type=form.stakeholder_type.data)

    run = run_service(form, comment)
    if not run.ok:
        return _render(version, form, run.status)
    flash(_("Thank you: your comment is recorded. The agency will answer it in the consultation report."), "success")
    return redirect(url_for("standards.consultation", version_id=version.id, _anchor="your-comments"))
