"""`flask storage check [--fix]`: partial uploads and orphans older than a day are listed (and removed), stored files
missing on disk are reported, and younger or foreign files are left alone."""
import os
import time

from sqlalchemy import update

from qa_portal.core.storage import upload_root
from qa_portal.core.storage_check import check_storage, file_tables
from qa_portal.extensions import db
from qa_portal.reviews.models import Evidence
from tests.reviews.factories import make_case, make_evidence

TWO_DAYS = 2 * 24 * 3600


def _aged(path, seconds: float = TWO_DAYS):
    """Make the file look `seconds` old."""
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def _clear_upload_folder():
    for path in upload_root().iterdir():
        path.unlink()


def test_storage_check_knows_every_model_with_a_stored_file(app):
    """Evidence, appeal documents and condition follow-up reports are the tables whose rows reference stored files."""
    assert {table.name for table, _column in file_tables()} >= {"evidence", "appeal_documents",
                                                                 "condition_follow_ups"}


def test_storage_check_lists_then_removes_old_partials_and_orphans(app):
    """A `.part` left by a killed upload and a file no row references, both two days old, are listed; --fix removes
    them; a referenced file, a young orphan and a file the portal did not write stay."""
    _clear_upload_folder()
    evidence = make_evidence(make_case())
    root = upload_root()
    partial = root / f".{'a' * 32}.part"
    partial.write_bytes(b"%PDF-1.4 half")
    _aged(partial)
    orphan = root / ("b" * 32)
    orphan.write_bytes(b"%PDF-1.4")
    _aged(orphan)
    young = root / ("c" * 32)
    young.write_bytes(b"%PDF-1.4")
    foreign = root / "notes.txt"
    foreign.write_text("not ours")
    _aged(foreign)
    _aged(root / evidence.storage_name)

    report = check_storage()
    assert report.stale_partials == [partial] and report.orphans == [orphan]
    assert report.foreign == [foreign] and report.recent_unreferenced == 1 and not report.clean
    assert partial.exists() and orphan.exists()

    report = check_storage(fix=True)
    assert not partial.exists() and not orphan.exists()
    assert young.exists() and foreign.exists() and (root / evidence.storage_name).exists()
    assert report.clean


def test_storage_check_reports_stored_files_missing_on_disk(app):
    """A row whose file is gone is reported with its table and id, and the check is not clean."""
    _clear_upload_folder()
    evidence = make_evidence(make_case())
    (upload_root() / evidence.storage_name).unlink()
    report = check_storage(fix=True)
    assert report.missing == [("evidence", str(evidence.id), evidence.storage_name)]
    assert not report.clean


def test_storage_check_command_output_and_exit_codes(app):
    """The command prints what it found, exits 1 until fixed, then 0; --fix says what it removed."""
    _clear_upload_folder()
    evidence = make_evidence(make_case())
    old_name, evidence_id = evidence.storage_name, evidence.id
    _aged(upload_root() / old_name)
    db.session.execute(update(Evidence).where(Evidence.id == evidence_id).values(storage_name="d" * 32))
    db.session.commit()  # the evidence row now points elsewhere: its old file is an orphan, "ddd…" is missing
    runner = app.test_cli_runner()

    result = runner.invoke(args=["storage", "check"])
    assert result.exit_code == 1
    assert f"orphan found (no record references it): {old_name}" in result.output
    assert f"missing on disk: {'d' * 32} (referenced by evidence {evidence_id})" in result.output
    assert "Run again with --fix" in result.output

    result = runner.invoke(args=["storage", "check", "--fix"])
    assert f"orphan removed (no record references it): {old_name}" in result.output
    assert result.exit_code == 1  # the missing file still needs a person

    db.session.execute(update(Evidence).where(Evidence.id == evidence_id).values(storage_name="e" * 32))
    db.session.commit()
    (upload_root() / ("e" * 32)).write_bytes(b"%PDF-1.4")
    result = runner.invoke(args=["storage", "check"])
    assert result.exit_code == 0, result.output
    assert "0 partial upload(s), 0 orphan(s); 0 stored file(s) missing." in result.output
