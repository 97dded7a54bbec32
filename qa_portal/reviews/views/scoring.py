"""Desk review pages: a member's judgements beside the SER, submitting them, the divergence summary with the
chair's consensus forms, and the internal scoring-summary PDF."""
from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_portal.core.access import login_required, require
from qa_portal.core.confirm import Confirmation
from qa_portal.core.forms import run_service
from qa_portal.core.models import utcnow
from qa_portal.reviews.services import scoring
from qa_portal.reviews.forms import ConsensusForm, JudgementForm, SubmitJudgementsForm
from qa_portal.reviews.models import CaseState
from qa_portal.reviews.permissions import can_record_consensus, can_score, can_view_scoring_summary
from qa_portal.reviews.pdf import scoring_summary_pdf
from qa_portal.reviews.services.self_evaluation import case_evidence, entries_by_criterion, evidence_by_criterion, \
    version_levels, version_standards
from qa_portal.reviews.views import bp
from qa_portal.reviews.views.common import load_case

# The stages in which the scoring card and pages have something to show.
SCORING_STATES = (CaseState.DESK_REVIEW, CaseState.SITE_VISIT, CaseState.REPORT_DRAFTING,
                  CaseState.FACTUAL_ACCURACY, CaseState.DECISION_PENDING, CaseState.DECIDED, CaseState.PUBLISHED,
                  CaseState.FOLLOW_UP, CaseState.CLOSED, CaseState.APPEAL_LODGED, CaseState.APPEAL_DECIDED)


def _judgement_form(criterion, judgement, levels, evidence, formdata=None) -> JudgementForm:
    prefix = f"c{criterion.id}"
    if formdata is not None:
        form = JudgementForm(prefix=prefix)
    else:
        form = JudgementForm(prefix=prefix, formdata=None,
                             level=str(judgement.level_id or "") if judgement else "",
                             rationale=judgement.rationale if judgement else "",
                             evidence=[item.id for item in judgement.evidence] if judgement else [])
    form.set_choices(levels, evidence)
    return form


def _scoring_page(case, member, posted: dict | None = None, submit_form=None, status: int = 200):
    """The member's page: per criterion the SER entry beside their judgement form (or their locked judgement)."""
    standards, levels, evidence = version_standards(case), version_levels(case), case_evidence(case)
    judgements = scoring.judgements_of(member)
    forms = {}
    for criterion in scoring.criteria_in_order(standards):
        if posted and criterion.id in posted:
            forms[criterion.id] = posted[criterion.id]
        else:
            forms[criterion.id] = _judgement_form(criterion, judgements.get(criterion.id), levels, evidence)
    return render_template(
        "reviews/scoring/member.html", case=case, member=member, standards=standards, levels=levels,
        evidence=evidence, evidence_links=evidence_by_criterion(evidence), entries=entries_by_criterion(case),
        judgements=judgements, forms=forms, submit_form=submit_form or SubmitJudgementsForm(),
        missing=scoring.missing_judgements(case, member, judgements, standards),
        others=scoring.others_judgements(case, member),
        editable=case.state == CaseState.DESK_REVIEW and member.scores_submitted_at is None,
    ), status


def _criterion(case, criterion_id: int):
    criterion = next((c for c in scoring.criteria_in_order(version_standards(case)) if c.id == criterion_id), None)
    if criterion is None:
        abort(404)
    return criterion


def _my_seat(case):
    require(can_score(current_user, case))
    member = scoring.scoring_seat(current_user, case)
    if member is None or case.state not in SCORING_STATES:
        abort(404)
    return member


@bp.route("/cases/<int:case_id>/scoring")
@login_required
def scoring_page(case_id: int):
    case = load_case(case_id)
    return _scoring_page(case, _my_seat(case))


@bp.route("/cases/<int:case_id>/scoring/criteria/<int:criterion_id>", methods=["POST"])
@login_required
def scoring_save(case_id: int, criterion_id: int):
    case = load_case(case_id)
    member = _my_seat(case)
    criterion = _criterion(case, criterion_id)
    form = _judgement_form(criterion, None, version_levels(case), case_evidence(case), formdata=True)
    run = run_service(form, lambda: scoring.save_judgement(current_user, member, criterion.id, form.level_id(),
                                                           form.rationale.data, form.evidence.data or []))
    if not run.ok:
        return _scoring_page(case, member, {criterion.id: form}, status=run.status)
    flash(_("Saved your judgement of %(code)s.", code=criterion.code), "success")
    return redirect(url_for("reviews.scoring_page", case_id=case.id, _anchor=f"criterion-{criterion.id}"))


