"""Demo steps of the panel report the reviews loader calls on a case it has brought to `report_drafting`:
draft_report → send_report → comment_on_report → answer_comments → finalise. Each step flushes, never commits."""
from qa_portal.reviews.services import factual
from qa_portal.reviews.services import report as reports
from qa_portal.reviews.models import CaseAction, CommentResponseKind, ReportStatus
from qa_portal.reviews.services.self_evaluation import version_levels
from qa_portal.reviews.workflow import CASE_WORKFLOW

STRENGTHS = ("The course team knows its learners well and the micro-credential is clearly placed in the faculty's "
             "offer; employers helped design the final project.")
AREAS = ("Learner feedback is collected after each run but not yet analysed or reported back to learners; the "
         "quality unit should close that loop.")
RECOMMENDATIONS = ("Analyse learner feedback after every run, publish a short summary of the changes made, and "
                   "record who took which decision in the faculty council's minutes.")
CONCLUSION = ("The panel read the self-evaluation and its evidence, met the management, the course team, learners "
              "and two employers, and judged each criterion against the agency's standards.\n\n"
              "The micro-credential is well designed and assessed; its quality assurance is sound but relies on "
              "individuals more than on documented processes. The panel's recommendation follows the decision rule.")
COMMENT_SECTION = ("The report says learner feedback is not analysed. The quality unit analysed the feedback of the "
                   "2025 run and presented it to the faculty council on 12 March 2026; the minutes are attached.")
COMMENT_OVERALL = ("The conclusion mentions two employers; three employers took part in the meeting with the panel "
                   "(the third joined online).")
ANSWER_ACCEPTED = ("Accepted: the minutes show the analysis. The findings and the area for improvement were revised "
                   "to say that feedback is analysed but not yet reported back to learners.")
ANSWER_REJECTED = ("Rejected: the visit's attendance list records two employers in the meeting; the third "
                   "employer's contribution was received in writing afterwards and is not part of the meeting.")


def _recommended_outcome(case):
    """The outcome the decision rule points to: negative with a non-compliant mandatory criterion, conditional
    when a section is judged below the scale's second level, else positive."""
    by_kind = {str(outcome.kind): outcome for outcome in reversed(reports.outcome_choices(case))}
    if reports.decision_rule_breaches(case):
        return by_kind.get("negative")
    applicable = [level.id for level in version_levels(case) if not level.not_applicable]
    below_second = set(applicable[2:])
    if any(section.level_id in below_second for section in reports.report_of(case).sections):
        return by_kind.get("conditional")
    return by_kind.get("positive")


def draft_report(case, chair_member) -> None:
    """The chair completes every generated section with strengths, areas and recommendations, and writes the
    conclusion and recommendation (the report is generated first if drafting has not created it)."""
    if reports.report_of(case) is None:
        reports.on_drafting_started(case, chair_member.user)
    report = reports.report_of(case)
    for section in report.sections:
        texts = {"findings": section.findings or f"{section.standard.code}: the panel's findings.",
                 "strengths": STRENGTHS, "areas_for_improvement": AREAS, "recommendations": RECOMMENDATIONS}
        reports.save_section(chair_member.user, case, section, texts, section.level_id)
    outcome = _recommended_outcome(case)
    reports.save_conclusion(chair_member.user, case, report, CONCLUSION, outcome.id if outcome else None, "")


def send_report(case, chair_member) -> None:
    """The chair sends the draft to the institution for the factual-accuracy check (version 1)."""
    CASE_WORKFLOW.apply(case, CaseAction.SEND_FOR_FACTUAL_CHECK, chair_member.user)


def comment_on_report(case, hei_user) -> None:
    """The institution comments twice: on the first standard (with an evidence file) and on the conclusion."""
    report = reports.report_of(case)
    evidence = case.evidence[0].id if case.evidence else None
    factual.add_comment(hei_user, case, report, str(report.sections[0].id), COMMENT_SECTION, evidence)
    factual.add_comment(hei_user, case, report, factual.OVERALL, COMMENT_OVERALL)


def answer_comments(case, chair_member) -> None:
    """The chair accepts the first comment (and revises that section: a new version) and rejects the second."""
    report = reports.report_of(case)
    for index, comment in enumerate(factual.comments_of(report)):
        accepted = index == 0
        factual.answer_comment(chair_member.user, case, comment,
                               CommentResponseKind.ACCEPTED if accepted else CommentResponseKind.REJECTED,
                               ANSWER_ACCEPTED if accepted else ANSWER_REJECTED)
        if accepted and comment.section is not None:
            section = comment.section
            texts = {name: getattr(section, name) for name in reports.REPORT_FIELDS}
            texts["findings"] += ("\n\nThe quality unit analysed the 2025 run's feedback and presented it to the "
                                  "faculty council (minutes of 12 March 2026).")
            texts["areas_for_improvement"] = "Report the analysis of learner feedback and the changes back to learners."
            reports.save_section(chair_member.user, case, section, texts, section.level_id)


def no_further_comments(case, hei_user) -> None:
    """The institution declares it has no further comments, which ends its factual-accuracy window early."""
    report = reports.report_of(case)
    if report.status == ReportStatus.SENT and report.no_further_comments_at is None:
        factual.declare_no_further_comments(hei_user, case, report)


def finalise(case, chair_member) -> None:
    """The chair finalises the report (every comment answered): frozen with its SHA-256, case decision pending."""
    if reports.report_of(case).status == ReportStatus.SENT:
        CASE_WORKFLOW.apply(case, CaseAction.FINALISE_REPORT, chair_member.user)
