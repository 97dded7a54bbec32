"""The NDJSON export's fast path: each published decision's line is built by the database (SQLite json_object,
PostgreSQL json_build_object; arrays by correlated subqueries aggregating ordered rows), equal as parsed JSON to
decision_json of the decision.

The SQL mirrors the serializer field by field: condition status and overdue (follow_up.py, against today's date passed
as a parameter), appeal status, appeal deadline, updated_at (queries.decision_updated_at()), ISO times to the second
with a Z, public specification versions only, published linked decisions only. URLs are the request's DecisionUrls
templates split around their placeholders and concatenated in SQL. The institution's and outcome's JSON repeat across
decisions: they are built once per export in Python and spliced in front of the line the database returns.

Decisions are read in keyset batches (id > last, LIMIT size): one query a batch, plus one for outcomes and one for
institutions not met before; memory holds one batch of lines and one JSON text per institution and outcome."""
import json
import string
from collections.abc import Iterator
from datetime import date

from sqlalchemy import Date, Integer, Select, String, and_, bindparam, case, cast, func, literal_column, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.functions import FunctionElement

from qa_portal.core.models import utcnow
from qa_portal.decisions.models import decision_criteria
from qa_portal.decisions.services.qa_status import decision_standing
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, Outcome, OutcomeScheme, SpecificationStatus, SpecificationVersion
from qa_portal.registry.services.queries import (APPEALS, CASES, CONDITIONS, DECISIONS, FOLLOW_UPS, LINKS, VERSIONS,
                                       decision_updated_at, published_decision_rows)
from qa_portal.registry.services.serializers.catalogue import institution_json
from qa_portal.registry.services.serializers.decisions import DecisionUrls, outcome_json
from qa_portal.standards.models import Criterion

__all__ = ["ndjson_batches", "decision_line"]

CRITERIA = Criterion.__table__


# --- dialect-neutral JSON constructs ---------------------------------------------------------------------------------

def _sql_function(name: str, doc: str, sqlite: str, postgresql: str, type_=None) -> type[FunctionElement]:
    """A SQL function element rendered by a template per dialect ({0}: its argument; {args}: all, comma-separated)."""
    attributes = {"__doc__": doc, "inherit_cache": True} | ({"type": type_} if type_ is not None else {})
    element = type(name, (FunctionElement,), attributes)
    for dialect, template in (("sqlite", sqlite), ("postgresql", postgresql)):
        def render(element, compiler, template=template, **kw):
            arguments = [compiler.process(clause, **kw) for clause in element.clauses.clauses]
            return template.format(*arguments, args=", ".join(arguments))
        compiles(element, dialect)(render)
    return element


json_object = _sql_function(
    "json_object", "A JSON object from alternating keys (literal SQL strings) and values.",
    "json_object({args})", "json_build_object({args})")
json_bool = _sql_function(
    "json_bool", "A condition as JSON true/false (SQLite has no boolean type: its 0/1 would be numbers).",
    "json(CASE WHEN {0} THEN 'true' ELSE 'false' END)", "({0})")
json_string = _sql_function("json_string", "A text value as a JSON string.", "json_quote({0})",
                            "to_json(CAST({0} AS TEXT))")
json_or_null = _sql_function(
    "json_or_null", "A JSON object from a scalar subquery, or null: JSON text on SQLite, for json_line to splice.",
    "coalesce({0}, 'null')", "{0}")
json_array_or_empty = _sql_function(
    "json_array_or_empty", "An aggregated JSON array from a scalar subquery, [] when it aggregated no row: JSON text "
    "on SQLite, for json_line to splice.", "coalesce({0}, '[]')", "coalesce({0}, CAST('[]' AS JSON))")
iso_time = _sql_function(
    "iso_time", "A stored (naive UTC) time as serializers.catalogue.iso_time writes it: YYYY-MM-DDTHH:MM:SSZ "
    "(seconds truncated). SQLite holds SQLAlchemy's DateTime as text, 'YYYY-MM-DD HH:MM:SS.ffffff': cut, not parsed.",
    "replace(substr({0}, 1, 19), ' ', 'T') || 'Z'", "to_char({0}, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", String())


class json_line(FunctionElement):  # noqa: N801
    """The text of a JSON object: the members of a json_object (first argument) and members given as JSON text (the
    others: key literal, value, ...). SQLite loses a value's JSON subtype at a subquery's boundary, and json() would
    parse it again to restore it: the subqueries' arrays and objects are spliced in as text instead, in front of the
    other members. PostgreSQL builds one object (as text: its driver would parse a json column)."""

    inherit_cache = True
    type = String()


