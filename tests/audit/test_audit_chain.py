"""The audit log is append-only and hash-chained; `audit verify` finds tampering."""
from sqlalchemy import text

from qa_portal.audit.models import GENESIS_HASH, AuditEntry
from qa_portal.audit.services import record, verify_chain
from qa_portal.auth.models import Role
from qa_portal.extensions import db
from tests.factories import login, make_user


def _three_entries(app):
    actor = make_user(Role.OFFICER)
    for n in range(3):
        record(actor, "test.action", ("Thing", n), f"Did thing {n}", {"n": n, "text": "Հայերեն"})
    db.session.commit()
    return actor


def test_record_chains_each_entry_to_the_previous(app):
    """The first entry follows the genesis hash; each next one follows its predecessor."""
    _three_entries(app)
    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].entry_hash
    assert verify_chain() is None


def test_verify_detects_an_edited_row(app):
    """Editing a row's summary by hand breaks the chain at that row."""
    _three_entries(app)
    second = db.session.scalars(db.select(AuditEntry.id).order_by(AuditEntry.id)).all()[1]
    db.session.execute(text("UPDATE audit_entries SET summary = 'forged' WHERE id = :id"), {"id": second})
    db.session.commit()
    problem = verify_chain()
    assert problem is not None and problem.entry_id == second and "altered" in problem.reason


def test_verify_detects_a_removed_row(app):
    """Deleting a row in the middle breaks the chain at the row after it."""
    _three_entries(app)
    ids = db.session.scalars(db.select(AuditEntry.id).order_by(AuditEntry.id)).all()
    db.session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": ids[1]})
    db.session.commit()
    problem = verify_chain()
    assert problem is not None and problem.entry_id == ids[2] and "removed" in problem.reason


def test_audit_verify_command_exits_non_zero_naming_the_bad_entry(app):
    """The CLI passes on an intact chain and exits 1 naming the first bad entry."""
    _three_entries(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output
    first = db.session.scalars(db.select(AuditEntry.id).order_by(AuditEntry.id)).first()
    db.session.execute(text("UPDATE audit_entries SET data = '{\"n\": 99}' WHERE id = :id"), {"id": first})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"entry {first}" in result.output


def test_audit_page_filters_and_csv(client):
    """Officers filter the audit log by action and download the filtered CSV."""
    officer = make_user(Role.OFFICER)
    login(client, officer)
    record(officer, "standards.approve", ("StandardVersion", 7), "Approved version 7")
    db.session.commit()
    page = client.get("/audit/?action=standards.")
    assert page.status_code == 200
    assert b"Approved version 7" in page.data and b"Signed in as" not in page.data
    csv_response = client.get("/audit/export.csv?action=auth.login")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    body = csv_response.get_data(as_text=True)
    assert body.splitlines()[0].startswith("id,at,actor,action")
    assert "auth.login" in body and "standards.approve" not in body


def test_audit_page_bad_date_filter_is_ignored_not_500(client):
    """A malformed date in the filter is ignored rather than crashing."""
    login(client, make_user(Role.ADMIN))
    assert client.get("/audit/?from=yesterday&to=2026-13-45").status_code == 200
