"""Feedback after a review: invitations when a case is published (the institution's quality unit and each cleared
panel member), anonymous answers, and their aggregates — for the dashboard, the impact report and, per standard,
the standards drafting page. An answer never names its respondent and is never shown on its own to the council."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Float, cast, func, select

from qa_portal.audit.services import record
from qa_portal.auth.models import Role, UserRole
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.monitoring.models import RespondentRole, StandardUsefulness, SurveyAnswer, SurveyInvitation
from qa_portal.monitoring.permissions import can_answer_survey
from qa_portal.pilots.models import Application, InstitutionMembership
from qa_portal.reviews.models import Case, ConsensusJudgement, PanelMember
from qa_portal.reviews.models.panel import MemberStatus
from qa_portal.standards.models import ComplianceLevel, Criterion, Standard, StandardVersion


def invite_to_survey(case: Case) -> int:
    """Invite the institution's quality-unit members and the case's cleared panel members (once each)."""
    already = set(db.session.scalars(select(SurveyInvitation.user_id).where(SurveyInvitation.case_id == case.id)))
    hei = db.session.scalars(select(InstitutionMembership.user_id)
                             .join(UserRole, UserRole.user_id == InstitutionMembership.user_id)
                             .where(InstitutionMembership.institution_id == case.institution_id,
                                    UserRole.role == Role.HEI)).all()
    panel = db.session.scalars(select(PanelMember.user_id).where(PanelMember.case_id == case.id,
                                                                 PanelMember.status == MemberStatus.CLEARED)).all()
    invited = 0
    for user_ids, role in ((hei, RespondentRole.INSTITUTION), (panel, RespondentRole.PANEL_MEMBER)):
        for user_id in dict.fromkeys(user_ids):
            if user_id not in already:
                already.add(user_id)
                db.session.add(SurveyInvitation(case_id=case.id, user_id=user_id, respondent_role=role))
                invited += 1
    db.session.flush()
    return invited


def case_standards(case: Case) -> list[Standard]:
    """The standards of the version the case was reviewed against, in order (the survey rates each)."""
    return list(db.session.scalars(select(Standard).where(Standard.version_id == case.standard_version_id)
                                   .order_by(Standard.position, Standard.id)))


def answer_survey(actor, invitation: SurveyInvitation, clarity: int, workload: int, comments: str,
                  usefulness: dict[int, int]) -> SurveyAnswer:
    """Store an anonymous answer and mark the invitation answered (the answer keeps no link to the person)."""
    if not can_answer_survey(actor, invitation):
        raise DomainError(_("This survey has already been answered or is not yours."))
    allowed = {standard.id for standard in case_standards(invitation.case)}
    if not set(usefulness) <= allowed or any(not 1 <= rating <= 5 for rating in usefulness.values()):
        raise DomainError(_("Rate each standard from 1 to 5."), field="clarity")
    answer = SurveyAnswer(case_id=invitation.case_id, respondent_role=invitation.respondent_role, clarity=clarity,
                          workload=workload, comments=(comments or "").strip(), answered_on=utcnow().date())
    answer.usefulness = [StandardUsefulness(standard_id=standard_id, rating=rating)
                         for standard_id, rating in sorted(usefulness.items())]
    db.session.add(answer)
    invitation.answered_at = utcnow()
    db.session.flush()
    record(actor, "monitoring.answer_survey", invitation, f"Feedback survey on case {invitation.case_id} answered")
    return answer


def pending_invitations(user) -> list[SurveyInvitation]:
    """The user's unanswered surveys, newest first."""
    return list(db.session.scalars(select(SurveyInvitation).where(SurveyInvitation.user_id == user.id,
                                                                  SurveyInvitation.answered_at.is_(None))
                                   .order_by(SurveyInvitation.invited_at.desc()).limit(100)))


@dataclass
class RoleFeedback:
    role: str
    answers: int
    clarity: float | None
    workload: float | None


@dataclass
class FeedbackSummary:
    invited: int
    answers: int
    by_role: list[RoleFeedback]


def _in_call(column, call_id: int | None) -> list:
    if call_id is None:
        return []
    return [column.in_(select(Case.id).join(Application, Application.id == Case.application_id)
                       .where(Application.call_id == call_id))]


def feedback_summary(call_id: int | None = None) -> FeedbackSummary:
    """Answers and mean clarity and workload per respondent role (one aggregate), and invitations sent (one)."""
    rows = db.session.execute(
        select(SurveyAnswer.respondent_role, func.count(), func.avg(cast(SurveyAnswer.clarity, Float)),
               func.avg(cast(SurveyAnswer.workload, Float)))
        .where(*_in_call(SurveyAnswer.case_id, call_id)).group_by(SurveyAnswer.respondent_role)
        .order_by(SurveyAnswer.respondent_role)).all()
    invited = db.session.scalar(select(func.count()).select_from(SurveyInvitation)
                                .where(*_in_call(SurveyInvitation.case_id, call_id)))
    by_role = [RoleFeedback(role.value, count, round(clarity, 2), round(workload, 2))
               for role, count, clarity, workload in rows]
    return FeedbackSummary(invited or 0, sum(row.answers for row in by_role), by_role)


def recent_comments(call_id: int | None = None, limit: int = 20) -> list[str]:
    """The latest non-empty free-text comments, without case, role or date (officers only)."""
    return list(db.session.scalars(select(SurveyAnswer.comments).where(
        func.length(func.trim(SurveyAnswer.comments)) > 0, *_in_call(SurveyAnswer.case_id, call_id))
        .order_by(SurveyAnswer.id.desc()).limit(limit)))


@dataclass
class StandardEvidence:
    """What the reviews so far say about one standard (by code, across every version of its set)."""

    reviews: int = 0
    usefulness: float | None = None
    judgements: dict | None = None  # level code -> how many criterion judgements across cases


def standard_evidence(version: StandardVersion) -> dict[str, StandardEvidence]:
    """Per standard code of the version's set: how many reviews gave feedback on it and its mean usefulness (one
    aggregate), and the panels' agreed judgements of its criteria across cases by level (one aggregate)."""
    same_set = StandardVersion.standard_set_id == version.standard_set_id
    evidence: dict[str, StandardEvidence] = {}
    for code, reviews, mean in db.session.execute(
            select(Standard.code, func.count(func.distinct(SurveyAnswer.case_id)),
                   func.avg(cast(StandardUsefulness.rating, Float)))
            .select_from(StandardUsefulness).join(SurveyAnswer, SurveyAnswer.id == StandardUsefulness.answer_id)
            .join(Standard, Standard.id == StandardUsefulness.standard_id)
            .join(StandardVersion, StandardVersion.id == Standard.version_id).where(same_set)
            .group_by(Standard.code)):
        evidence[code] = StandardEvidence(reviews, round(mean, 2), {})
    for code, level, count in db.session.execute(
            select(Standard.code, ComplianceLevel.label, func.count())
            .select_from(ConsensusJudgement).join(Criterion, Criterion.id == ConsensusJudgement.criterion_id)
            .join(Standard, Standard.id == Criterion.standard_id)
            .join(StandardVersion, StandardVersion.id == Standard.version_id)
            .join(ComplianceLevel, ComplianceLevel.id == ConsensusJudgement.level_id).where(same_set)
            .group_by(Standard.code, ComplianceLevel.label).order_by(Standard.code, ComplianceLevel.label)):
        entry = evidence.setdefault(code, StandardEvidence(0, None, {}))
        entry.judgements = {**(entry.judgements or {}), level: count}
    return evidence
