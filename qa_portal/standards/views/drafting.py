"""Officers' pages: sets, versions, content editing, status actions, comparison, consultation report, PDF."""
import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_portal.core.access import login_required, require
from qa_portal.core.errors import DomainError
from qa_portal.core.forms import attach_error
from qa_portal.extensions import db
from qa_portal.standards import services
from qa_portal.standards.comparison import compare_versions
from qa_portal.standards.forms import (
    RESPONSE_LABELS, STAKEHOLDER_LABELS, AnswerForm, CompareForm, CriterionForm, LevelForm, StandardForm,
    StandardSetEditForm, StandardSetForm, VersionDetailsForm, WithdrawForm,
)
from qa_portal.standards.models import (
    ComplianceLevel, ConsultationComment, Criterion, Standard, StandardSet, StandardVersion,
)
from qa_portal.standards.pdf import standard_version_pdf
from qa_portal.standards.permissions import (
    can_answer_consultation_comment, can_approve_standard_version, can_edit_standard_version,
    can_manage_standards, can_open_consultation, can_withdraw_standard_version,
)
from qa_portal.standards.views import bp
from qa_portal.standards.views.common import load_version, run_form
from qa_portal.standards.workflow import ACTION_LABELS, STATUS_LABELS, available_actions

PREFIX = "/manage/standards"


def _version_url(version: StandardVersion, anchor: str | None = None) -> str:
    return url_for("standards.version_detail", version_id=version.id, _anchor=anchor)


# --- sets -----------------------------------------------------------------------------------------

@bp.route(f"{PREFIX}/")
@login_required
def set_list():
    require(can_manage_standards(current_user))
    sets = db.session.scalars(select(StandardSet).options(selectinload(StandardSet.versions))
                              .order_by(StandardSet.title)).all()
    unanswered = services.unanswered_comment_counts([v.id for s in sets for v in s.versions])
    return render_template("standards/set_list.html", sets=sets, unanswered=unanswered, status_labels=STATUS_LABELS)


@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
@login_required
def set_new():
    require(can_manage_standards(current_user))
    form = StandardSetForm()
    return run_form(
        form, lambda: services.create_standard_set(current_user, form.code.data, form.title.data,
                                                   form.title_hy.data, form.description.data),
        "standards/set_form.html", _("Standard set created with a first draft version."),
        lambda standard_set: _version_url(standard_set.versions[0]), standard_set=None)


def _load_set(set_id: int) -> StandardSet:
    return db.get_or_404(StandardSet, set_id)


@bp.route(f"{PREFIX}/sets/<int:set_id>")
@login_required
def set_detail(set_id: int):
    require(can_manage_standards(current_user))
    standard_set = _load_set(set_id)
    versions = standard_set.versions
    form = CompareForm(request.args)
    choices = [(str(v.id), _("Version %(number)s (%(status)s)", number=v.number, status=STATUS_LABELS[v.status]))
               for v in versions]
    form.old.choices = form.new.choices = choices
    if len(versions) >= 2 and not request.args:
        form.old.data, form.new.data = str(versions[-2].id), str(versions[-1].id)
    unanswered = services.unanswered_comment_counts([v.id for v in versions])
    return render_template("standards/set_detail.html", standard_set=standard_set, versions=versions,
                           compare_form=form, unanswered=unanswered, status_labels=STATUS_LABELS)


@bp.route(f"{PREFIX}/sets/<int:set_id>/edit", methods=["GET", "POST"])
@login_required
def set_edit(set_id: int):
    require(can_manage_standards(current_user))
    standard_set = _load_set(set_id)
    form = StandardSetEditForm(obj=standard_set)
    return run_form(
        form, lambda: services.update_standard_set(current_user, standard_set, form.title.data, form.title_hy.data,
                                                   form.description.data),
        "standards/set_form.html", _("Standard set updated."),
        url_for("standards.set_detail", set_id=standard_set.id), standard_set=standard_set)


