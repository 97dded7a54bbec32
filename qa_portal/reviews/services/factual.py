"""The factual-accuracy check: the institution comments on sections of the sent draft (with optional evidence)
until its window closes; the chair answers each comment (accepted or rejected, with an answer) and revises the
report. Everything here is refused once the report is final."""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qa_portal.core.dates import format_moment
from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.reviews.models import (
    Case, CaseState, CommentResponseKind, Evidence, FactualComment, PanelReport, PanelReportVersion, ReportStatus,
)
from qa_portal.reviews.models import Confidentiality, EvidenceType
from qa_portal.reviews.services.evidence import store_evidence
from qa_portal.reviews.services.report import ReportLocked

__all__ = ["OVERALL", "RESPONSE_LABELS", "NewEvidence", "window_open", "comments_of", "latest_version",
           "section_choices", "add_comment", "answer_comment", "answer_comments", "AnswersRefused",
           "declare_no_further_comments"]


@dataclass
class NewEvidence:
    """A file the institution uploads with its factual-accuracy comment (stored as panel-only evidence)."""

    stream: object
    filename: str | None
    title: str
    language: str = "en"


OVERALL = "overall"  # the section key of the overall conclusion
RESPONSE_LABELS = {CommentResponseKind.ACCEPTED: _l("Accepted"), CommentResponseKind.REJECTED: _l("Rejected")}


def window_open(report: PanelReport | None) -> bool:
    """The institution may still comment: the report is sent (not final), its due date has not passed and it has
    not declared that it has no further comments."""
    return bool(report is not None and report.status == ReportStatus.SENT and report.factual_check_due_at
                and utcnow() <= report.factual_check_due_at and report.no_further_comments_at is None)


def comments_of(report: PanelReport) -> list[FactualComment]:
    """The report's comments, oldest first, with their authors and evidence (one query)."""
    return list(db.session.scalars(
        select(FactualComment).where(FactualComment.report_id == report.id)
        .options(joinedload(FactualComment.author), joinedload(FactualComment.evidence))
        .order_by(FactualComment.id)))


def latest_version(report: PanelReport) -> PanelReportVersion | None:
    """The newest frozen version of the report (what the institution reads)."""
    return db.session.scalar(select(PanelReportVersion).where(PanelReportVersion.report_id == report.id)
                             .order_by(PanelReportVersion.number.desc()).limit(1))


def section_choices(report: PanelReport) -> list[tuple[str, str]]:
    """(key, label) of every section a comment may concern: each standard, then the overall conclusion."""
    return [(str(section.id), f"{section.standard.code} {section.standard.title}") for section in report.sections] \
        + [(OVERALL, str(_("Overall conclusion and recommendation")))]


def _ensure_open_for_answers(case: Case, report: PanelReport) -> None:
    """Refuse unless the report is with the institution (sent, not final) and the case is in the factual check."""
    if report.status == ReportStatus.FINAL:
        raise ReportLocked(_("The panel report is final: comments and answers can no longer change."))
    if report.status != ReportStatus.SENT or case.state != CaseState.FACTUAL_ACCURACY:
        raise ReportLocked(_("The report is not in its factual-accuracy check."))


