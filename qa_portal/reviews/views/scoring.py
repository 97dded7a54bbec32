"""Desk review pages: a member's judgements beside the SER in one form (Save all, or save and submit), the summary
grid (criteria × members, divergence flagged) with the chair's consensus entered in place, and the internal PDF."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_portal.core.access import login_required, require
from qa_portal.core.confirm import Confirmation, ask_first
from qa_portal.core.forms import run_service
from qa_portal.core.models import utcnow
from qa_portal.reviews.services import scoring, scoring_pages
from qa_portal.reviews.forms import ConsensusCellForm, ConsensusForm, JudgementForm, ScoringPageForm
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


def _judgement_form(criterion, judgement, levels, evidence, posted: bool = False) -> JudgementForm:
    """One criterion's row of the member's page (the page's one form carries the CSRF token)."""
    prefix = f"c{criterion.id}"
    if posted:
        form = JudgementForm(prefix=prefix, meta={"csrf": False})
    else:
        form = JudgementForm(prefix=prefix, meta={"csrf": False}, formdata=None,
                             version=str(judgement.version) if judgement else "",
                             level=str(judgement.level_id or "") if judgement else "",
                             rationale=judgement.rationale if judgement else "",
                             evidence=[item.id for item in judgement.evidence] if judgement else [])
    form.set_choices(levels, evidence)
    return form


def _posted_prefixes(criteria, letter: str) -> list:
    """The criteria whose row the request carries (a row left out is never read as blank)."""
    return [criterion for criterion in criteria if f"{letter}{criterion.id}-level" in request.form]


def _rows_valid(page_form, forms: dict) -> bool:
    valid = page_form.validate_on_submit()
    return all([form.validate() for form in forms.values()]) and valid


def _scoring_page(case, member, posted: dict | None = None, page_form=None, conflicts=None, status: int = 200):
    """The member's page: per criterion the SER entry beside their judgement row (or their locked judgement)."""
    standards, levels, evidence = version_standards(case), version_levels(case), case_evidence(case)
    judgements = scoring.judgements_of(member)
    forms = {criterion.id: (posted or {}).get(criterion.id)
             or _judgement_form(criterion, judgements.get(criterion.id), levels, evidence)
             for criterion in scoring.criteria_in_order(standards)}
    return render_template(
        "reviews/scoring/member.html", case=case, member=member, standards=standards, levels=levels,
        evidence=evidence, evidence_links=evidence_by_criterion(evidence), entries=entries_by_criterion(case),
        judgements=judgements, forms=forms, page_form=page_form or ScoringPageForm(), conflicts=conflicts or {},
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


def _save_member_rows(case, member, criteria, submit: bool = False):
    """Save the posted rows of the member's page at once (and submit them when asked); the page again on refusal."""
    page_form = ScoringPageForm()
    levels, evidence = version_levels(case), case_evidence(case)
    forms = {criterion.id: _judgement_form(criterion, None, levels, evidence, posted=True) for criterion in criteria}
    if not _rows_valid(page_form, forms):
        return _scoring_page(case, member, forms, page_form, status=400), None
    inputs = [scoring_pages.JudgementInput(criterion_id=criterion_id, level_id=form.level_id(),
                                           rationale=form.rationale.data or "",
                                           evidence_ids=list(form.evidence.data or []),
                                           base_version=form.base_version())
              for criterion_id, form in forms.items()]

    def service():
        saved = scoring_pages.save_all_judgements(current_user, member, inputs)
        if submit:
            scoring.submit_judgements(current_user, member)
        return saved
    run = run_service(page_form, service)
    if run.ok:
        return None, run.result
    conflicts = run.error.conflicts if isinstance(run.error, scoring_pages.RowsConflict) else {}
    for criterion_id, current in conflicts.items():  # saving again overwrites, knowingly
        forms[criterion_id].version.data = str(current.version)
    return _scoring_page(case, member, forms, page_form, conflicts, status=run.status), None


@bp.route("/cases/<int:case_id>/scoring", methods=["GET", "POST"])
@login_required
def scoring_page(case_id: int):
    case = load_case(case_id)
    member = _my_seat(case)
    if request.method == "GET":
        return _scoring_page(case, member)
    page, saved = _save_member_rows(case, member, _posted_prefixes(
        scoring.criteria_in_order(version_standards(case)), "c"))
    if page is not None:
        return page
    flash(_("Saved your judgements of %(count)s criteria.", count=len(saved)), "success")
    return redirect(url_for("reviews.scoring_page", case_id=case.id))


@bp.route("/cases/<int:case_id>/scoring/criteria/<int:criterion_id>", methods=["POST"])
@login_required
def scoring_save(case_id: int, criterion_id: int):
    case = load_case(case_id)
    member = _my_seat(case)
    criterion = _criterion(case, criterion_id)
    page, _saved = _save_member_rows(case, member, [criterion])
    if page is not None:
        return page
    flash(_("Saved your judgement of %(code)s.", code=criterion.code), "success")
    return redirect(url_for("reviews.scoring_page", case_id=case.id, _anchor=f"criterion-{criterion.id}"))


@bp.route("/cases/<int:case_id>/scoring/submit", methods=["POST"])
@login_required
def scoring_submit(case_id: int):
    case = load_case(case_id)
    member = _my_seat(case)
    rows = _posted_prefixes(scoring.criteria_in_order(version_standards(case)), "c")
    certain_refusal = member.scores_submitted_at is not None or (not rows and scoring.missing_judgements(case, member))
    ask_first(None if certain_refusal else Confirmation(_("Submit my judgements"), _(
        "Your judgements of every criterion become final and cannot be changed. The panel's chair is told and sees "
        "them in the scoring summary; you can then see the other members' judgements."),
        url_for("reviews.scoring_page", case_id=case.id)))  # the confirmation re-posts every row typed
    page, _saved = _save_member_rows(case, member, rows, submit=True)
    if page is not None:
        return page
    flash(_("Your judgements were submitted to the panel's chair. You can now see the other members' judgements."),
          "success")
    return redirect(url_for("reviews.scoring_page", case_id=case.id))


def _level_classes(levels) -> dict:
    """A colour class per level of the scale (best first; not-applicable apart); the label is always shown too."""
    ranked = [level for level in levels if not level.not_applicable]
    classes = {level.id: f"level-{min(index, 3)}" for index, level in enumerate(ranked)}
    classes.update({level.id: "level-na" for level in levels if level.not_applicable})
    return classes


def _consensus_cell(criterion_id: int, consensus, levels, posted: bool = False) -> ConsensusCellForm:
    if posted:
        form = ConsensusCellForm(prefix=f"k{criterion_id}", meta={"csrf": False})
    else:
        form = ConsensusCellForm(prefix=f"k{criterion_id}", meta={"csrf": False}, formdata=None,
                                 version=str(consensus.version) if consensus else "",
                                 level=str(consensus.level_id) if consensus else "",
                                 rationale=consensus.rationale if consensus else "")
    form.set_choices(levels)
    return form


def _summary_page(case, posted: dict | None = None, page_form=None, conflicts=None, status: int = 200):
    summary = scoring.scoring_summary(case, current_user)
    may_record = (can_record_consensus(current_user, case) and case.state in scoring.CONSENSUS_STATES
                  and summary.reveals)
    forms = {}
    if may_record:
        forms = {criterion_id: (posted or {}).get(criterion_id)
                 or _consensus_cell(criterion_id, row.consensus, summary.levels)
                 for criterion_id, row in summary.rows.items()}
    return render_template("reviews/scoring/summary.html", case=case, summary=summary, forms=forms,
                           page_form=page_form or ScoringPageForm(), conflicts=conflicts or {},
                           level_classes=_level_classes(summary.levels), role_labels=scoring.ROLE_LABELS,
                           now=utcnow()), status


@bp.route("/cases/<int:case_id>/scoring/summary", methods=["GET", "POST"])
@login_required
def scoring_summary(case_id: int):
    case = load_case(case_id)
    require(can_view_scoring_summary(current_user, case))
    if case.state not in SCORING_STATES:
        abort(404)
    if request.method == "GET":
        return _summary_page(case)
    require(can_record_consensus(current_user, case))
    criteria = _posted_prefixes(scoring.criteria_in_order(version_standards(case)), "k")
    page, recorded = _save_consensus_cells(case, criteria)
    if page is not None:
        return page
    flash(_("Recorded the panel's consensus on %(count)s criteria.", count=len(recorded)), "success")
    return redirect(url_for("reviews.scoring_summary", case_id=case.id))


def _save_consensus_cells(case, criteria, form_class=None):
    """Record the posted consensus cells at once; a started cell needs a level and a rationale."""
    page_form = ScoringPageForm()
    levels = version_levels(case)
    forms = {}
    for criterion in criteria:
        if form_class is not None:
            forms[criterion.id] = form_class(prefix=f"k{criterion.id}", meta={"csrf": False})
            forms[criterion.id].set_choices(levels)
        else:
            forms[criterion.id] = _consensus_cell(criterion.id, None, levels, posted=True)
    valid = _rows_valid(page_form, forms)
    for form in forms.values():
        if form.level.data and not (form.rationale.data or "").strip():
            form.rationale.errors = [*form.rationale.errors, _("Write the panel's rationale.")]
            valid = False
        elif (form.rationale.data or "").strip() and not form.level.data:
            form.level.errors = [*form.level.errors, _("Choose the panel's level.")]
            valid = False
    if not valid:
        return _summary_page(case, forms, page_form, status=400), None
    inputs = [scoring_pages.ConsensusInput(criterion_id=criterion_id, level_id=form.level_id(),
                                           rationale=form.rationale.data or "", base_version=form.base_version())
              for criterion_id, form in forms.items()]
    run = run_service(page_form, lambda: scoring_pages.record_consensus_grid(current_user, case, inputs))
    if run.ok:
        return None, run.result
    conflicts = run.error.conflicts if isinstance(run.error, scoring_pages.RowsConflict) else {}
    for criterion_id, current in conflicts.items():
        forms[criterion_id].version.data = str(current.version)
    return _summary_page(case, forms, page_form, conflicts, status=run.status), None


@bp.route("/cases/<int:case_id>/scoring/criteria/<int:criterion_id>/consensus", methods=["POST"])
@login_required
def scoring_consensus(case_id: int, criterion_id: int):
    case = load_case(case_id)
    require(can_record_consensus(current_user, case))
    criterion = _criterion(case, criterion_id)
    page, _recorded = _save_consensus_cells(case, [criterion], form_class=ConsensusForm)
    if page is not None:
        return page
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