@compiles(json_line, "sqlite")
def _json_line_sqlite(element, compiler, **kw):
    members, *spliced = element.clauses.clauses
    parts = []
    for index in range(0, len(spliced), 2):
        key = spliced[index].name[1:-1]  # the key's SQL literal, unquoted
        parts.append(f"""'{"{" if index == 0 else ","}"{key}":' || {compiler.process(spliced[index + 1], **kw)}""")
    return " || ".join(parts) + f" || ',' || substr({compiler.process(members, **kw)}, 2)"


@compiles(json_line, "postgresql")
def _json_line_postgresql(element, compiler, **kw):
    members, *spliced = element.clauses.clauses
    arguments = [*members.clauses.clauses, *spliced]
    return f"CAST(json_build_object({', '.join(compiler.process(a, **kw) for a in arguments)}) AS TEXT)"


class json_array_agg(FunctionElement):  # noqa: N801
    """Aggregate JSON values (the first argument) into a JSON array in the order of the others. SQLite 3.40 has no
    ORDER BY inside an aggregate: it follows the order of the (ordered) subquery it reads, and the values, already JSON
    text, are joined as text (json_group_array would have to parse each again: twice the cost). PostgreSQL orders
    explicitly, with array_to_json(array_agg()) rather than json_agg(), which puts line breaks between elements."""

    inherit_cache = True


@compiles(json_array_agg, "sqlite")
def _json_array_agg_sqlite(element, compiler, **kw):
    value = element.clauses.clauses[0]
    return f"'[' || group_concat({compiler.process(value, **kw)}, ',') || ']'"


@compiles(json_array_agg, "postgresql")
def _json_array_agg_postgresql(element, compiler, **kw):
    value, *order = element.clauses.clauses
    ordering = ", ".join(compiler.process(column, **kw) for column in order)
    return f"array_to_json(array_agg({compiler.process(value, **kw)} ORDER BY {ordering}))"


class iso_date(FunctionElement):  # noqa: N801
    """The date of a date or time column as YYYY-MM-DD, optionally a number of days later (second argument). SQLite
    holds SQLAlchemy's Date and DateTime as text starting with YYYY-MM-DD: cut, parsed only to add days."""

    inherit_cache = True
    type = String()


@compiles(iso_date, "sqlite")
def _iso_date_sqlite(element, compiler, **kw):
    moment, *days = element.clauses.clauses
    if not days:
        return f"substr({compiler.process(moment, **kw)}, 1, 10)"
    return f"date({compiler.process(moment, **kw)}, {compiler.process(days[0], **kw)} || ' days')"


@compiles(iso_date, "postgresql")
def _iso_date_postgresql(element, compiler, **kw):
    moment, *days = element.clauses.clauses
    shift = f" + {compiler.process(days[0], **kw)}" if days else ""
    return f"to_char(CAST({compiler.process(moment, **kw)} AS DATE){shift}, 'YYYY-MM-DD')"


class concat(FunctionElement):  # noqa: N801
    """Text parts (strings, integers) joined."""

    inherit_cache = True
    type = String()


@compiles(concat, "sqlite")
def _concat_sqlite(element, compiler, **kw):
    return " || ".join(compiler.process(part, **kw) for part in element.clauses.clauses)


@compiles(concat, "postgresql")
def _concat_postgresql(element, compiler, **kw):
    return f"concat({compiler.process(element.clauses, **kw)})"


def _text(value: str):
    """A constant SQL string literal (keys and vocabulary: our own constants, never user input)."""
    return literal_column("'" + value.replace("'", "''") + "'")


def _pairs(fields: dict) -> list:
    """Keyword fields as alternating key literals and values."""
    arguments = []
    for key, value in fields.items():
        arguments += [_text(key), value]
    return arguments


def _object(**fields):
    """json_object over keyword fields."""
    return json_object(*_pairs(fields))


# --- URLs --------------------------------------------------------------------------------------------------------------

def _url(template: str, **columns):
    """A DecisionUrls template (str.format over named integers) as SQL: its literal parts as parameters, the
    placeholders replaced by the columns given."""
    parts = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            parts.append(cast(literal, String))
        if field is not None:
            parts.append(columns[field])
    return concat(*parts)


# --- the decision's line -----------------------------------------------------------------------------------------------

