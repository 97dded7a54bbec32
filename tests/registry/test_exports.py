"""GET /api/v1/decisions.ndjson and /api/v1/decisions.csv: every published decision matching the list's filters,
streamed in keyset batches (a fixed number of queries per batch, nothing built in full), as an attachment; NDJSON
lines equal the detail JSON; the CSV has one row per decision × specification in RFC 4180."""
import csv
import io
import json

import pytest

from qa_portal.extensions import db
from qa_portal.registry.services import export
from qa_portal.registry.services.export import CSV_COLUMNS
from qa_portal.registry.services.queries import published_decisions
from tests.registry.factories import (appeal_against, published_decision, registry_institution, superseding_decision,
                                      unpublished_decision)
from tests.registry.test_errors import assert_api_error

NDJSON, CSV = "/api/v1/decisions.ndjson", "/api/v1/decisions.csv"


def ndjson_ids(response) -> list[int]:
    return [json.loads(line)["id"] for line in response.get_data(as_text=True).splitlines()]


def csv_table(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 2 decisions, so a handful of decisions spans several batches."""
    monkeypatch.setattr(export, "EXPORT_BATCH_SIZE", 2)




# --- NDJSON --------------------------------------------------------------------------------------------------------

def test_ndjson_lines_equal_the_detail_json(app, client, small_batches):
    """One line per published decision in id order, each exactly the detail's JSON, across several batches."""
    decisions = [published_decision("positive_with_conditions", specifications=2), published_decision(),
                 published_decision("negative")]
    appeal_against(decisions[2])
    decisions.append(superseding_decision(decisions[0]))
    unpublished_decision()
    response = client.get(NDJSON)
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="qa-portal-decisions-')
    assert response.headers["Content-Disposition"].endswith('.ndjson"')
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == 4
    for line, decision in zip(lines, sorted(decisions, key=lambda d: d.id)):
        assert json.loads(line) == client.get(f"/api/v1/decisions/{decision.id}").get_json()


def test_ndjson_is_not_shadowed_by_the_detail_route(app, client):
    """/decisions.ndjson and /decisions.csv are exports, not a decision id."""
    published_decision()
    assert client.get(NDJSON).mimetype == "application/x-ndjson"
    assert client.get(CSV).mimetype == "text/csv"


def test_ndjson_of_no_decisions_is_empty(app, client):
    response = client.get(NDJSON)
    assert response.status_code == 200 and response.data == b""


def test_exports_apply_the_list_filters(app, client, small_batches):
    institution = registry_institution()
    mine = [published_decision(institution=institution) for _ in range(3)]
    published_decision()
    published_decision("negative", institution=institution)
    url = f"?institution={institution.id}&outcome=positive"
    assert ndjson_ids(client.get(NDJSON + url)) == [decision.id for decision in mine]
    assert [int(row["decision_id"]) for row in csv_table(client.get(CSV + url))] == [d.id for d in mine]


@pytest.mark.parametrize("query, status, code", [
    ("limit=10", 400, "unknown_parameter"),
    ("cursor=abc", 400, "unknown_parameter"),
    ("valid_on=31/12/2026", 400, "invalid_date"),
    ("updated_since=soon", 400, "invalid_datetime"),
    ("outcome=splendid", 400, "invalid_choice"),
    ("institution=-1", 400, "invalid_integer"),
])
def test_a_bad_export_parameter_is_a_json_400_before_any_byte_streams(app, client, query, status, code):
    for url in (NDJSON, CSV):
        assert_api_error(client.get(f"{url}?{query}"), status, code)


# --- CSV -----------------------------------------------------------------------------------------------------------

def test_csv_has_the_documented_columns_and_a_row_per_decision_and_specification(app, client):
    """Header = CSV_COLUMNS; a decision reviewing two specifications is two rows; CRLF line ends (RFC 4180)."""
    two = published_decision("positive_with_conditions", specifications=2)
    one = published_decision()
    unpublished_decision()
    response = client.get(CSV)
    assert response.mimetype == "text/csv" and response.headers["Content-Disposition"].endswith('.csv"')
    text = response.get_data(as_text=True)
    assert text.startswith(",".join(CSV_COLUMNS) + "\r\n")
    rows = csv_table(response)
    assert [(int(row["decision_id"]), row["specification_title_en"]) for row in rows] == [
        (two.id, "Data literacy for public administration"), (two.id, "Computer-aided design for footwear"),
        (one.id, "Data literacy for public administration")]
    first = rows[0]
    institution = two.case.institution
    assert first["institution_deqar_id"] == institution.deqar_id and first["institution_eter_id"] == institution.eter_id
    assert first["outcome_code"] == "positive_with_conditions"
    assert first["deqar_decision"] == "positive with conditions or restrictions"
    assert first["conditions_count"] == "2" and first["conditions_met"] == "0" and first["appeal_status"] == ""
    assert first["valid_from"] == two.valid_from.isoformat() and first["published_at"].endswith("Z")
    assert first["report_pdf_url"].endswith(f"/register/{two.id}/report.pdf")


def test_csv_quotes_commas_quotes_and_newlines(app, client):
    """Values with a comma, a double quote or a line break survive a round trip through a CSV reader."""
    name = 'Institute "Arvest", Yerevan\nBranch'
    decision = published_decision(institution=registry_institution(name))
    appeal_against(decision)
    row = csv_table(client.get(CSV))[0]
    assert row["institution_name_en"] == name and row["appeal_status"] == "under_appeal"


# --- streaming -----------------------------------------------------------------------------------------------------

# Both exports read the stored public records: 1 query a batch, whatever the decisions show.
@pytest.mark.parametrize("url, queries", [(NDJSON, [1, 1, 1]), (CSV, [1, 1, 1])])
def test_exports_stream_batch_by_batch(app, small_batches, statements, url, queries):
    """The response is a generator read lazily: before the body is read only the ETag's one fingerprint query runs,
    and each batch of 2 decisions costs the same small number of queries (so memory and work per chunk do not grow
    with N); an outcome or institution is loaded only by the first batch naming it."""
    for _ in range(6):
        appeal_against(published_decision("positive_with_conditions", specifications=2))
    db.session.expire_all()
    with app.test_request_context(url):
        statements.clear()
        response = app.full_dispatch_request()
        assert response.is_streamed and len(statements) == 1 and "public_decision_records" in statements[0]
        statements.clear()
        chunks = iter(response.response)
        if url == CSV:
            assert next(chunks).startswith("decision_id,") and statements == []
        per_chunk = []
        for _ in chunks:
            per_chunk.append(len(statements))
            statements.clear()
        response.close()
    assert per_chunk == queries


def test_exports_never_load_everything_at_once(app, client, monkeypatch, small_batches):
    """Every query of the export is limited to one batch (keyset: id > last, LIMIT batch size)."""
    for _ in range(5):
        published_decision()
    seen = []
    real = export.stored_record_batches

    def spy(statement, batch_size=None):
        for batch in real(statement, batch_size):
            seen.append(len(batch))
            yield batch

    monkeypatch.setattr(export, "stored_record_batches", spy)
    assert len(csv_table(client.get(CSV))) == 5
    assert seen == [2, 2, 1]
    with app.test_request_context(NDJSON):
        assert [chunk.count("\n") for chunk in export.ndjson_chunks(published_decisions())] == [2, 2, 1]