@bp.route("/cases/<int:case_id>/scoring/submit", methods=["POST"])
@login_required
def scoring_submit(case_id: int):
    case = load_case(case_id)
    member = _my_seat(case)
    form = SubmitJudgementsForm()
    confirm = Confirmation(_("Submit my judgements"), _(
        "Your judgements of every criterion become final and cannot be changed. The panel's chair is told and sees "
        "them in the scoring summary; you can then see the other members' judgements."),
        url_for("reviews.scoring_page", case_id=case.id))
    ready = member.scores_submitted_at is None and not scoring.missing_judgements(case, member)
    run = run_service(form, lambda: scoring.submit_judgements(current_user, member), confirm=confirm if ready else None)
    if not run.ok:
        return _scoring_page(case, member, submit_form=form, status=run.status)
    flash(_("Your judgements were submitted to the panel's chair. You can now see the other members' judgements."),
          "success")
    return redirect(url_for("reviews.scoring_page", case_id=case.id))


def _summary_page(case, posted: dict | None = None, status: int = 200):
    summary = scoring.scoring_summary(case, current_user)
    may_record = can_record_consensus(current_user, case) and case.state in scoring.CONSENSUS_STATES
    forms = {}
    if may_record:
        for criterion_id, row in summary.rows.items():
            if posted and criterion_id in posted:
                forms[criterion_id] = posted[criterion_id]
                continue
            consensus = row.consensus
            form = ConsensusForm(prefix=f"k{criterion_id}", formdata=None,
                                 level=str(consensus.level_id) if consensus else "",
                                 rationale=consensus.rationale if consensus else "")
            form.set_choices(summary.levels)
            forms[criterion_id] = form
    return render_template("reviews/scoring/summary.html", case=case, summary=summary, forms=forms,
                           role_labels=scoring.ROLE_LABELS, now=utcnow()), status


@bp.route("/cases/<int:case_id>/scoring/summary")
@login_required
def scoring_summary(case_id: int):
    case = load_case(case_id)
    require(can_view_scoring_summary(current_user, case))
    if case.state not in SCORING_STATES:
        abort(404)
    return _summary_page(case)


@bp.route("/cases/<int:case_id>/scoring/criteria/<int:criterion_id>/consensus", methods=["POST"])
@login_required
def scoring_consensus(case_id: int, criterion_id: int):
    case = load_case(case_id)
    require(can_record_consensus(current_user, case))
    criterion = _criterion(case, criterion_id)
    form = ConsensusForm(prefix=f"k{criterion.id}")
    form.set_choices(version_levels(case))
    run = run_service(form, lambda: scoring.record_consensus(current_user, case, criterion.id, form.level_id(),
                                                             form.rationale.data))
    if not run.ok:
        return _summary_page(case, {criterion.id: form}, status=run.status)
    flash(_("Recorded the panel's consensus on %(code)s.", code=criterion.code), "success")
    return redirect(url_for("reviews.scoring_summary", case_id=case.id, _anchor=f"criterion-{criterion.id}"))


@bp.route("/cases/<int:case_id>/scoring/summary.pdf")
@login_required
def scoring_summary_pdf_download(case_id: int):
    case = load_case(case_id)
    require(can_view_scoring_summary(current_user, case))
    if case.state not in SCORING_STATES:
        abort(404)
    summary = scoring.scoring_summary(case, current_user)
    filename = f"{case.reference}-scoring-summary.pdf"
    return Response(scoring_summary_pdf(case, summary), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.app_context_processor
def scoring_card_helpers() -> dict:
    """The case page's scoring card asks for its facts only when it renders (a constant number of queries)."""
    def scoring_card(case) -> dict | None:
        if case.state not in SCORING_STATES:
            return None
        seat = scoring.scoring_seat(current_user, case)
        if seat is None and not can_view_scoring_summary(current_user, case):
            return None
        members = scoring.scoring_members(case)
        waiting = [member for member in members if member.scores_submitted_at is None]
        return {"seat": seat, "members": members, "submitted": len(members) - len(waiting), "waiting": waiting}
    return {"scoring_card": scoring_card}