def _specifications(urls: DecisionUrls):
    """The case's public specification versions in link order (url only while published)."""
    credential = VERSIONS.c.micro_credential_id
    inner = (select(_object(
        id=credential, version=VERSIONS.c.number, title_en=VERSIONS.c.title_en,
        title_hy=func.nullif(VERSIONS.c.title_hy, ""), status=VERSIONS.c.status,
        url=case((VERSIONS.c.status == SpecificationStatus.PUBLISHED,
                  _url(urls.micro_credential, specification_id=credential))),
        page_url=_url(urls.catalogue, credential_id=credential, number=VERSIONS.c.number)).label("item"),
        LINKS.c.id.label("link_id"))
        .select_from(LINKS.join(VERSIONS, VERSIONS.c.id == LINKS.c.specification_version_id))
        .where(LINKS.c.case_id == CASES.c.id,
               SpecificationVersion.is_public)
        .order_by(LINKS.c.id).correlate(CASES).subquery("specification_items"))
    return json_array_or_empty(select(json_array_agg(inner.c.item, inner.c.link_id)).scalar_subquery())


def _criteria():
    """The codes of the criteria cited, in criterion order."""
    inner = (select(json_string(CRITERIA.c.code).label("code"), CRITERIA.c.id)
             .select_from(decision_criteria.join(CRITERIA, CRITERIA.c.id == decision_criteria.c.criterion_id))
             .where(decision_criteria.c.decision_id == DECISIONS.c.id)
             .order_by(CRITERIA.c.id).correlate(DECISIONS).subquery("criterion_items"))
    return json_array_or_empty(select(json_array_agg(inner.c.code, inner.c.id)).scalar_subquery())


def _conditions(today: date):
    """Conditions numbered in position order: text, due date, status (open, reported, met, not_met), overdue
    (not met and due before today)."""
    verdict = FOLLOW_UPS.c.verdict
    status = case((FOLLOW_UPS.c.id.is_(None), _text("open")), (verdict.is_not(None), cast(verdict, String)),
                  else_=_text("reported"))
    overdue = and_(or_(verdict.is_(None), cast(verdict, String) != "met"),
                   CONDITIONS.c.due_on < bindparam("export_today", today, Date))
    inner = (select(_object(
        number=func.row_number().over(order_by=(CONDITIONS.c.position, CONDITIONS.c.id)),
        text=CONDITIONS.c.text, due_date=iso_date(CONDITIONS.c.due_on), status=status,
        overdue=json_bool(overdue)).label("item"), CONDITIONS.c.position, CONDITIONS.c.id)
        .select_from(CONDITIONS.outerjoin(FOLLOW_UPS, FOLLOW_UPS.c.condition_id == CONDITIONS.c.id))
        .where(CONDITIONS.c.decision_id == DECISIONS.c.id)
        .order_by(CONDITIONS.c.position, CONDITIONS.c.id).correlate(DECISIONS).subquery("condition_items"))
    return json_array_or_empty(select(json_array_agg(inner.c.item, inner.c.position, inner.c.id))
                               .scalar_subquery())


def _appeal():
    """The appeal's status (as serializers.decisions.appeal_status), outcome and dates, or null."""
    outcome, admissibility = cast(APPEALS.c.outcome, String), cast(APPEALS.c.admissibility, String)
    status = case((outcome == "return_for_reconsideration", _text("returned_for_reconsideration")),
                  (outcome == "uphold", _text("upheld")),
                  (and_(admissibility.is_not(None), admissibility != "admissible"), _text("inadmissible")),
                  else_=_text("under_appeal"))
    appeal = select(_object(status=status, outcome=outcome, lodged_on=iso_date(APPEALS.c.lodged_at),
                            decided_on=iso_date(APPEALS.c.decided_at)))
    return json_or_null(appeal.where(APPEALS.c.decision_id == DECISIONS.c.id).correlate(DECISIONS).scalar_subquery())


def _linked(urls: DecisionUrls, earlier: bool):
    """The decision this one replaced (earlier) or the one replacing it: id, URLs and publication, when published."""
    other = DECISIONS.alias("earlier_link" if earlier else "later_link")
    joined = other.c.id == DECISIONS.c.supersedes_id if earlier else other.c.supersedes_id == DECISIONS.c.id
    linked = select(_object(id=other.c.id, url=_url(urls.detail, decision_id=other.c.id),
                            page_url=_url(urls.page, decision_id=other.c.id),
                            published_at=iso_time(other.c.published_at)))
    return json_or_null(linked.where(joined, other.c.published_at.is_not(None)).correlate(DECISIONS).scalar_subquery())