@bp.route(f"{PREFIX}/sets/<int:set_id>/versions", methods=["POST"])
@login_required
def version_new(set_id: int):
    require(can_manage_standards(current_user))
    standard_set = _load_set(set_id)
    version = services.start_new_version(current_user, standard_set)
    db.session.commit()
    flash(_("Version %(number)s started as a copy of the latest version.", number=version.number), "success")
    return redirect(_version_url(version))


@bp.route(f"{PREFIX}/sets/<int:set_id>/compare")
@login_required
def compare(set_id: int):
    require(can_manage_standards(current_user))
    standard_set = _load_set(set_id)
    by_id = {str(v.id): v for v in standard_set.versions}
    old, new = by_id.get(request.args.get("old", "")), by_id.get(request.args.get("new", ""))
    if old is None or new is None:
        abort(404)
    old, new = load_version(old.id), load_version(new.id)
    return render_template("standards/compare.html", standard_set=standard_set,
                           comparison=compare_versions(old, new), status_labels=STATUS_LABELS)


# --- versions ---------------------------------------------------------------------------------------

@bp.route(f"{PREFIX}/versions/<int:version_id>")
@login_required
def version_detail(version_id: int):
    version = load_version(version_id)
    require(can_manage_standards(current_user))
    unanswered = services.unanswered_comment_counts([version.id]).get(version.id, 0)
    return render_template("standards/version_detail.html", version=version, status_labels=STATUS_LABELS,
                           actions=available_actions(current_user, version), action_labels=ACTION_LABELS,
                           unanswered=unanswered, withdraw_form=WithdrawForm())


@bp.route(f"{PREFIX}/versions/<int:version_id>/details", methods=["GET", "POST"])
@login_required
def version_details(version_id: int):
    version = load_version(version_id)
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
    form = VersionDetailsForm(obj=version)
    return run_form(
        form, lambda: services.update_version_details(current_user, version, form.decision_rule.data,
                                                      form.change_note.data),
        "standards/version_details_form.html", _("Decision rule and note saved."), _version_url(version),
        version=version)


@bp.route(f"{PREFIX}/versions/<int:version_id>/open-consultation", methods=["POST"])
@login_required
def version_open_consultation(version_id: int):
    version = load_version(version_id)
    require(can_open_consultation(current_user, version))
    services.open_consultation(current_user, version)
    db.session.commit()
    flash(_("The consultation is open: every signed-in user can now comment on version %(number)s.",
            number=version.number), "success")
    return redirect(_version_url(version))


@bp.route(f"{PREFIX}/versions/<int:version_id>/approve", methods=["POST"])
@login_required
def version_approve(version_id: int):
    version = load_version(version_id)
    require(can_approve_standard_version(current_user, version))
    services.approve_version(current_user, version)
    db.session.commit()
    flash(_("Version %(number)s is approved and published. It can no longer be changed.",
            number=version.number), "success")
    return redirect(_version_url(version))


@bp.route(f"{PREFIX}/versions/<int:version_id>/withdraw", methods=["GET", "POST"])
@login_required
def version_withdraw(version_id: int):
    version = load_version(version_id)
    require(can_withdraw_standard_version(current_user, version))
    form = WithdrawForm()
    return run_form(form, lambda: services.withdraw_version(current_user, version, form.reason.data),
                    "standards/withdraw_form.html", _("Version withdrawn."), _version_url(version),
                    version=version)


