"""The officer dashboard's figures. Each is ONE SQL aggregate (a GROUP BY, or window functions for the medians)
filtered by call, institution, field (ISCED-F broad field) and EQF level, returned as a Chart: the same rows feed
the inline SVG, the table beside it and the CSV download."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, and_, case, cast, func, literal, not_, select
from sqlalchemy.orm import aliased

from qa_portal.core.models import utcnow
from qa_portal.decisions.models import Appeal, AppealStatus, Decision
from qa_portal.extensions import db
from qa_portal.monitoring.models import Offering, OfferingTotal
from qa_portal.monitoring.services.sql import days_between, percentiles
from qa_portal.pilots.models import Application, ApplicationSpecification, Call, Outcome, SpecificationVersion
from qa_portal.reviews.workflow import STATE_LABELS
from qa_portal.reviews.models import Case, CaseEvent, CaseSpecification, CaseState, ConsensusJudgement, PanelMember
from qa_portal.reviews.models.panel import MemberStatus
from qa_portal.standards.models import ComplianceLevel, Criterion

OPEN_STATES = tuple(state for state in CaseState
                    if state not in (CaseState.PUBLISHED, CaseState.CLOSED, CaseState.WITHDRAWN, CaseState.DECIDED))


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters (None: all)."""

    call_id: int | None = None
    institution_id: int | None = None
    field: str | None = None  # an ISCED-F broad field: the first two digits of the code
    eqf_level: int | None = None

    def as_args(self) -> dict:
        """The filters as query-string arguments (for links and CSV downloads)."""
        return {name: value for name, value in vars(self).items() if value is not None}


@dataclass
class Chart:
    """One figure: its rows (the table and the CSV), which column labels the bars and which one they measure."""

    name: str
    title: object
    description: object
    columns: list
    rows: list
    label_column: int = 0
    value_column: int = 1
    kind: str = "bars"
    extra: dict = field(default_factory=dict)

    def label(self, value) -> str:
        """How a code in the label column reads on the page (a stage's name in the visitor's language)."""
        return str(self.extra.get("labels", {}).get(value, value))

    @property
    def max_value(self) -> float:
        """The longest bar's value (1 when every value is 0), which the chart scales to."""
        values = [row[self.value_column] or 0 for row in self.rows]
        return max(values, default=0) or 1


def _stage_labels() -> dict:
    return {state.value: label for state, label in STATE_LABELS.items()}


def _case_conditions(filters: Filters) -> list:
    conditions = []
    if filters.call_id is not None:
        conditions.append(Case.application_id.in_(select(Application.id).where(Application.call_id == filters.call_id)))
    if filters.institution_id is not None:
        conditions.append(Case.institution_id == filters.institution_id)
    if filters.field is not None or filters.eqf_level is not None:
        specs = select(CaseSpecification.case_id).join(
            SpecificationVersion, SpecificationVersion.id == CaseSpecification.specification_version_id)
        if filters.field is not None:
            specs = specs.where(SpecificationVersion.isced_f_code.startswith(filters.field, autoescape=True))
        if filters.eqf_level is not None:
            specs = specs.where(SpecificationVersion.eqf_level == filters.eqf_level)
        conditions.append(Case.id.in_(specs))
    return conditions


def cases_per_stage(filters: Filters) -> Chart:
    """How many cases are in each stage now."""
    rows = db.session.execute(select(Case.state, func.count()).where(*_case_conditions(filters))
                              .group_by(Case.state).order_by(Case.state)).all()
    order = list(CaseState)
    rows = sorted(((state.value, count) for state, count in rows), key=lambda row: order.index(CaseState(row[0])))
    return Chart("stages", _l("Cases per stage"), _l("How many review cases are in each stage of the procedure now."),
                 [_l("Stage"), _l("Cases")], rows, extra={"labels": _stage_labels()})


def stage_durations(filters: Filters) -> Chart:
    """Median and 90th percentile of the days cases spent in each stage, per call (finished stays only)."""
    events = select(CaseEvent.case_id, CaseEvent.to_state.label("stage"), CaseEvent.at,
                    func.lead(CaseEvent.at).over(partition_by=CaseEvent.case_id,
                                                 order_by=(CaseEvent.at, CaseEvent.id)).label("next_at")).subquery()
    stays = (select(func.coalesce(Call.title, literal("—")).label("call"), events.c.stage,
                    days_between(events.c.next_at, events.c.at).label("value"))
             .select_from(events).join(Case, Case.id == events.c.case_id)
             .outerjoin(Application, Application.id == Case.application_id)
             .outerjoin(Call, Call.id == Application.call_id)
             .where(events.c.next_at.is_not(None), *_case_conditions(filters)))
    rows = [(call, stage.value if hasattr(stage, "value") else stage, n, round(median or 0, 1), round(p90 or 0, 1))
            for call, stage, n, median, p90 in db.session.execute(percentiles(stays, ("call", "stage")))]
    return Chart("durations", _l("Stage durations (days)"),
                 _l("For each call and stage: how many finished stays, the median and the 90th percentile of the days "
                    "a case spent in the stage (nearest rank)."),
                 [_l("Call"), _l("Stage"), _l("Stays"), _l("Median days"), _l("90th percentile days")], rows,
                 label_column=1, value_column=3, extra={"labels": _stage_labels()})


