"""Panel-report pages: the report (chair edits per standard and the conclusion), its versions and PDFs, and the
factual-accuracy comments with the chair's answers. The institution reads only frozen versions, once sent."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qa_portal.core.access import login_required, require
from qa_portal.core.versioning import EditConflict
from qa_portal.core.forms import ButtonForm, run_service
from qa_portal.extensions import db
from qa_portal.pilots.permissions import is_officer
from qa_portal.reviews.services import factual
from qa_portal.reviews.services import report as reports
from qa_portal.reviews.forms import (
    FactualAnswerForm, FactualAnswerRowForm, FactualCommentForm, ReportConclusionForm, ReportSectionForm,
)
from qa_portal.reviews.models import (
    CaseAction, CaseState, ConsensusJudgement, FactualComment, PanelReportVersion, ReportSection, ReportStatus,
)
from qa_portal.reviews.permissions import (
    can_answer_factual_comments, can_comment_on_report, can_edit_report, can_view_report, is_cleared_member,
)
from qa_portal.reviews.pdf import report_pdf
from qa_portal.reviews.services.panel import ROLE_LABELS
from qa_portal.reviews.services.self_evaluation import case_evidence, version_levels
from qa_portal.reviews.views import bp
from qa_portal.reviews.views.common import load_case
from qa_portal.reviews.workflow import ACTION_LABELS, CASE_WORKFLOW, REPORT_STATUS_LABELS

REPORT_ACTIONS = (CaseAction.SEND_FOR_FACTUAL_CHECK, CaseAction.FINALISE_REPORT)


def _panel_side(user, case) -> bool:
    """Officers and cleared members read the live working copy; the institution reads frozen versions."""
    return is_officer(user) or is_cleared_member(user, case)


def _readable_report(case):
    """The report the signed-in user may read, or 404 (for the institution: not before it is sent)."""
    require(can_view_report(current_user, case))
    report = reports.report_of(case)
    if report is None or (report.status == ReportStatus.DRAFT and not _panel_side(current_user, case)):
        abort(404)
    return report


def _editable_report(case):
    """The report for an editor (403 for others, 404 before drafting)."""
    require(can_edit_report(current_user, case))
    report = reports.report_of(case)
    if report is None:
        abort(404)
    return report


def report_card(case) -> dict | None:
    """What the case page's report card shows the viewer, or None when there is nothing for them."""
    if not can_view_report(current_user, case):
        return None
    report = reports.report_of(case)
    if report is None or (report.status == ReportStatus.DRAFT and not _panel_side(current_user, case)):
        return None
    return {"report": report, "window_open": factual.window_open(report),
            "comments": db.session.scalar(select(db.func.count(FactualComment.id))
                                          .where(FactualComment.report_id == report.id))}


def report_status_label(status) -> str:
    """The report status as the pages say it."""
    return str(REPORT_STATUS_LABELS[ReportStatus(status)])


def report_role_label(role: str) -> str:
    """A panel role as the report says it."""
    return str(ROLE_LABELS.get(role, role))


bp.add_app_template_global(report_card, "panel_report_card")
bp.add_app_template_global(report_status_label, "report_status_label")
bp.add_app_template_global(report_role_label, "report_role_label")


def _report_page(case, report, comment_form=None, answer_forms=None, status: int = 200, answers_form=None,
                 no_further_form=None):
    panel_side = _panel_side(current_user, case)
    latest = factual.latest_version(report)
    if panel_side and report.status != ReportStatus.FINAL:
        content = reports.report_content(report, latest.number if latest else None)
    else:  # the institution, and everyone once final, read the frozen version
        content = latest.content
    comments = factual.comments_of(report)
    may_answer = (can_answer_factual_comments(current_user, case) and report.status == ReportStatus.SENT
                  and case.state == CaseState.FACTUAL_ACCURACY)
    answer_forms = answer_forms or {}
    if may_answer:
        for comment in comments:
            answer_forms.setdefault(comment.id, FactualAnswerRowForm(
                prefix=f"comment-{comment.id}", formdata=None, meta={"csrf": False},
                data={"response": comment.response.value if comment.response else None, "answer": comment.answer}))
    if comment_form is None and can_comment_on_report(current_user, case) and factual.window_open(report):
        comment_form = FactualCommentForm(formdata=None)
    if comment_form is not None:
        comment_form.set_choices(factual.section_choices(report), case_evidence(case))
    if (no_further_form is None and can_comment_on_report(current_user, case) and report.status == ReportStatus.SENT
            and case.state == CaseState.FACTUAL_ACCURACY and report.no_further_comments_at is None):
        no_further_form = ButtonForm(formdata=None, prefix="no-further")
    editable = (can_edit_report(current_user, case) and report.status != ReportStatus.FINAL
                and case.state in (CaseState.REPORT_DRAFTING, CaseState.FACTUAL_ACCURACY))
    actions = [action for action in CASE_WORKFLOW.available(current_user, case) if action in REPORT_ACTIONS]
    problems = reports.send_problems(case) if CaseAction.SEND_FOR_FACTUAL_CHECK in actions else (
        reports.finalise_problems(case) if CaseAction.FINALISE_REPORT in actions else [])
    return render_template(
        "reviews/report/report.html", case=case, report=report, content=content, latest=latest,
        panel_side=panel_side, editable=editable, comments=comments, answer_forms=answer_forms,
        comment_form=comment_form, no_further_form=no_further_form, actions=actions,
        verdict=reports.recommendation_verdict(case, report) if panel_side else None, action_labels=ACTION_LABELS,
        problems=problems, window_open=factual.window_open(report), response_labels=factual.RESPONSE_LABELS,
        answers_form=answers_form or ButtonForm()), status