@bp.route(f"{PREFIX}/versions/<int:version_id>/pdf")
@login_required
def version_pdf(version_id: int):
    version = load_version(version_id)
    require(can_manage_standards(current_user))
    filename = f"{version.standard_set.code}-v{version.number}-{version.status.value}.pdf"
    return Response(standard_version_pdf(version), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename={filename}"})


# --- standards, criteria, scale levels --------------------------------------------------------------

def _refs_from(form: StandardForm) -> tuple[list[str], list[int]]:
    return form.esg_refs.data or [], [int(ref) for ref in form.principle_refs.data or []]


@bp.route(f"{PREFIX}/versions/<int:version_id>/standards/new", methods=["GET", "POST"])
@login_required
def standard_new(version_id: int):
    version = load_version(version_id)
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
    form = StandardForm()
    return run_form(
        form, lambda: services.add_standard(current_user, version, form.code.data, form.title.data,
                                            form.statement.data, form.guidelines.data, *_refs_from(form)),
        "standards/standard_form.html", _("Standard added."),
        lambda standard: _version_url(version, f"standard-{standard.id}"), version=version, standard=None)


def _load_standard(standard_id: int) -> Standard:
    return db.get_or_404(Standard, standard_id)


@bp.route(f"{PREFIX}/standards/<int:standard_id>/edit", methods=["GET", "POST"])
@login_required
def standard_edit(standard_id: int):
    standard = _load_standard(standard_id)
    version = standard.version
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
        form = StandardForm(obj=standard, principle_refs=[str(ref) for ref in standard.principle_refs])
    else:
        form = StandardForm()
    return run_form(
        form, lambda: services.update_standard(current_user, standard, form.code.data, form.title.data,
                                               form.statement.data, form.guidelines.data, *_refs_from(form)),
        "standards/standard_form.html", _("Standard saved."), _version_url(version, f"standard-{standard.id}"),
        version=version, standard=standard)


@bp.route(f"{PREFIX}/standards/<int:standard_id>/delete", methods=["POST"])
@login_required
def standard_delete(standard_id: int):
    standard = _load_standard(standard_id)
    version = standard.version
    require(can_edit_standard_version(current_user, version))
    services.delete_standard(current_user, standard)
    db.session.commit()
    flash(_("Standard removed."), "success")
    return redirect(_version_url(version))


def _offset() -> int:
    return -1 if request.form.get("direction") == "up" else 1


@bp.route(f"{PREFIX}/standards/<int:standard_id>/move", methods=["POST"])
@login_required
def standard_move(standard_id: int):
    standard = _load_standard(standard_id)
    require(can_edit_standard_version(current_user, standard.version))
    services.move_standard(current_user, standard, _offset())
    db.session.commit()
    return redirect(_version_url(standard.version, f"standard-{standard.id}"))


@bp.route(f"{PREFIX}/standards/<int:standard_id>/criteria/new", methods=["GET", "POST"])
@login_required
def criterion_new(standard_id: int):
    standard = _load_standard(standard_id)
    version = standard.version
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
    form = CriterionForm()
    return run_form(
        form, lambda: services.add_criterion(current_user, standard, form.code.data, form.text.data,
                                             form.expected_evidence.data, form.mandatory.data),
        "standards/criterion_form.html", _("Criterion added."), _version_url(version, f"standard-{standard.id}"),
        version=version, standard=standard, criterion=None)


def _load_criterion(criterion_id: int) -> Criterion:
    return db.get_or_404(Criterion, criterion_id)


@bp.route(f"{PREFIX}/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@login_required
def criterion_edit(criterion_id: int):
    criterion = _load_criterion(criterion_id)
    standard, version = criterion.standard, criterion.standard.version
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
    form = CriterionForm(obj=criterion)
    return run_form(
        form, lambda: services.update_criterion(current_user, criterion, form.code.data, form.text.data,
                                                form.expected_evidence.data, form.mandatory.data),
        "standards/criterion_form.html", _("Criterion saved."), _version_url(version, f"standard-{standard.id}"),
        version=version, standard=standard, criterion=criterion)


@bp.route(f"{PREFIX}/criteria/<int:criterion_id>/delete", methods=["POST"])
@login_required
def criterion_delete(criterion_id: int):
    criterion = _load_criterion(criterion_id)
    standard = criterion.standard
    require(can_edit_standard_version(current_user, standard.version))
    services.delete_criterion(current_user, criterion)
    db.session.commit()
    flash(_("Criterion removed."), "success")
    return redirect(_version_url(standard.version, f"standard-{standard.id}"))


@bp.route(f"{PREFIX}/criteria/<int:criterion_id>/move", methods=["POST"])
@login_required
def criterion_move(criterion_id: int):
    criterion = _load_criterion(criterion_id)
    standard = criterion.standard
    require(can_edit_standard_version(current_user, standard.version))
    services.move_criterion(current_user, criterion, _offset())
    db.session.commit()
    return redirect(_version_url(standard.version, f"standard-{standard.id}"))


@bp.route(f"{PREFIX}/versions/<int:version_id>/levels/new", methods=["GET", "POST"])
@login_required
def level_new(version_id: int):
    version = load_version(version_id)
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
    form = LevelForm()
    return run_form(
        form, lambda: services.add_level(current_user, version, form.code.data, form.label.data,
                                         form.description.data, form.not_applicable.data),
        "standards/level_form.html", _("Scale level added."), _version_url(version, "scale"),
        version=version, level=None)


def _load_level(level_id: int) -> ComplianceLevel:
    return db.get_or_404(ComplianceLevel, level_id)


@bp.route(f"{PREFIX}/levels/<int:level_id>/edit", methods=["GET", "POST"])
@login_required
def level_edit(level_id: int):
    level = _load_level(level_id)
    version = level.version
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
    form = LevelForm(obj=level)
    return run_form(
        form, lambda: services.update_level(current_user, level, form.code.data, form.label.data,
                                            form.description.data, form.not_applicable.data),
        "standards/level_form.html", _("Scale level saved."), _version_url(version, "scale"),
        version=version, level=level)


@bp.route(f"{PREFIX}/levels/<int:level_id>/delete", methods=["POST"])
@login_required
def level_delete(level_id: int):
    level = _load_level(level_id)
    version = level.version
    require(can_edit_standard_version(current_user, version))
    services.delete_level(current_user, level)
    db.session.commit()
    flash(_("Scale level removed."), "success")
    return redirect(_version_url(version, "scale"))


@bp.route(f"{PREFIX}/levels/<int:level_id>/move", methods=["POST"])
@login_required
def level_move(level_id: int):
    level = _load_level(level_id)
    require(can_edit_standard_version(current_user, level.version))
    services.move_level(current_user, level, _offset())
    db.session.commit()
    return redirect(_version_url(level.version, "scale"))


# --- consultation report and answers ------------------------------------------------------------------

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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["comment_id", "standard", "stakeholder_type", "author", "commented_at", "comment",
                     "response", "answer", "answered_by", "answered_at"])
    for c in _report_comments(version):
        writer.writerow([c.id, c.standard.code if c.standard else "", c.stakeholder_type.value,
                         c.author.full_name if c.author else "", c.created_at.isoformat(timespec="seconds"),
                         c.text, c.response.value if c.response else "", c.answer_text or "",
                         c.answered_by.full_name if c.answered_by else "",
                         c.answered_at.isoformat(timespec="seconds") if c.answered_at else ""])
    filename = f"consultation-{version.standard_set.code}-v{version.number}.csv"
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route(f"{PREFIX}/comments/<int:comment_id>/answer", methods=["POST"])
@login_required
def comment_answer(comment_id: int):
    comment = db.get_or_404(ConsultationComment, comment_id)
    require(can_answer_consultation_comment(current_user, comment))
    version = load_version(comment.version_id)
    form = AnswerForm(prefix=_answer_prefix(comment.id))
    if form.validate_on_submit():
        try:
            services.answer_comment(current_user, comment, form.response.data, form.answer_text.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            return _render_report(version, {comment_id: form}, error.status_code)
        db.session.commit()
        flash(_("Answer saved."), "success")
        return redirect(url_for("standards.consultation_report", version_id=version.id, _anchor=f"comment-{comment.id}"))
    return _render_report(version, {comment_id: form}, 400)