def add_comment(actor, case: Case, report: PanelReport, section_key: str, text: str,
                evidence_id: int | None = None, new_evidence: NewEvidence | None = None) -> FactualComment:
    """The institution's comment on one section of the sent draft, with an optional evidence file of the case or a
    new file uploaded with it (stored as panel-only evidence), until the window closes."""
    _ensure_open_for_answers(case, report)
    if report.no_further_comments_at is not None:
        raise ReportLocked(_("The institution declared on %(when)s that it has no further comments.",
                             when=report.no_further_comments_at.strftime("%Y-%m-%d %H:%M")))
    if not window_open(report):
        raise ReportLocked(_("The factual-accuracy window closed on %(due)s.",
                             due=format_moment(report.factual_check_due_at)))
    labels = dict(section_choices(report))
    if section_key not in labels:
        raise DomainError(_("Choose the section your comment concerns."), field="section")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write your comment."), field="comment")
    evidence = db.session.get(Evidence, evidence_id) if evidence_id else None
    if evidence_id and (evidence is None or evidence.case_id != case.id):
        raise DomainError(_("Choose one of this case's evidence files."), field="evidence")
    if new_evidence is not None:
        if evidence is not None:
            raise DomainError(_("Attach either an existing evidence file or a new one, not both."), field="evidence")
        title = (new_evidence.title or "").strip() or _("New evidence with a factual-accuracy comment")
        evidence = store_evidence(actor, case, new_evidence.stream, new_evidence.filename, title[:300],
                                  EvidenceType.OTHER, new_evidence.language, Confidentiality.PANEL_ONLY, [])
    version = latest_version(report)
    comment = FactualComment(report_id=report.id, version_number=version.number if version else 0,
                             section_id=None if section_key == OVERALL else int(section_key),
                             section_label=labels[section_key][:300], comment=text, evidence=evidence,
                             author_id=getattr(actor, "id", None))
    db.session.add(comment)
    db.session.flush()
    record(actor, "panel_report.comment", comment, f"{case.reference}: factual-accuracy comment on "
           f"{comment.section_label}", {"version": comment.version_number,
                                        "evidence_id": evidence.id if evidence is not None else None,
                                        "new_evidence": new_evidence is not None})
    return comment


def answer_comment(actor, case: Case, comment: FactualComment, response: str, answer: str) -> FactualComment:
    """The chair's answer to a comment: accepted or rejected, with a written answer (may be revised until final)."""
    _ensure_open_for_answers(case, comment.report)
    try:
        response = CommentResponseKind(response)
    except ValueError:
        raise DomainError(_("Say whether the comment is accepted or rejected."), field="response") from None
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(_("Write the panel's answer."), field="answer")
    comment.response, comment.answer = response, answer
    comment.answered_by_id, comment.answered_at = getattr(actor, "id", None), utcnow()
    db.session.flush()
    record(actor, "panel_report.answer", comment, f"{case.reference}: factual-accuracy comment {comment.id} "
           f"{response.value}", {"response": response.value})
    return comment


class AnswersRefused(DomainError):
    """Some answers of the chair's one form are incomplete; each message names its comment's field (HTTP 409)."""

    def __init__(self, problems: list):
        super().__init__(problems[0][1])
        self.problems = problems  # (comment id, field name, message)


def answer_comments(actor, case: Case, report: PanelReport, answers: dict) -> list[int]:
    """The chair's answers to several comments from one form (comment id -> (response, answer)): blank and
    unchanged rows are left alone, a started row needs both; nothing is saved while any row is refused."""
    _ensure_open_for_answers(case, report)
    comments = {comment.id: comment for comment in comments_of(report)}
    if not set(answers) <= set(comments):
        raise DomainError(_("Answer comments on this report only."))
    answered, problems = [], []
    for comment_id, (response, answer) in answers.items():
        comment, answer = comments[comment_id], (answer or "").strip()
        if not response and not answer:
            continue
        if comment.response is not None and comment.response.value == response and comment.answer == answer:
            continue
        try:
            answer_comment(actor, case, comment, response, answer)
        except ReportLocked:
            raise
        except DomainError as error:
            problems.append((comment_id, error.field, error.message))
            continue
        answered.append(comment_id)
    if problems:
        raise AnswersRefused(problems)
    return answered


def declare_no_further_comments(actor, case: Case, report: PanelReport) -> PanelReport:
    """The institution declares it has no further comments: its factual-accuracy window ends now, so the report
    may be finalised once every comment is answered (audited)."""
    _ensure_open_for_answers(case, report)
    if report.no_further_comments_at is not None:
        raise ReportLocked(_("The institution already declared on %(when)s that it has no further comments.",
                             when=report.no_further_comments_at.strftime("%Y-%m-%d %H:%M")))
    report.no_further_comments_at, report.no_further_comments_by_id = utcnow(), getattr(actor, "id", None)
    db.session.flush()
    record(actor, "panel_report.no_further_comments", report,
           f"{case.reference}: the institution has no further factual-accuracy comments",
           {"case": case.reference, "window_due_at": report.factual_check_due_at})
    return report
