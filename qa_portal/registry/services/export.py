"""Bulk export of published decisions as NDJSON (one decision's detail JSON per line) and CSV (one row per decision ×
reviewed specification), generated batch by batch in constant memory.

Both read the stored public records (registry/models.py, kept by services/records.py: decision_json's output as
text), one query per keyset batch of EXPORT_BATCH_SIZE decisions: an NDJSON line is the stored text as it is; a CSV
row is made from the parsed record.

decision_batches reads decisions as plain rows in at most eight queries a batch (the decisions; outcomes and
institutions not met before; specifications, criteria cited, conditions with follow-up, appeals and linked decisions
by id), assembled into light records with the attributes decision_json reads: the bulk rebuild of the stored records
(records.rebuild_records) serialises those."""
import json
from collections import defaultdict, namedtuple
from collections.abc import Iterator
from types import SimpleNamespace as Record

from flask import g, has_app_context
from sqlalchemy import Select, String, bindparam, or_, select, type_coerce
from sqlalchemy.orm import joinedload

from qa_portal.core.csv_export import CsvWriter
from qa_portal.decisions.models import decision_criteria
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, Outcome, OutcomeScheme, SpecificationStatus, SpecificationVersion
from qa_portal.decisions.services.qa_status import decision_standing
from qa_portal.registry.services.queries import (APPEALS, CASES, CONDITIONS, DECISIONS, FOLLOW_UPS, LINKS, VERSIONS,
                                       published_decision_rows)
from qa_portal.registry.services.serializers.catalogue import institution_json
from qa_portal.registry.models import PublicDecisionRecord
from qa_portal.standards.models import Criterion

__all__ = ["EXPORT_BATCH_SIZE", "CSV_COLUMNS", "decision_batches", "stored_records", "stored_record_batches", "ndjson_chunks", "csv_rows",
           "csv_chunks"]

EXPORT_BATCH_SIZE = 500

# The CSV's columns, in order (documented in the README). A decision reviewing no public specification version is
# one row with the specification columns empty.
CSV_COLUMNS = (
    "decision_id", "case_reference",
    "institution_id", "institution_name_en", "institution_name_hy", "institution_deqar_id", "institution_eter_id",
    "institution_country",
    "micro_credential_id", "specification_version", "specification_title_en", "specification_title_hy",
    "outcome_code", "outcome_label_en", "outcome_kind", "deqar_decision", "valid_from", "valid_to",
    "conditions_count", "conditions_met", "appeal_status", "supersedes_id", "superseded_by_id",
    "published_at", "updated_at", "decision_url", "public_page_url", "letter_pdf_url", "report_pdf_url",
)

# Institutions and outcomes repeat across decisions: the rows carry their ids, and each is loaded once per export.
_DECISION_COLUMNS = (
    DECISIONS.c.id, DECISIONS.c.valid_from, DECISIONS.c.valid_to, DECISIONS.c.meeting_date, DECISIONS.c.hei_heard,
    DECISIONS.c.reasons, DECISIONS.c.published_at, DECISIONS.c.supersedes_id, DECISIONS.c.outcome_id,
    CASES.c.id.label("case_id"), CASES.c.reference, CASES.c.institution_id,
)


# The exporter's light stand-ins for the ORM objects decision_json reads (tuples: cheap to make by the 100k).
SpecificationRecord = namedtuple("SpecificationRecord",
                                 "micro_credential_id number title_en title_hy status is_public")
LinkRecord = namedtuple("LinkRecord", "specification_version")
CriterionRecord = namedtuple("CriterionRecord", "code")
CRITERIA = Criterion.__table__
# The status as stored, to its enum member, by a dict lookup (the Enum type's own conversion costs more).
_SPECIFICATION_STATUS = {status.value: status for status in SpecificationStatus}


def _grouped(rows, key: str, make) -> dict:
    """Rows grouped by one column into lists of records, in query order."""
    groups = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(make(row))
    return groups


def _specifications(case_ids: list[int]) -> dict:
    """Each case's reviewed specification versions, in link order (as Case.specification_links)."""
    rows = db.session.execute(
        select(LINKS.c.case_id, VERSIONS.c.micro_credential_id, VERSIONS.c.number, VERSIONS.c.title_en,
               VERSIONS.c.title_hy, type_coerce(VERSIONS.c.status, String).label("status"),
               SpecificationVersion.is_public.label("is_public"))
        .select_from(LINKS.join(VERSIONS, VERSIONS.c.id == LINKS.c.specification_version_id))
        .where(LINKS.c.case_id.in_(case_ids)).order_by(LINKS.c.id)).all()
    groups = defaultdict(list)
    for case_id, credential_id, number, title_en, title_hy, status, is_public in rows:
        groups[case_id].append(LinkRecord(SpecificationRecord(credential_id, number, title_en, title_hy,
                                                              _SPECIFICATION_STATUS[status], bool(is_public))))
    return groups


