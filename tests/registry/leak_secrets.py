"""Every internal text stored in the database, for the no-leak walk over the demo data: texts of columns the public
never sees (scores, notes, comments, SER, conflicts, appeals, complaints, selection) and of records not published
(drafts, unpublished decisions, reports of undecided cases), minus anything also published (a draft can repeat its
published version's title), and only texts long enough not to turn up by coincidence."""
from sqlalchemy import select

from qa_portal.decisions.models import (Appeal, Complaint, ConditionFollowUp, CouncilDeclaration, Decision,
                                        DecisionCondition)
from qa_portal.extensions import db
from qa_portal.pilots.models import (Application, LearningOutcome, SelectionDecision, SelectionScore,
                                     SpecificationStatus, SpecificationVersion)
from qa_portal.reviews.models import (Case, ConsensusJudgement, Evidence, Judgement, PanelObjection, SelfEvaluation,
                                      SerEntry, SiteVisit, VisitSession)
from qa_portal.reviews.models.cases import CaseEvent, SerSubmission
from qa_portal.reviews.models.panel import DeclaredConflict, PanelMember
from qa_portal.reviews.models.report import FactualComment, PanelReport, ReportSection
from qa_portal.standards.models import ConsultationComment, Criterion, Standard, StandardVersion, VersionStatus

MIN_LENGTH = 16
PUBLIC_STANDARDS = (VersionStatus.APPROVED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN)
PUBLIC_SPECIFICATIONS = (SpecificationStatus.PUBLISHED, SpecificationStatus.WITHDRAWN)

# Columns the API never shows, whatever the record's state.
INTERNAL_COLUMNS = (
    Judgement.rationale, ConsensusJudgement.rationale, VisitSession.notes, VisitSession.attendees,
    SiteVisit.skip_justification, FactualComment.comment, FactualComment.answer, SerEntry.narrative,
    SerEntry.justification, SelfEvaluation.summary, SelfEvaluation.strengths, SelfEvaluation.weaknesses,
    SelfEvaluation.improvement_plan, SerSubmission.return_reasons, Evidence.title, Evidence.original_name,
    CaseEvent.comment, PanelMember.detected_conflict, PanelMember.conflict_ruling_reason, PanelMember.removal_reason,
    DeclaredConflict.details, PanelObjection.reasons, PanelObjection.ruling_reason, CouncilDeclaration.details,
    Appeal.statement, Appeal.admissibility_reason, Appeal.outcome_reasons, Complaint.subject, Complaint.text,
    Complaint.answer, ConditionFollowUp.report, ConditionFollowUp.verdict_reason, ConsultationComment.text,
    ConsultationComment.answer_text, Application.motivation, Application.withdrawal_reason, SelectionScore.comment,
    SelectionDecision.rationale,
)

_published_case_ids = select(Decision.case_id).where(Decision.published_at.is_not(None))
_spec_texts = (SpecificationVersion.title_en, SpecificationVersion.title_hy, SpecificationVersion.short_description,
               SpecificationVersion.prerequisites, SpecificationVersion.assessment_details)


def _texts(column, *conditions, join=None) -> set[str]:
    statement = select(column)
    if join is not None:
        statement = statement.join(join)
    return {text for text in db.session.scalars(statement.where(*conditions)) if text}


def _split(condition_public, condition_hidden, columns, join=None) -> tuple[set[str], set[str]]:
    """(texts of public records, texts of hidden records) of these columns."""
    public, hidden = set(), set()
    for column in columns:
        public |= _texts(column, condition_public, join=join)
        hidden |= _texts(column, condition_hidden, join=join)
    return public, hidden


def demo_secrets() -> list[str]:
    """The internal and unpublished texts now in the database that no published text contains."""
    hidden = set()
    for column in INTERNAL_COLUMNS:
        hidden |= _texts(column)
    public = set()
    for public_part, hidden_part in (
        _split(Decision.published_at.is_not(None), Decision.published_at.is_(None), [Decision.reasons]),
        _split(Decision.published_at.is_not(None), Decision.published_at.is_(None), [DecisionCondition.text],
               join=Decision),
        _split(SpecificationVersion.status.in_(PUBLIC_SPECIFICATIONS),
               SpecificationVersion.status.not_in(PUBLIC_SPECIFICATIONS), _spec_texts),
        _split(SpecificationVersion.status.in_(PUBLIC_SPECIFICATIONS),
               SpecificationVersion.status.not_in(PUBLIC_SPECIFICATIONS), [LearningOutcome.statement],
               join=SpecificationVersion),
        _split(StandardVersion.status.in_(PUBLIC_STANDARDS), StandardVersion.status.not_in(PUBLIC_STANDARDS),
               [Standard.title, Standard.statement, Standard.guidelines], join=StandardVersion),
        _split(StandardVersion.status.in_(PUBLIC_STANDARDS), StandardVersion.status.not_in(PUBLIC_STANDARDS),
               [Criterion.text, Criterion.expected_evidence], join=StandardVersion),
        _split(StandardVersion.status.in_(PUBLIC_STANDARDS), StandardVersion.status.not_in(PUBLIC_STANDARDS),
               [StandardVersion.decision_rule, StandardVersion.change_note]),
        _split(PanelReport.case_id.in_(_published_case_ids), PanelReport.case_id.not_in(_published_case_ids),
               [PanelReport.overall_conclusion, PanelReport.recommendation_reason]),
        _split(PanelReport.case_id.in_(_published_case_ids), PanelReport.case_id.not_in(_published_case_ids),
               [ReportSection.findings, ReportSection.strengths, ReportSection.areas_for_improvement,
                ReportSection.recommendations], join=PanelReport),
    ):
        public |= public_part
        hidden |= hidden_part
    public |= {text for row in db.session.execute(select(Case.reference)) for text in row}
    pieces = {piece.strip() for text in hidden for piece in [text, *text.splitlines()]}
    long_enough = {piece for piece in pieces if len(piece) >= MIN_LENGTH}
    published = "\n".join(public)
    return sorted(text for text in long_enough if text not in published)