@bp.route("/cases/<int:case_id>/report")
@login_required
def report_page(case_id: int):
    case = load_case(case_id)
    return _report_page(case, _readable_report(case))


def _section(report, number: int) -> ReportSection:
    section = next((section for section in report.sections if section.position == number), None)
    if section is None:
        abort(404)
    return section


@bp.route("/cases/<int:case_id>/report/sections/<int:number>", methods=["GET", "POST"])
@login_required
def report_section(case_id: int, number: int):
    case = load_case(case_id)
    report = _editable_report(case)
    section = _section(report, number)
    form = ReportSectionForm() if request.method == "POST" else ReportSectionForm(
        data={**{name: getattr(section, name) for name in reports.REPORT_FIELDS}, "level": str(section.level_id or ""),
              "version": str(section.version)})
    form.set_levels(version_levels(case))
    run = run_service(form, lambda: reports.save_section(
        current_user, case, section, {name: getattr(form, name).data for name in reports.REPORT_FIELDS},
        form.level_id(), form.base_version()))
    if run.ok:
        flash(_("Saved the section on %(code)s.", code=section.standard.code), "success")
        return redirect(url_for("reviews.report_page", case_id=case.id, _anchor=f"section-{section.position}"))
    criterion_ids = [criterion.id for criterion in section.standard.criteria]
    consensus = {judgement.criterion_id: judgement for judgement in db.session.scalars(
        select(ConsensusJudgement).where(ConsensusJudgement.case_id == case.id,
                                         ConsensusJudgement.criterion_id.in_(criterion_ids)))}
    conflict = run.error.current if isinstance(run.error, EditConflict) else None
    if conflict is not None:  # saving again replaces the saved version, knowingly
        form.version.data = str(conflict.version)
    return render_template("reviews/report/section_edit.html", case=case, section=section, form=form,
                           consensus=consensus, conflict=conflict, fields=reports.REPORT_FIELDS), run.status


@bp.route("/cases/<int:case_id>/report/conclusion", methods=["GET", "POST"])
@login_required
def report_conclusion(case_id: int):
    case = load_case(case_id)
    report = _editable_report(case)
    form = ReportConclusionForm() if request.method == "POST" else ReportConclusionForm(data={
        "overall_conclusion": report.overall_conclusion, "recommendation_reason": report.recommendation_reason,
        "recommended_outcome": str(report.recommended_outcome_id or "")})
    form.set_outcomes(reports.outcome_choices(case), str(get_locale() or "en"))
    run = run_service(form, lambda: reports.save_conclusion(
        current_user, case, report, form.overall_conclusion.data, form.outcome_id(), form.recommendation_reason.data))
    if run.ok:
        flash(_("Saved the overall conclusion and recommendation."), "success")
        return redirect(url_for("reviews.report_page", case_id=case.id, _anchor="conclusion"))
    return render_template("reviews/report/conclusion_edit.html", case=case, report=report, form=form,
                           verdict=reports.recommendation_verdict(case, report)), run.status


@bp.route("/cases/<int:case_id>/report/comments", methods=["POST"])
@login_required
def report_comment(case_id: int):
    case = load_case(case_id)
    report = _readable_report(case)
    require(can_comment_on_report(current_user, case))
    form = FactualCommentForm()
    form.set_choices(factual.section_choices(report), case_evidence(case))
    run = run_service(form, lambda: factual.add_comment(current_user, case, report, form.section.data,
                                                        form.comment.data, form.evidence_id(), form.new_evidence()))
    if not run.ok:
        return _report_page(case, report, comment_form=form, status=run.status)
    flash(_("Your comment was sent to the panel chair."), "success")
    return redirect(url_for("reviews.report_page", case_id=case.id, _anchor="comments"))