def decision_line(urls: DecisionUrls, today: date):
    """SQL text of a decision's JSON without "institution" and "outcome" (spliced in by the caller)."""
    decision_id = DECISIONS.c.id
    self_url = _url(urls.detail, decision_id=decision_id)
    window = literal_column(str(urls.appeal_window.days), Integer)
    members = _object(
        id=decision_id, url=self_url, case_reference=CASES.c.reference, status=decision_standing(DECISIONS.c, today),
        valid_from=iso_date(DECISIONS.c.valid_from), valid_to=iso_date(DECISIONS.c.valid_to),
        meeting_date=iso_date(DECISIONS.c.meeting_date), institution_heard=json_bool(DECISIONS.c.hei_heard),
        reasons=DECISIONS.c.reasons, appeal_deadline=iso_date(DECISIONS.c.published_at, window),
        urls=_object(self=self_url, public_page=_url(urls.page, decision_id=decision_id),
                     letter_pdf=_url(urls.letter, decision_id=decision_id),
                     report_pdf=_url(urls.report, decision_id=decision_id) if urls.report else None),
        published_at=iso_time(DECISIONS.c.published_at), updated_at=iso_time(decision_updated_at()))
    return json_line(members, *_pairs({
        "specifications": _specifications(urls), "criteria_cited": _criteria(), "conditions": _conditions(today),
        "appeal": _appeal(), "supersedes": _linked(urls, earlier=True), "superseded_by": _linked(urls, earlier=False),
    }))


# --- the export --------------------------------------------------------------------------------------------------------

def _dumps(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


class _Heads:
    """The JSON text of each outcome and institution met so far in one export, loaded once each (bounded by the number
    of outcomes and institutions, not of decisions)."""

    def __init__(self) -> None:
        self.outcomes: dict[int, str] = {}
        self.institutions: dict[int, str] = {}
        # Both put in front of a line, by (institution id, outcome id).
        self.heads: dict[tuple[int, int], str] = {}

    def load(self, rows: list) -> None:
        """Load what this batch names for the first time (at most two queries)."""
        new_outcomes = {row[2] for row in rows} - self.outcomes.keys()
        if new_outcomes:
            for outcome in db.session.scalars(select(Outcome).where(Outcome.id.in_(new_outcomes))
                                              .options(joinedload(Outcome.scheme).lazyload(OutcomeScheme.outcomes))):
                self.outcomes[outcome.id] = _dumps(outcome_json(outcome))
        new_institutions = {row[1] for row in rows} - self.institutions.keys()
        if new_institutions:
            for institution in db.session.scalars(select(Institution).where(Institution.id.in_(new_institutions))):
                self.institutions[institution.id] = _dumps(institution_json(institution))

    def lines(self, rows: list) -> str:
        """The batch's NDJSON: each database line with "institution" and "outcome" put in front."""
        heads, lines = self.heads, []
        for _id, institution_id, outcome_id, line in rows:
            head = heads.get((institution_id, outcome_id))
            if head is None:
                head = heads[institution_id, outcome_id] = (
                    '{"institution":' + self.institutions[institution_id] + ',"outcome":' + self.outcomes[outcome_id]
                    + ",")
            lines.append(head + line[1:])
        return "\n".join(lines) + "\n"


_LINES: dict[tuple, object] = {}


def _memoised_line(urls: DecisionUrls, today: date):
    """decision_line() labelled, kept for the next export with the same host, settings and day: building the
    expression and its cache key costs about 10 ms, as much as 300 lines."""
    key = (urls.detail, urls.page, urls.letter, urls.report, urls.micro_credential, urls.catalogue,
           urls.appeal_window, today)
    line = _LINES.get(key)
    if line is None:
        if len(_LINES) >= 16:
            _LINES.clear()
        line = _LINES[key] = decision_line(urls, today).label("line")
    return line


def ndjson_batches(statement: Select, batch_size: int) -> Iterator[str]:
    """NDJSON of the decisions the statement (published_decisions() and its filters) selects, in id order, one chunk
    per keyset batch of batch_size decisions. The batch statement is one object run with a new `after` each time, so
    SQLAlchemy derives its cache key once per export, not once per batch."""
    line = _memoised_line(DecisionUrls.current(), utcnow().date())
    batch = (published_decision_rows(DECISIONS.c.id, CASES.c.institution_id, DECISIONS.c.outcome_id, line)
             .where(statement.whereclause, DECISIONS.c.id > bindparam("export_after", type_=Integer))
             .order_by(DECISIONS.c.id).limit(batch_size))
    heads, after = _Heads(), 0
    while True:
        rows = db.session.execute(batch, {"export_after": after}).all()
        if not rows:
            return
        heads.load(rows)
        yield heads.lines(rows)
        after = rows[-1].id
        if len(rows) < batch_size:
            return
