"""The one query of published decisions every registry consumer uses (decisions API, bulk exports, DEQAR reports):
published rows only, with everything decision_json reads loaded in a fixed number of queries per page, its filters,
and `updated_at`, the latest change to a decision's public record, as an SQL expression (no stored column)."""
from datetime import date, datetime

from sqlalchemy import DateTime, Select, and_, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased, contains_eager, lazyload, selectinload
from sqlalchemy.sql.functions import FunctionElement

from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, Outcome, OutcomeScheme, SpecificationVersion
from qa_portal.reviews.models import Case, CaseSpecification
from qa_portal.decisions.models import Appeal, ConditionFollowUp, Decision, DecisionCondition

__all__ = ["published_decisions", "filter_decisions", "decision_updated_at", "outcome_filter_values"]


class greatest(FunctionElement):  # noqa: N801  (named after the SQL function it renders)
    """GREATEST(a, b, ...) on PostgreSQL; SQLite's multi-argument max() is the same function. Arguments must not be
    NULL (SQLite's max() would answer NULL where GREATEST skips it), hence the coalesce() around each lookup."""

    type = DateTime()
    inherit_cache = True
    name = "greatest"


@compiles(greatest)
def _greatest(element, compiler, **kw):
    return f"greatest({compiler.process(element.clauses, **kw)})"


@compiles(greatest, "sqlite")
def _greatest_on_sqlite(element, compiler, **kw):
    return f"max({compiler.process(element.clauses, **kw)})"


def _latest_condition_change():
    """When a condition of the decision last changed status: reported, or verified met / not met."""
    return (select(func.max(func.coalesce(ConditionFollowUp.verified_at, ConditionFollowUp.reported_at)))
            .join(DecisionCondition, DecisionCondition.id == ConditionFollowUp.condition_id)
            .where(DecisionCondition.decision_id == Decision.id)
            .correlate(Decision).scalar_subquery())


def _latest_appeal_change():
    """When the appeal against the decision last changed status: decided, ruled on admissibility, or lodged."""
    return (select(func.coalesce(Appeal.decided_at, Appeal.admissibility_at, Appeal.lodged_at))
            .where(Appeal.decision_id == Decision.id)
            .correlate(Decision).scalar_subquery())


def _later_decision_published():
    """When the later decision replacing this one was published (NULL while it is not)."""
    later = aliased(Decision)
    return (select(later.published_at).where(later.supersedes_id == Decision.id)
            .correlate(Decision).scalar_subquery())


def decision_updated_at():
    """SQL for the latest change to a published decision's public record: its publication, a condition's status, its
    appeal's status, or the publication of a later decision replacing it (each lookup is on a unique or indexed key).
    The serializer computes the same value from the loaded record; tests check that the two agree."""
    published = Decision.published_at
    return greatest(published,
                    func.coalesce(_latest_condition_change(), published),
                    func.coalesce(_latest_appeal_change(), published),
                    func.coalesce(_later_decision_published(), published))


def published_decisions() -> Select:
    """Published decisions (not ordered: callers page by id) with case, institution, outcome and scheme joined, and
    specifications, criteria cited, conditions with their follow-up, appeal and linked decisions each loaded in one
    query per page (at most 8 queries whatever the page size)."""
    # A linked decision is shown by its id and URL only: none of its own collections are loaded.
    linked_only = (lazyload(Decision.criteria), lazyload(Decision.conditions))
    return (
        select(Decision)
        .join(Decision.case).join(Case.institution).join(Decision.outcome).join(Outcome.scheme)
        .where(Decision.published_at.is_not(None))
        .options(
            contains_eager(Decision.case).contains_eager(Case.institution),
            contains_eager(Decision.case).selectinload(Case.specification_links)
            .joinedload(CaseSpecification.specification_version),
            contains_eager(Decision.outcome).contains_eager(Outcome.scheme).lazyload(OutcomeScheme.outcomes),
            selectinload(Decision.criteria),
            selectinload(Decision.conditions).selectinload(DecisionCondition.follow_up),
            selectinload(Decision.appeal).lazyload(Appeal.documents),
            selectinload(Decision.supersedes).options(*linked_only),
            selectinload(Decision.superseded_by).options(*linked_only),
        )
    )


def outcome_filter_values() -> set[str]:
    """What `outcome` accepts: any outcome code of a scheme, or a DEQAR decision value of one."""
    rows = select(Outcome.code, Outcome.deqar_decision).distinct()
    return {str(value) for row in db.session.execute(rows) for value in row}


def _like(text: str) -> str:
    """A LIKE pattern matching text anywhere, with LIKE's own wildcards in it taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filter_decisions(statement: Select, updated_since: datetime | None = None, institution: int | None = None,
                     outcome: str | None = None, valid_on: date | None = None, q: str | None = None) -> Select:
    """The statement (from published_decisions) narrowed by the API's filters; None leaves a filter out.
    outcome matches an outcome code or a DEQAR decision value; q searches the case reference, the institution's
    names and the reviewed specification versions' titles, case-insensitively."""
    if updated_since is not None:
        statement = statement.where(decision_updated_at() >= updated_since)
    if institution is not None:
        statement = statement.where(Case.institution_id == institution)
    if outcome is not None:
        statement = statement.where(or_(Outcome.code == outcome, Outcome.deqar_decision == outcome))
    if valid_on is not None:
        statement = statement.where(and_(Decision.valid_from <= valid_on, Decision.valid_to >= valid_on))
    if q is not None:
        pattern = _like(q)
        titled = (select(CaseSpecification.case_id)
                  .join(SpecificationVersion, SpecificationVersion.id == CaseSpecification.specification_version_id)
                  .where(or_(SpecificationVersion.title_en.ilike(pattern, escape="\\"),
                             SpecificationVersion.title_hy.ilike(pattern, escape="\\"))))
        statement = statement.where(or_(Case.reference.ilike(pattern, escape="\\"),
                                        Institution.name_en.ilike(pattern, escape="\\"),
                                        Institution.name_hy.ilike(pattern, escape="\\"),
                                        Institution.short_name.ilike(pattern, escape="\\"),
                                        Case.id.in_(titled)))
    return statement