@bp.route("/cases/<int:case_id>/report/no-further-comments", methods=["POST"])
@login_required
def report_no_further_comments(case_id: int):
    case = load_case(case_id)
    report = _readable_report(case)
    require(can_comment_on_report(current_user, case))
    form = ButtonForm(prefix="no-further")
    run = run_service(form, lambda: factual.declare_no_further_comments(current_user, case, report))
    if not run.ok:
        return _report_page(case, report, status=run.status, no_further_form=form)
    flash(_("You declared that the institution has no further comments."), "success")
    return redirect(url_for("reviews.report_page", case_id=case.id, _anchor="comments"))


@bp.route("/cases/<int:case_id>/report/comments/<int:comment_id>/answer", methods=["POST"])
@login_required
def report_answer(case_id: int, comment_id: int):
    case = load_case(case_id)
    report = _readable_report(case)
    require(can_answer_factual_comments(current_user, case))
    comment = db.session.get(FactualComment, comment_id)
    if comment is None or comment.report_id != report.id:
        abort(404)
    form = FactualAnswerForm(prefix=f"comment-{comment.id}")
    run = run_service(form, lambda: factual.answer_comment(current_user, case, comment, form.response.data,
                                                           form.answer.data))
    if not run.ok:
        return _report_page(case, report, answer_forms={comment_id: form}, status=run.status)
    flash(_("Your answer was saved."), "success")
    return redirect(url_for("reviews.report_page", case_id=case.id, _anchor=f"comment-{comment.id}"))


@bp.route("/cases/<int:case_id>/report/answers", methods=["POST"])
@login_required
def report_answers(case_id: int):
    """The chair's answers to every comment in one form: typing in one answer is never lost by saving another."""
    case = load_case(case_id)
    report = _readable_report(case)
    require(can_answer_factual_comments(current_user, case))
    answers_form = ButtonForm()
    forms = {comment.id: FactualAnswerRowForm(prefix=f"comment-{comment.id}", meta={"csrf": False})
             for comment in factual.comments_of(report) if f"comment-{comment.id}-answer" in request.form}
    valid = answers_form.validate_on_submit()
    valid = all([form.validate() for form in forms.values()]) and valid
    if not valid:
        return _report_page(case, report, answer_forms=forms, status=400, answers_form=answers_form)

    def attach(form, error):
        for comment_id, field, message in getattr(error, "problems", None) or [(None, None, error.message)]:
            target = getattr(forms.get(comment_id), field or "", None) if comment_id else None
            if target is not None:
                target.errors = [*target.errors, message]
            else:
                form.form_errors.append(message)
    run = run_service(answers_form, lambda: factual.answer_comments(
        current_user, case, report, {cid: (form.response.data or "", form.answer.data or "")
                                     for cid, form in forms.items()}), attach=attach)
    if not run.ok:
        return _report_page(case, report, answer_forms=forms, status=run.status, answers_form=answers_form)
    flash(_("Saved the answers (%(count)s changed).", count=len(run.result)), "success")
    return redirect(url_for("reviews.report_page", case_id=case.id, _anchor="comments"))


def _versions(report) -> list[PanelReportVersion]:
    return list(db.session.scalars(select(PanelReportVersion).where(PanelReportVersion.report_id == report.id)
                                   .options(joinedload(PanelReportVersion.created_by))
                                   .order_by(PanelReportVersion.number)))


def _version(report, number: int) -> PanelReportVersion:
    return db.first_or_404(select(PanelReportVersion).where(PanelReportVersion.report_id == report.id,
                                                            PanelReportVersion.number == number))


@bp.route("/cases/<int:case_id>/report/versions")
@login_required
def report_versions(case_id: int):
    case = load_case(case_id)
    report = _readable_report(case)
    return render_template("reviews/report/versions.html", case=case, report=report, versions=_versions(report))


@bp.route("/cases/<int:case_id>/report/versions/<int:number>")
@login_required
def report_version(case_id: int, number: int):
    case = load_case(case_id)
    report = _readable_report(case)
    version = _version(report, number)
    return render_template("reviews/report/version.html", case=case, report=report, version=version,
                           content=version.content)


def _pdf_response(case, content: dict, sha256: str | None, label: str) -> Response:
    filename = f"{case.reference}-panel-report-{label}.pdf"
    return Response(report_pdf(content, sha256), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/cases/<int:case_id>/report.pdf")
@login_required
def report_pdf_current(case_id: int):
    case = load_case(case_id)
    report = _readable_report(case)
    latest = factual.latest_version(report)
    if latest is not None and (latest.is_final or not _panel_side(current_user, case)):
        return _pdf_response(case, latest.content, latest.sha256 if latest.is_final else None,
                             "final" if latest.is_final else f"v{latest.number}")
    return _pdf_response(case, reports.report_content(report, latest.number if latest else None), None, "draft")


@bp.route("/cases/<int:case_id>/report/versions/<int:number>.pdf")
@login_required
def report_version_pdf(case_id: int, number: int):
    case = load_case(case_id)
    report = _readable_report(case)
    version = _version(report, number)
    return _pdf_response(case, version.content, version.sha256 if version.is_final else None, f"v{version.number}")