def overdue_counts(filters: Filters) -> Chart:
    """Overdue work now: self-evaluations past due, panel members' scores past due, appeals past their due date."""
    now = utcnow()
    conditions = _case_conditions(filters)
    ser = (select(func.count()).select_from(Case).where(Case.state == CaseState.SER_IN_PREPARATION,
                                                         Case.ser_due_at < now, *conditions).scalar_subquery())
    scoring = (select(func.count()).select_from(PanelMember).join(Case, Case.id == PanelMember.case_id)
               .where(PanelMember.status == MemberStatus.CLEARED, PanelMember.scoring_due_at < now,
                      PanelMember.scores_submitted_at.is_(None), *conditions).scalar_subquery())
    appeals = (select(func.count()).select_from(Appeal).join(Case, Case.id == Appeal.case_id)
               .where(Appeal.status.in_((AppealStatus.LODGED, AppealStatus.ADMISSIBLE)),
                      Appeal.decision_due_on < now.date(), *conditions).scalar_subquery())
    counts = db.session.execute(select(ser, scoring, appeals)).one()
    rows = [(str(_l("Self-evaluations past due")), counts[0]), (str(_l("Panel scores past due")), counts[1]),
            (str(_l("Appeals past their decision date")), counts[2])]
    return Chart("overdue", _l("Overdue now"), _l("Work past its due date at this moment."),
                 [_l("What"), _l("Count")], rows)


def current_decisions():
    """Published decisions no later published decision supersedes (the ones in force in the register)."""
    later = aliased(Decision)
    return and_(Decision.published_at.is_not(None),
                not_(select(later.id).where(later.supersedes_id == Decision.id, later.published_at.is_not(None))
                     .exists()))


def outcome_mix(filters: Filters) -> Chart:
    """How many published decisions of each outcome, per call."""
    rows = db.session.execute(
        select(func.coalesce(Call.title, literal("—")), Outcome.code, func.min(Outcome.label_en), func.count())
        .select_from(Decision).join(Outcome, Outcome.id == Decision.outcome_id)
        .join(Case, Case.id == Decision.case_id)
        .outerjoin(Application, Application.id == Case.application_id).outerjoin(Call, Call.id == Application.call_id)
        .where(current_decisions(), *_case_conditions(filters))
        .group_by(Call.title, Outcome.code).order_by(Call.title, Outcome.code)).all()
    rows = [(f"{call} · {label}", call, code, count) for call, code, label, count in rows]
    return Chart("outcomes", _l("Outcome mix per call"), _l("Published decisions in force, by call and outcome."),
                 [_l("Call and outcome"), _l("Call"), _l("Outcome"), _l("Decisions")], rows, value_column=3)


def judgement_heat_map(filters: Filters) -> Chart:
    """The panels' agreed judgements per criterion and level across cases: where institutions struggle."""
    rows = db.session.execute(
        select(Criterion.code, ComplianceLevel.code, func.min(ComplianceLevel.position), func.min(ComplianceLevel.label),
               func.count())
        .select_from(ConsensusJudgement).join(Criterion, Criterion.id == ConsensusJudgement.criterion_id)
        .join(ComplianceLevel, ComplianceLevel.id == ConsensusJudgement.level_id)
        .join(Case, Case.id == ConsensusJudgement.case_id).where(*_case_conditions(filters))
        .group_by(Criterion.code, ComplianceLevel.code).order_by(Criterion.code)).all()
    order = {}  # level code -> (scale position, label): the columns in scale order
    for _criterion, level, position, label, _count in rows:
        order.setdefault(level, (position, label))
    levels = sorted(order, key=lambda level: (order[level][0], level))
    criteria = list(dict.fromkeys(criterion for criterion, *_rest in rows))
    counts = {(criterion, level): count for criterion, level, _position, _label, count in rows}
    table = [(criterion, *(counts.get((criterion, level), 0) for level in levels)) for criterion in criteria]
    chart = Chart("judgements", _l("Panel judgements per criterion"),
                  _l("How many cases the panel judged at each compliance level, per criterion (darker: more cases)."),
                  [_l("Criterion"), *(order[level][1] for level in levels)], table, kind="heat_map")
    chart.extra["max_cell"] = max((count for *_k, count in rows), default=1)
    return chart


