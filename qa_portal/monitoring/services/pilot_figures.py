"""The pilot's public aggregate figures (the /pilot page and GET /api/v1/statistics): institutions taking part,
micro-credentials reviewed, the outcome mix, learners' completion rate and the median review duration. Each figure
is one SQL aggregate over published facts only."""
from dataclasses import dataclass

from sqlalchemy import func, literal, select

from qa_portal.decisions.models import Decision
from qa_portal.extensions import db
from qa_portal.monitoring.models import OfferingTotal
from qa_portal.monitoring.services.dashboard import current_decisions, rate
from qa_portal.monitoring.services.sql import days_between, percentiles
from qa_portal.pilots.models import Outcome, SpecificationVersion
from qa_portal.reviews.models import Case, CaseSpecification


@dataclass
class OutcomeCount:
    code: str
    label_en: str
    label_hy: str
    kind: str
    count: int


@dataclass
class PilotFigures:
    institutions: int
    micro_credentials_reviewed: int
    decisions_published: int
    outcome_mix: list[OutcomeCount]
    offerings: int
    enrolled: int
    completed: int
    completion_rate: float | None  # percent of enrolled learners who completed
    median_review_days: float | None  # from a case's opening to its first published decision

    def as_json(self) -> dict:
        """The figures as the statistics API returns them."""
        return {"institutions": self.institutions, "micro_credentials_reviewed": self.micro_credentials_reviewed,
                "decisions_published": self.decisions_published,
                "outcome_mix": [vars(outcome) for outcome in self.outcome_mix], "offerings": self.offerings,
                "enrolled": self.enrolled, "completed": self.completed, "completion_rate": self.completion_rate,
                "median_review_days": self.median_review_days}


def _published_cases():
    return select(Decision.case_id).where(Decision.published_at.is_not(None))


def median_review_days() -> float | None:
    """Median days from opening a case to publishing its first decision (nearest rank)."""
    first_published = (select(Decision.case_id, func.min(Decision.published_at).label("published_at"))
                       .where(Decision.published_at.is_not(None)).group_by(Decision.case_id).subquery())
    durations = (select(literal("all").label("everything"),
                        days_between(first_published.c.published_at, Case.created_at).label("value"))
                 .join(first_published, first_published.c.case_id == Case.id))
    row = db.session.execute(percentiles(durations, ("everything",))).first()
    return None if row is None or row.median is None else round(float(row.median), 1)


def pilot_figures() -> PilotFigures:
    """Every public figure of the pilot."""
    published = _published_cases()
    institutions, decisions = db.session.execute(select(
        select(func.count(func.distinct(Case.institution_id))).scalar_subquery(),
        select(func.count()).select_from(Decision).where(current_decisions()).scalar_subquery())).one()
    reviewed = db.session.scalar(
        select(func.count(func.distinct(SpecificationVersion.micro_credential_id))).select_from(CaseSpecification)
        .join(SpecificationVersion, SpecificationVersion.id == CaseSpecification.specification_version_id)
        .where(CaseSpecification.case_id.in_(published)))
    mix = [OutcomeCount(code, label_en, label_hy, kind.value if hasattr(kind, "value") else kind, count)
           for code, label_en, label_hy, kind, count in db.session.execute(
               select(Outcome.code, func.min(Outcome.label_en), func.min(Outcome.label_hy), func.min(Outcome.kind),
                      func.count()).select_from(Decision).join(Outcome, Outcome.id == Decision.outcome_id)
               .where(current_decisions()).group_by(Outcome.code).order_by(func.count().desc(), Outcome.code))]
    offerings, enrolled, completed, completion = db.session.execute(
        select(func.coalesce(func.sum(OfferingTotal.offerings), 0), func.coalesce(func.sum(OfferingTotal.enrolled), 0),
               func.coalesce(func.sum(OfferingTotal.completed), 0),
               rate(func.sum(OfferingTotal.completed), func.sum(OfferingTotal.enrolled)))).one()
    return PilotFigures(institutions, reviewed or 0, decisions, mix, int(offerings), int(enrolled), int(completed),
                        None if completion is None else round(float(completion) * 100, 1), median_review_days())
