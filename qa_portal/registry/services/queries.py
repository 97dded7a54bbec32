"""The one query of published decisions every registry consumer uses (decisions API, bulk exports, DEQAR reports):
published rows only, with everything decision_json reads loaded in a fixed number of queries per page, its filters,
and `updated_at`, the latest change to a decision's public record, as an SQL expression and as the stored
record's column that `updated_since` reads.

Conditions and filters are written on the tables' columns (DECISIONS.id, not Decision.id): the same WHERE clause then
serves the ORM query of the API and the plain Core rows the bulk exports read, which skip the ORM's row processing."""
from datetime import date, datetime

from sqlalchemy import DateTime, Select, and_, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import contains_eager, lazyload, selectinload, with_expression
from sqlalchemy.sql.functions import FunctionElement

from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, Outcome, OutcomeScheme, SpecificationVersion
from qa_portal.reviews.models import Case, CaseSpecification
from qa_portal.decisions.models import Appeal, ConditionFollowUp, Decision, DecisionCondition
from qa_portal.decisions.services.qa_status import decision_standing
from qa_portal.registry.models import PublicDecisionRecord

__all__ = ["DECISIONS", "published_decisions", "published_decision_rows", "filter_decisions", "decision_updated_at",
           "changed_since", "outcome_filter_values"]

DECISIONS, CASES, INSTITUTIONS = Decision.__table__, Case.__table__, Institution.__table__
OUTCOMES, SCHEMES = Outcome.__table__, OutcomeScheme.__table__
CONDITIONS, FOLLOW_UPS, APPEALS = DecisionCondition.__table__, ConditionFollowUp.__table__, Appeal.__table__
LINKS, VERSIONS = CaseSpecification.__table__, SpecificationVersion.__table__


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


def _follow_up_changed():
    """When a condition's follow-up last changed its status: reported, or verified met / not met."""
    return func.coalesce(FOLLOW_UPS.c.verified_at, FOLLOW_UPS.c.reported_at)


def _appeal_changed():
    """When an appeal last changed its status: decided, ruled on admissibility, or lodged."""
    return func.coalesce(APPEALS.c.decided_at, APPEALS.c.admissibility_at, APPEALS.c.lodged_at)


def decision_updated_at():
    """SQL for the latest change to a published decision's public record: its publication, a condition's status, its
    appeal's status, or the publication of a later decision replacing it (each lookup is on a unique or indexed key).
    The serializer computes the same value from the loaded record; tests check that the two agree."""
    later = DECISIONS.alias("later")
    published = DECISIONS.c.published_at
    condition = (select(func.max(_follow_up_changed()))
                 .select_from(FOLLOW_UPS.join(CONDITIONS, CONDITIONS.c.id == FOLLOW_UPS.c.condition_id))
                 .where(CONDITIONS.c.decision_id == DECISIONS.c.id).correlate(DECISIONS).scalar_subquery())
    appeal = (select(_appeal_changed()).where(APPEALS.c.decision_id == DECISIONS.c.id)
              .correlate(DECISIONS).scalar_subquery())
    replaced = (select(later.c.published_at).where(later.c.supersedes_id == DECISIONS.c.id)
                .correlate(DECISIONS).scalar_subquery())
    return greatest(published, *(func.coalesce(lookup, published) for lookup in (condition, appeal, replaced)))


def changed_since(moment: datetime):
    """SQL condition: the decision's public record changed at or after the moment — its stored updated_at
    (registry/models.py, decision_updated_at_of when last stored, equal to decision_updated_at()) by its index."""
    records = PublicDecisionRecord.__table__
    return DECISIONS.c.id.in_(select(records.c.decision_id).where(records.c.updated_at >= moment))


def _is_published():
    return DECISIONS.c.published_at.is_not(None)


def published_decision_rows(*columns) -> Select:
    """The columns given (of the tables) of published decisions, joined with case, institution, outcome and scheme
    like published_decisions(), so filter_decisions() applies unchanged: the bulk exports read these plain rows."""
    tables = (DECISIONS.join(CASES, CASES.c.id == DECISIONS.c.case_id)
              .join(INSTITUTIONS, INSTITUTIONS.c.id == CASES.c.institution_id)
              .join(OUTCOMES, OUTCOMES.c.id == DECISIONS.c.outcome_id)
              .join(SCHEMES, SCHEMES.c.id == OUTCOMES.c.scheme_id))
    return select(*columns).select_from(tables).where(_is_published())


def published_decisions() -> Select:
    """Published decisions (not ordered: callers page by id) with case, institution, outcome and scheme joined, and
    specifications, criteria cited, conditions with their follow-up, appeal and linked decisions each loaded in one
    query per page (at most 8 queries whatever the page size)."""
    # A linked decision is shown by its id and URL only: none of its own collections are loaded.
    linked_only = (lazyload(Decision.criteria), lazyload(Decision.conditions))
    return (
        select(Decision)
        .join(Decision.case).join(Case.institution).join(Decision.outcome).join(Outcome.scheme)
        .where(_is_published())
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
            with_expression(Decision.standing, decision_standing(Decision)),
        )
    )


def outcome_filter_values() -> set[str]:
    """What `outcome` accepts: any outcome code of a scheme, or a DEQAR decision value of one."""
    rows = select(OUTCOMES.c.code, OUTCOMES.c.deqar_decision).distinct()
    return {str(value) for row in db.session.execute(rows) for value in row}


def _like(text: str) -> str:
    """A LIKE pattern matching text anywhere, with LIKE's own wildcards in it taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filter_decisions(statement: Select, updated_since: datetime | None = None, institution: int | None = None,
                     outcome: str | None = None, valid_on: date | None = None, q: str | None = None) -> Select:
    """The statement (published_decisions() or published_decision_rows()) narrowed by the API's filters; None leaves
    a filter out. outcome matches an outcome code or a DEQAR decision value; q searches the case reference, the
    institution's names and the reviewed specification versions' titles, case-insensitively."""
    if updated_since is not None:
        statement = statement.where(changed_since(updated_since))
    if institution is not None:
        statement = statement.where(CASES.c.institution_id == institution)
    if outcome is not None:
        statement = statement.where(or_(OUTCOMES.c.code == outcome, OUTCOMES.c.deqar_decision == outcome))
    if valid_on is not None:
        statement = statement.where(and_(DECISIONS.c.valid_from <= valid_on, DECISIONS.c.valid_to >= valid_on))
    if q is not None:
        pattern = _like(q)
        titled = (select(LINKS.c.case_id)
                  .select_from(LINKS.join(VERSIONS, VERSIONS.c.id == LINKS.c.specification_version_id))
                  .where(or_(VERSIONS.c.title_en.ilike(pattern, escape="\\"),
                             VERSIONS.c.title_hy.ilike(pattern, escape="\\"))))
        statement = statement.where(or_(
            *(column.ilike(pattern, escape="\\") for column in (CASES.c.reference, INSTITUTIONS.c.name_en,
                                                               INSTITUTIONS.c.name_hy, INSTITUTIONS.c.short_name)),
            CASES.c.id.in_(titled)))
    return statement