def panel_load(filters: Filters) -> Chart:
    """Per expert: cases on which they sit in an open case now, and in all (cleared seats; the 30 busiest)."""
    from qa_portal.auth.models import User

    rows = db.session.execute(
        select(User.full_name, func.sum(case((Case.state.in_(OPEN_STATES), 1), else_=0)), func.count())
        .select_from(PanelMember).join(User, User.id == PanelMember.user_id).join(Case, Case.id == PanelMember.case_id)
        .where(PanelMember.status == MemberStatus.CLEARED, *_case_conditions(filters))
        .group_by(User.id, User.full_name).order_by(func.count().desc(), User.full_name).limit(30)).all()
    return Chart("panel_load", _l("Panel load"), _l("Cleared panel seats per expert: in open cases now, and in all."),
                 [_l("Expert"), _l("Open cases"), _l("All cases")], [tuple(row) for row in rows])


DIMENSIONS = {
    "credential": (_l("Micro-credential"), lambda: SpecificationVersion.micro_credential_id,
                   lambda: func.min(SpecificationVersion.title_en)),
    "field": (_l("Field (ISCED-F)"), lambda: func.substr(SpecificationVersion.isced_f_code, 1, 2),
              lambda: func.substr(func.min(SpecificationVersion.isced_f_code), 1, 2)),
    "level": (_l("EQF level"), lambda: SpecificationVersion.eqf_level, lambda: func.min(SpecificationVersion.eqf_level)),
}


def offering_conditions(filters: Filters, institution_column=Offering.institution_id) -> list:
    """The filters applied to offerings: their institution, their version's field and level, and the call the
    micro-credential applied to."""
    conditions = []
    if filters.institution_id is not None:
        conditions.append(institution_column == filters.institution_id)
    if filters.field is not None:
        conditions.append(SpecificationVersion.isced_f_code.startswith(filters.field, autoescape=True))
    if filters.eqf_level is not None:
        conditions.append(SpecificationVersion.eqf_level == filters.eqf_level)
    if filters.call_id is not None:  # the micro-credentials an application to the call named
        conditions.append(SpecificationVersion.micro_credential_id.in_(
            select(ApplicationSpecification.specification_id)
            .join(Application, Application.id == ApplicationSpecification.application_id)
            .where(Application.call_id == filters.call_id)))
    return conditions


def rate(part, whole):
    """part / whole as a float, NULL when whole is 0."""
    return cast(part, Float) / func.nullif(whole, 0)


PAGE_ROWS = 30  # a page shows the largest rows of a long figure; its CSV has them all


def offering_outcomes(filters: Filters, dimension: str, limit: int | None = None) -> Chart:
    """Per micro-credential, field or EQF level: offerings, enrolled, completed, completion rate, mean satisfaction
    (weighted by respondents) and the share of completers employed six months after (where recorded) — one
    aggregate over the per-version totals (services/offering_totals.py)."""
    title, key, label = DIMENSIONS[dimension]
    totals = OfferingTotal
    rows = db.session.execute(
        select(label(), func.sum(totals.offerings), func.sum(totals.enrolled), func.sum(totals.completed),
               rate(func.sum(totals.completed), func.sum(totals.enrolled)),
               rate(func.sum(totals.satisfaction_points), func.sum(totals.satisfaction_respondents)),
               rate(func.sum(totals.employed_after), func.sum(totals.outcome_completed)))
        .select_from(totals).join(SpecificationVersion, SpecificationVersion.id == totals.specification_version_id)
        .where(*offering_conditions(filters, totals.institution_id)).group_by(key())
        .order_by(*([func.sum(totals.enrolled).desc()] if limit else []), label()).limit(limit)).all()
    table = [(str(name) if name is not None else "—", count, enrolled, completed, _percent(completion),
              round(float(satisfaction), 2) if satisfaction is not None else None, _percent(employed))
             for name, count, enrolled, completed, completion, satisfaction, employed in rows]
    chart = Chart(f"offerings_{dimension}", _l("Outcomes per %(dimension)s", dimension=title),
                 _l("Offerings, enrolment, completion rate, mean satisfaction and employment six months after "
                    "completion, per %(dimension)s.", dimension=title),
                 [title, _l("Offerings"), _l("Enrolled"), _l("Completed"), _l("Completion rate (%)"),
                  _l("Mean satisfaction (1–5)"), _l("Employed after 6 months (%)")], table, value_column=4)
    if limit is not None and len(table) == limit:
        chart.extra["note"] = _l("The %(count)s with most learners; the CSV has them all.", count=limit)
    return chart


def _percent(value) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


def all_charts(filters: Filters) -> list[Chart]:
    """Every dashboard figure, in page order."""
    return [cases_per_stage(filters), stage_durations(filters), overdue_counts(filters), outcome_mix(filters),
            judgement_heat_map(filters), panel_load(filters),
            *(offering_outcomes(filters, dimension, PAGE_ROWS) for dimension in DIMENSIONS)]


CHARTS = {"stages": cases_per_stage, "durations": stage_durations, "overdue": overdue_counts,
          "outcomes": outcome_mix, "judgements": judgement_heat_map, "panel_load": panel_load,
          **{f"offerings_{dimension}": (lambda filters, d=dimension: offering_outcomes(filters, d))
             for dimension in DIMENSIONS}}
