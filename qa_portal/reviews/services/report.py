"""The panel report: generated from the consensus judgements when drafting starts, edited by the chair (or the
secretary) per standard and overall, checked against the decision rule, and frozen into numbered versions when
it is sent, re-saved after sending, and finalised (the final one with its SHA-256).

The factual-accuracy comments and their answers live in services/factual.py; this module registers the report's
rules on the case workflow.
"""
import hashlib
import json
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from qa_portal.core.dates import format_moment
from qa_portal.audit.services import record
from qa_portal.auth.models import User
from qa_portal.core.errors import DomainError
from qa_portal.core.versioning import ensure_version, flush_or_conflict
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import object_effect, problems_guard
from qa_portal.extensions import db
from qa_portal.pilots.models import Outcome, OutcomeScheme
from qa_portal.reviews.models import (
    Case, CaseAction, CaseState, ConsensusJudgement, FactualComment, MemberStatus, PanelMember, PanelReport,
    PanelReportVersion, PanelRole, ReportAction, ReportSection, ReportStatus,
)
from qa_portal.reviews.services.decision_rule import RuleVerdict, check_outcome
from qa_portal.reviews.services.self_evaluation import version_levels, version_standards
from qa_portal.reviews.workflow import CASE_WORKFLOW, REPORT_WORKFLOW

__all__ = ["ReportLocked", "report_of", "outcome_scheme_for", "outcome_choices", "decision_rule_breaches",
           "recommendation_verdict",
           "save_section", "save_conclusion", "report_content", "canonical_json", "content_sha256",
           "add_working_days", "on_drafting_started", "send_problems", "on_sent", "finalise_problems",
           "on_finalised", "REPORT_FIELDS"]

# The per-standard texts of a section, in the order the report shows them.
REPORT_FIELDS = ("findings", "strengths", "areas_for_improvement", "recommendations")


class ReportLocked(DomainError):
    """The report cannot change now: it is final, or the case is not at a report stage (HTTP 409)."""

    status_code = 409


# --- reading -------------------------------------------------------------------------------------------------

def report_of(case: Case) -> PanelReport | None:
    """The case's panel report (sections loaded), or None before drafting started."""
    return db.session.scalar(select(PanelReport).where(PanelReport.case_id == case.id))


def outcome_scheme_for(case: Case) -> OutcomeScheme | None:
    """The outcome scheme of the case's call; a case opened without an application uses the shipped "pilot"
    scheme (the pilot's default), or else the oldest scheme."""
    if case.application is not None:
        return case.application.call.outcome_scheme
    return (db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == "pilot"))
            or db.session.scalar(select(OutcomeScheme).order_by(OutcomeScheme.id).limit(1)))


def outcome_choices(case: Case) -> list[Outcome]:
    """The outcomes the panel may recommend, in the scheme's order."""
    scheme = outcome_scheme_for(case)
    return list(scheme.outcomes) if scheme is not None else []


def _scale(case: Case) -> tuple[list, object | None]:
    """The case's compliance scale (best first) and its worst applicable level (non-compliant)."""
    levels = version_levels(case)
    applicable = [level for level in levels if not level.not_applicable]
    return levels, (applicable[-1] if applicable else None)


def _consensus(case: Case) -> dict[int, ConsensusJudgement]:
    """The panel's consensus judgements of the case keyed by criterion id."""
    return {judgement.criterion_id: judgement for judgement in db.session.scalars(
        select(ConsensusJudgement).where(ConsensusJudgement.case_id == case.id))}


def decision_rule_breaches(case: Case) -> list:
    """The mandatory criteria whose consensus is the scale's worst level (non-compliant), in order."""
    _levels, worst = _scale(case)
    if worst is None:
        return []
    consensus = _consensus(case)
    return [criterion for standard in version_standards(case) for criterion in standard.criteria
            if criterion.mandatory and getattr(consensus.get(criterion.id), "level_id", None) == worst.id]