def _criteria(decision_ids: list[int]) -> dict:
    """Each decision's cited criteria, in criterion order (as Decision.criteria)."""
    rows = db.session.execute(
        select(decision_criteria.c.decision_id, CRITERIA.c.code)
        .select_from(decision_criteria.join(CRITERIA, CRITERIA.c.id == decision_criteria.c.criterion_id))
        .where(decision_criteria.c.decision_id.in_(decision_ids)).order_by(CRITERIA.c.id)).all()
    groups = defaultdict(list)
    for decision_id, code in rows:
        groups[decision_id].append(CriterionRecord(code))
    return groups


def _conditions(decision_ids: list[int]) -> dict:
    """Each decision's conditions in position order, with their follow-up's status fields (never its texts)."""
    rows = db.session.execute(
        select(CONDITIONS.c.decision_id, CONDITIONS.c.text, CONDITIONS.c.due_on,
               FOLLOW_UPS.c.id.label("follow_up_id"), FOLLOW_UPS.c.verdict, FOLLOW_UPS.c.reported_at,
               FOLLOW_UPS.c.verified_at)
        .select_from(CONDITIONS.outerjoin(FOLLOW_UPS, FOLLOW_UPS.c.condition_id == CONDITIONS.c.id))
        .where(CONDITIONS.c.decision_id.in_(decision_ids))
        .order_by(CONDITIONS.c.position, CONDITIONS.c.id))
    return _grouped(rows, "decision_id", lambda row: Record(
        text=row.text, due_on=row.due_on,
        follow_up=None if row.follow_up_id is None else Record(verdict=row.verdict, reported_at=row.reported_at,
                                                               verified_at=row.verified_at)))


def _appeals(decision_ids: list[int]) -> dict:
    """The appeal against each decision, by its status fields (never its grounds, statement or reasons)."""
    table = APPEALS.c
    rows = db.session.execute(
        select(table.decision_id, table.outcome, table.admissibility, table.lodged_at, table.admissibility_at,
               table.decided_at).where(table.decision_id.in_(decision_ids)))
    return {row.decision_id: Record(outcome=row.outcome, admissibility=row.admissibility, lodged_at=row.lodged_at,
                                    admissibility_at=row.admissibility_at, decided_at=row.decided_at)
            for row in rows}


def _linked(decision_ids: list[int], earlier_ids: list[int]) -> tuple[dict, dict]:
    """The decisions these replaced (by id) and the ones replacing them (by the replaced id): id and publication."""
    table = DECISIONS.c
    rows = db.session.execute(
        select(table.id, table.published_at, table.supersedes_id)
        .where(or_(table.id.in_(earlier_ids), table.supersedes_id.in_(decision_ids))))
    wanted_earlier, wanted_later = set(earlier_ids), set(decision_ids)
    earlier, later = {}, {}
    for row in rows:
        record = Record(id=row.id, published_at=row.published_at)
        if row.id in wanted_earlier:
            earlier[row.id] = record
        if row.supersedes_id in wanted_later:
            later[row.supersedes_id] = record
    return earlier, later


class _Export:
    """One export's state: the outcomes and institutions met so far (each loaded once, however many decisions name
    it; bounded by the number of outcomes and institutions, not of decisions)."""

    def __init__(self) -> None:
        self.outcomes: dict[int, Outcome] = {}
        # Read by the serializer's _institution_json: each institution's JSON, built once.
        self.institutions: dict[int, dict] = {}
        g.registry_institutions = self.institutions

    def _load_new(self, rows: list) -> None:
        """Load the outcomes and institutions this batch names for the first time (at most two queries)."""
        new_outcomes = {row.outcome_id for row in rows} - self.outcomes.keys()
        if new_outcomes:
            self.outcomes.update((outcome.id, outcome) for outcome in db.session.scalars(
                select(Outcome).where(Outcome.id.in_(new_outcomes))
                .options(joinedload(Outcome.scheme).lazyload(OutcomeScheme.outcomes))))
        new_institutions = {row.institution_id for row in rows} - self.institutions.keys()
        if new_institutions:
            for institution in db.session.scalars(select(Institution).where(Institution.id.in_(new_institutions))):
                self.institutions[institution.id] = institution_json(institution)

    def records(self, rows: list) -> list[Record]:
        """The batch's decisions as records with every attribute decision_json reads (up to seven more queries)."""
        self._load_new(rows)
        decision_ids = [row.id for row in rows]
        specifications = _specifications([row.case_id for row in rows])
        criteria, conditions, appeals = _criteria(decision_ids), _conditions(decision_ids), _appeals(decision_ids)
        earlier, later = _linked(decision_ids, [row.supersedes_id for row in rows if row.supersedes_id is not None])
        return [Record(
            id=row.id, standing=row.standing, valid_from=row.valid_from, valid_to=row.valid_to,
            meeting_date=row.meeting_date,
            hei_heard=row.hei_heard, reasons=row.reasons, published_at=row.published_at,
            outcome=self.outcomes[row.outcome_id],
            case=Record(reference=row.reference, institution=Record(id=row.institution_id),
                        specification_links=specifications.get(row.case_id, [])),
            criteria=criteria.get(row.id, []), conditions=conditions.get(row.id, []), appeal=appeals.get(row.id),
            supersedes=earlier.get(row.supersedes_id), superseded_by=later.get(row.id)) for row in rows]


