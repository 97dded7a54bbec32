"""Bulk export of published decisions as NDJSON (one decision_json per line) and CSV (one row per decision ×
reviewed specification), generated batch by batch in constant memory: each batch is one keyset page of
EXPORT_BATCH_SIZE decisions loaded with published_decisions()' eager loads (a fixed number of queries per batch),
serialised, handed to the server and dropped from the session before the next one is read."""
import csv
import io
import json
from collections.abc import Iterator

from sqlalchemy import Select

from qa_portal.decisions.models import Decision
from qa_portal.extensions import db
from qa_portal.registry.serializers.decisions import decision_json

__all__ = ["EXPORT_BATCH_SIZE", "CSV_COLUMNS", "decision_batches", "ndjson_chunks", "csv_rows", "csv_chunks"]

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


def decision_batches(statement: Select, batch_size: int | None = None) -> Iterator[list[Decision]]:
    """The statement's decisions in id order, EXPORT_BATCH_SIZE at a time (keyset: each batch starts after the last
    id of the previous one, so rows published meanwhile never shift a batch); the session forgets each batch once
    the consumer has used it."""
    size = batch_size or EXPORT_BATCH_SIZE
    after = 0
    while True:
        batch = list(db.session.scalars(
            statement.where(Decision.id > after).order_by(Decision.id).limit(size)).unique())
        if not batch:
            return
        yield batch
        after = batch[-1].id
        db.session.expunge_all()
        if len(batch) < size:
            return


def _json_line(payload: dict) -> str:
    """One compact JSON document and a newline (the same encoding as the API's JSON responses)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"


def ndjson_chunks(statement: Select, batch_size: int | None = None) -> Iterator[str]:
    """NDJSON, one chunk per batch: a line per decision, each exactly the decision's detail JSON."""
    for batch in decision_batches(statement, batch_size):
        yield "".join(_json_line(decision_json(decision)) for decision in batch)


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
    """RFC 4180 CSV (CRLF line ends, quoted where needed): the header, then one chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue()
    for batch in decision_batches(statement, batch_size):
        buffer.seek(0)
        buffer.truncate()
        for decision in batch:
            writer.writerows(csv_rows(decision_json(decision)))
        yield buffer.getvalue()