def recommendation_verdict(case: Case, report: PanelReport) -> RuleVerdict:
    """The decision rule's verdict on the panel's recommended outcome and the chair's reason (decision_rule.py)."""
    return check_outcome(case, report.recommended_outcome, report.recommendation_reason)


# --- generating and editing -------------------------------------------------------------------------------

def _generated_findings(standard, consensus: dict) -> str:
    """The findings text prefilled from each criterion's consensus level and rationale."""
    blocks = []
    for criterion in standard.criteria:
        judgement = consensus.get(criterion.id)
        if judgement is None:
            blocks.append(_("%(code)s — no consensus recorded.", code=criterion.code))
        else:
            blocks.append(f"{criterion.code} — {judgement.level.label}: {judgement.rationale.strip()}")
    return "\n\n".join(blocks)


def _standard_level(standard, consensus: dict, order: dict):
    """The standard's judgement: the worst consensus level among its criteria, not-applicable ignored."""
    levels = [consensus[c.id].level for c in standard.criteria
              if c.id in consensus and not consensus[c.id].level.not_applicable]
    return max(levels, key=lambda level: order[level.id]) if levels else None


def on_drafting_started(case: Case, actor) -> None:
    """Create the report draft from the consensus judgements when drafting starts (once; later calls only add
    sections for standards still missing)."""
    report = report_of(case)
    created = report is None
    if created:
        report = PanelReport(case_id=case.id, status=ReportStatus.DRAFT)
        db.session.add(report)
    levels, _worst = _scale(case)
    order = {level.id: index for index, level in enumerate(levels)}
    consensus = _consensus(case)
    present = {section.standard_id for section in report.sections}
    for position, standard in enumerate(version_standards(case), 1):
        if standard.id in present:
            continue
        level = _standard_level(standard, consensus, order)
        report.sections.append(ReportSection(standard_id=standard.id, position=position,
                                             findings=_generated_findings(standard, consensus),
                                             level_id=level.id if level else None))
    db.session.flush()
    if created:
        record(actor, "panel_report.generate", report, f"{case.reference}: panel report drafted from consensus",
               {"sections": len(report.sections)})


def ensure_report_editable(case: Case, report: PanelReport | None) -> PanelReport:
    """Refuse changes unless the report exists, is not final, and the case is drafting or in the factual check."""
    if report is None:
        raise ReportLocked(_("The panel report has not been started: it is drafted once the site visit closes."))
    if report.status == ReportStatus.FINAL:
        raise ReportLocked(_("The panel report is final and can no longer be changed."))
    if case.state not in (CaseState.REPORT_DRAFTING, CaseState.FACTUAL_ACCURACY):
        raise ReportLocked(_("The panel report can only be changed while it is drafted or checked for accuracy."))
    return report


def _after_save(actor, report: PanelReport, action: str, summary: str, details: dict) -> None:
    """Audit a save; once the report was sent, every save freezes a new version."""
    db.session.flush()
    if report.status == ReportStatus.SENT:
        version = freeze_version(report, actor)
        details = {**details, "version": version.number}
    record(actor, action, report, summary, details)


def save_section(actor, case: Case, section: ReportSection, texts: dict, level_id: int | None,
                 expected_version: int | None = None) -> ReportSection:
    """Save a standard's findings, strengths, areas for improvement, recommendations and judgement; a save typed
    on an older version of the section (the chair and the secretary both edit) is a conflict."""
    ensure_report_editable(case, section.report)
    if expected_version is not None:
        ensure_version(section, expected_version, _("Someone else saved this section after you opened it. "
                                                    "Compare the two texts below."))
    levels = {level.id: level for level in version_levels(case)}
    if level_id is not None and level_id not in levels:
        raise DomainError(_("Choose a level of the case's compliance scale."), field="level")
    if not (texts.get("findings") or "").strip():
        raise DomainError(_("Write the panel's findings for this standard."), field="findings")
    for name in REPORT_FIELDS:
        setattr(section, name, (texts.get(name) or "").strip())
    section.level = levels.get(level_id)
    section_id = section.id
    flush_or_conflict(_("Someone else saved this section at the same moment. Compare the two texts below."),
                      lambda: db.session.get(ReportSection, section_id))
    _after_save(actor, section.report, "panel_report.section", f"{case.reference}: report section "
                f"{section.standard.code} saved", {"standard": section.standard.code, "level_id": level_id})
    return section