def decision_batches(statement: Select, batch_size: int | None = None) -> Iterator[list[Record]]:
    """The decisions statement (published_decisions() and its filters) selects, in id order, EXPORT_BATCH_SIZE at a
    time as records (keyset: each batch starts after the last id of the previous one, so decisions published
    meanwhile never shift a batch)."""
    size = batch_size or EXPORT_BATCH_SIZE
    rows_statement = published_decision_rows(
        *_DECISION_COLUMNS, decision_standing(DECISIONS.c).label("standing")).where(statement.whereclause)
    after = 0
    state = _Export()
    try:
        while True:
            rows = db.session.execute(
                rows_statement.where(DECISIONS.c.id > after).order_by(DECISIONS.c.id).limit(size)).all()
            if not rows:
                return
            yield state.records(rows)
            after = rows[-1].id
            if len(rows) < size:
                return
    finally:
        if has_app_context():  # a generator closed by the garbage collector has no context left to clean
            g.pop("registry_institutions", None)


def stored_records(statement: Select) -> Select:
    """(id, document) of the stored public record of each decision the statement (published_decisions() and its
    filters) selects."""
    records = PublicDecisionRecord.__table__
    return (published_decision_rows(DECISIONS.c.id, records.c.document)
            .join(records, records.c.decision_id == DECISIONS.c.id).where(statement.whereclause))


def stored_record_batches(statement: Select, batch_size: int | None = None) -> Iterator[list[str]]:
    """The stored records (JSON text) of the decisions statement selects (published_decisions() and its filters), in
    id order, a keyset batch at a time: one statement object for the whole export, run with the last id as `after`."""
    rows_statement = (stored_records(statement).where(DECISIONS.c.id > bindparam("after")).order_by(DECISIONS.c.id)
                      .limit(batch_size or EXPORT_BATCH_SIZE))
    size, after = batch_size or EXPORT_BATCH_SIZE, 0
    while True:
        rows = db.session.execute(rows_statement, {"after": after}).all()
        if not rows:
            return
        yield [row[1] for row in rows]
        after = rows[-1][0]
        if len(rows) < size:
            return


def ndjson_chunks(statement: Select, batch_size: int | None = None) -> Iterator[str]:
    """NDJSON, one chunk per batch: a line per decision, its stored public record (the API's detail JSON)."""
    for batch in stored_record_batches(statement, batch_size):
        yield "\n".join(batch) + "\n"


def csv_rows(payload: dict) -> list[list]:
    """A decision's CSV rows (columns as CSV_COLUMNS): one per reviewed specification, at least one."""
    institution, outcome, urls = payload["institution"], payload["outcome"], payload["urls"]
    conditions = payload["conditions"]
    common_head = [payload["id"], payload["case_reference"], institution["id"], institution["name_en"],
                   institution["name_hy"], institution["deqar_id"], institution["eter_id"], institution["country"]]
    common_tail = [
        outcome["code"], outcome["label_en"], outcome["kind"], outcome["deqar_decision"], payload["valid_from"],
        payload["valid_to"], len(conditions), sum(1 for condition in conditions if condition["status"] == "met"),
        payload["appeal"]["status"] if payload["appeal"] else None,
        payload["supersedes"]["id"] if payload["supersedes"] else None,
        payload["superseded_by"]["id"] if payload["superseded_by"] else None,
        payload["published_at"], payload["updated_at"], urls["self"], urls["public_page"], urls["letter_pdf"],
        urls["report_pdf"],
    ]
    specifications = [[spec["id"], spec["version"], spec["title_en"], spec["title_hy"]]
                      for spec in payload["specifications"]] or [[None, None, None, None]]
    return [common_head + specification + common_tail for specification in specifications]


def csv_chunks(statement: Select, batch_size: int | None = None) -> Iterator[str]:
    """RFC 4180 CSV (CRLF line ends, quoted where needed, formula-like text neutralised by core's CsvWriter): the
    header, then one chunk per batch, each row made from a stored record."""
    writer = CsvWriter()
    writer.row(CSV_COLUMNS)
    yield writer.take()
    for batch in stored_record_batches(statement, batch_size):
        for text in batch:
            writer.rows(csv_rows(json.loads(text)))
        yield writer.take()