def save_conclusion(actor, case: Case, report: PanelReport, conclusion: str, outcome_id: int | None,
                    reason: str) -> PanelReport:
    """Save the overall conclusion and recommended outcome, refused when it breaks the decision rule as
    decision_rule.check_outcome reads it (e.g. positive while mandatory criteria are partially compliant, without
    a reason naming each)."""
    ensure_report_editable(case, report)
    outcomes = {outcome.id: outcome for outcome in outcome_choices(case)}
    if outcome_id is not None and outcome_id not in outcomes:
        raise DomainError(_("Choose an outcome of the call's outcome scheme."), field="recommended_outcome")
    outcome = outcomes.get(outcome_id)
    reason = (reason or "").strip()
    verdict = check_outcome(case, outcome, reason)
    if not verdict.ok:
        raise DomainError(" ".join(verdict.problems), field="recommendation_reason")
    report.overall_conclusion = (conclusion or "").strip()
    report.recommended_outcome = outcome
    report.recommendation_reason = reason
    _after_save(actor, report, "panel_report.conclusion", f"{case.reference}: report conclusion saved",
                {"outcome": outcome.code if outcome else None, "reason_given": bool(reason)})
    return report


# --- versions ------------------------------------------------------------------------------------------------

def _panel(case: Case) -> list[dict]:
    """The cleared panel members' names and roles, chair first and secretary last (one query)."""
    rows = db.session.execute(select(User.full_name, PanelMember.role, PanelMember.id).join(
        User, User.id == PanelMember.user_id).where(PanelMember.case_id == case.id,
                                                    PanelMember.status == MemberStatus.CLEARED)).all()
    ranked = sorted(rows, key=lambda row: (row.role != PanelRole.CHAIR, row.role == PanelRole.SECRETARY, row.id))
    return [{"name": row.full_name, "role": str(row.role)} for row in ranked]


def report_content(report: PanelReport, number: int | None = None, final: bool = False) -> dict:
    """The report as plain JSON-ready data: what a version freezes and what the pages and PDF render."""
    case = report.case
    outcome = report.recommended_outcome
    return {
        "case": {"reference": case.reference, "institution": case.institution.name_en,
                 "institution_hy": case.institution.name_hy or "",
                 "standard_version": case.standard_version.label},
        "number": number,
        "final": final,
        "panel": _panel(case),
        "sections": [{
            "section_id": section.id, "code": section.standard.code, "title": section.standard.title,
            **{name: getattr(section, name) for name in REPORT_FIELDS},
            "level": {"code": section.level.code, "label": section.level.label} if section.level else None,
        } for section in report.sections],
        "overall_conclusion": report.overall_conclusion,
        "recommended_outcome": {"code": outcome.code, "label_en": outcome.label_en, "label_hy": outcome.label_hy,
                                "kind": str(outcome.kind)} if outcome else None,
        "recommendation_reason": report.recommendation_reason,
    }


def canonical_json(content: dict) -> str:
    """The content as canonical JSON: sorted keys, no spaces, UTF-8 text kept."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_sha256(content: dict) -> str:
    """The SHA-256 of the content's canonical JSON."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def freeze_version(report: PanelReport, actor, final: bool = False) -> PanelReportVersion:
    """Freeze the report as its next numbered version (JSON content with its SHA-256)."""
    number = (db.session.scalar(select(func.max(PanelReportVersion.number))
                                .where(PanelReportVersion.report_id == report.id)) or 0) + 1
    content = report_content(report, number, final)
    version = PanelReportVersion(report_id=report.id, number=number, content=content, sha256=content_sha256(content),
                                 is_final=final, created_by_id=getattr(actor, "id", None))
    db.session.add(version)
    db.session.flush()
    record(actor, "panel_report.version", report, f"{report.case.reference}: report version {number} frozen",
           {"number": number, "sha256": version.sha256, "final": final})
    return version


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days (Monday to Friday) after start, at the same time of day."""
    moment = start
    while days > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


# --- workflow hooks ------------------------------------------------------------------------------------------

def send_problems(case: Case) -> list[str]:
    """Why the draft cannot be sent to the institution yet: every section needs findings and a judgement, the
    report an overall conclusion and a recommended outcome, every criterion a consensus, and a recommendation
    departing from the decision rule the chair's reason."""
    report = report_of(case)
    if report is None:
        return [_("The panel report has not been drafted.")]
    problems = []
    for section in report.sections:
        if not section.findings.strip():
            problems.append(_("%(code)s has no findings", code=section.standard.code))
        if section.level_id is None:
            problems.append(_("%(code)s has no judgement", code=section.standard.code))
    if not report.overall_conclusion.strip():
        problems.append(_("the overall conclusion is missing"))
    if report.recommended_outcome_id is None:
        problems.append(_("no outcome is recommended"))
    consensus = _consensus(case)
    missing = [c.code for s in version_standards(case) for c in s.criteria if c.id not in consensus]
    if missing:
        problems.append(_("no consensus judgement for %(criteria)s", criteria=", ".join(missing)))
    problems += recommendation_verdict(case, report).problems
    return problems


def on_sent(case: Case, actor) -> None:
    """Freeze the sent version and send the report, which opens the factual-accuracy window
    (QA_FACTUAL_CHECK_WORKING_DAYS working days)."""
    report = report_of(case)
    freeze_version(report, actor)
    due_at = add_working_days(utcnow(), current_app.config["QA_FACTUAL_CHECK_WORKING_DAYS"])
    REPORT_WORKFLOW.apply(report, ReportAction.SEND, actor, system=True, due_at=due_at)


def finalise_problems(case: Case) -> list[str]:
    """Why the report cannot be finalised yet: an unanswered comment always blocks; the institution's window must
    have ended — its due date passed, or it declared "no further comments" (one comment does not end it)."""
    report = report_of(case)
    if report is None or report.status != ReportStatus.SENT:
        return [_("The report has not been sent to the institution.")]
    counts = db.session.execute(select(func.count(FactualComment.id),
                                       func.count(FactualComment.id).filter(FactualComment.response.is_(None)))
                                .where(FactualComment.report_id == report.id)).one()
    problems = []
    if counts[1]:
        problems.append(_("%(count)s factual-accuracy comment(s) are not answered", count=counts[1]))
    if report.no_further_comments_at is None and utcnow() <= report.factual_check_due_at:
        problems.append(_("the institution's factual-accuracy window is open until %(due)s (unless it declares "
                          "that it has no further comments)",
                          due=format_moment(report.factual_check_due_at)))
    return problems


def on_finalised(case: Case, actor) -> None:
    """Freeze the final version with its SHA-256 and finalise the report with it."""
    report = report_of(case)
    version = freeze_version(report, actor, final=True)
    REPORT_WORKFLOW.apply(report, ReportAction.FINALISE, actor, system=True, version=version)


# --- the report's rules on the case workflow (reviews/workflow.py holds the table) ------------------------------
# Leaving the visit (closed or skipped) drafts the report from the consensus; sending and finalising check the
# report and freeze its versions.
for _action in (CaseAction.SKIP_SITE_VISIT, CaseAction.CLOSE_SITE_VISIT):
    CASE_WORKFLOW.extend(_action, effects=[object_effect(on_drafting_started)])
CASE_WORKFLOW.extend(CaseAction.SEND_FOR_FACTUAL_CHECK, guards=[problems_guard(
    send_problems, _l("The report cannot be sent for the factual-accuracy check yet: %(problems)s"))],
    effects=[object_effect(on_sent)])
CASE_WORKFLOW.extend(CaseAction.FINALISE_REPORT, guards=[problems_guard(
    finalise_problems, _l("The report cannot be finalised yet: %(problems)s"))], effects=[object_effect(on_finalised)])
