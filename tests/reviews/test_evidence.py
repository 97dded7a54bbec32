"""Evidence uploads: type by content, size limit, safe names, no orphans; downloads permission-checked and audited."""
import io
import os

import pytest
from sqlalchemy import func, select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.storage import upload_root
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState, Confidentiality, Evidence
from tests.factories import login, make_institution, make_user
from tests.reviews.factories import criteria_of, hei_user_for, make_case, make_evidence, tiny_pdf, tiny_png


def _upload(client, case, content: bytes, filename: str, **fields):
    data = {"title": "Assessment regulations", "evidence_type": "policy", "language": "en",
            "confidentiality": "public", **fields, "file": (io.BytesIO(content), filename)}
    return client.post(f"/cases/{case.id}/evidence", data=data, content_type="multipart/form-data")


def _stored_files() -> set[str]:
    return {name for name in os.listdir(upload_root()) if not name.startswith(".")}


def _count() -> int:
    return db.session.scalar(select(func.count(Evidence.id)))


def test_upload_stores_file_with_checksum_and_criteria(app, client):
    """A PDF is stored under a random name with its SHA-256 and size, linked to the chosen criteria."""
    case = make_case()
    criterion = criteria_of(case)[0]
    login(client, hei_user_for(case))
    response = _upload(client, case, tiny_pdf(), "regulations.pdf", criteria=[str(criterion.id)])
    assert response.status_code == 302
    evidence = db.session.scalar(select(Evidence))
    assert evidence.storage_name != "regulations.pdf" and len(evidence.storage_name) == 32
    assert evidence.kind == "pdf" and evidence.size == len(tiny_pdf()) and len(evidence.sha256) == 64
    assert [c.id for c in evidence.criteria] == [criterion.id]
    assert (upload_root() / evidence.storage_name).exists()


@pytest.mark.parametrize("content, filename", [
    (b"MZ\x90\x00" + b"\x00" * 60, "report.pdf"),  # a Windows executable renamed .pdf
    (b"<!doctype html><html><script>alert(1)</script></html>", "report.pdf"),  # HTML renamed .pdf
    (b"#!/bin/sh\nrm -rf /\n", "script.png"),
])
def test_upload_refuses_wrong_type_by_content(app, client, content, filename):
    """A file whose content is not an allowed kind is refused with a clear message, whatever its name."""
    case = make_case()
    login(client, hei_user_for(case))
    before = _stored_files()
    response = _upload(client, case, content, filename)
    assert response.status_code == 400
    assert "This file type is not accepted" in response.get_data(as_text=True)
    assert _count() == 0 and _stored_files() == before


def test_upload_refuses_an_oversized_file(app, client, monkeypatch):
    """A file over the configured size limit is refused with a clear message and leaves nothing behind."""
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    case = make_case()
    login(client, hei_user_for(case))
    before = _stored_files()
    response = _upload(client, case, b"%PDF-1.4\n" + b"0" * 5000, "big.pdf")
    assert response.status_code == 413
    assert "larger than the allowed size" in response.get_data(as_text=True)
    assert _count() == 0 and _stored_files() == before


@pytest.mark.parametrize("filename, expected", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("Քաղաքականություն 2025.pdf", "Քաղաքականություն 2025.pdf"),
    ("policy", "policy.png"),
])
def test_upload_keeps_a_safe_display_name_and_a_random_storage_name(app, client, filename, expected):
    """Path-like and non-ASCII names are stored safely: a clean display name, a random name on disk."""
    case = make_case()
    login(client, hei_user_for(case))
    content = tiny_png() if expected.endswith(".png") else tiny_pdf()
    assert _upload(client, case, content, filename).status_code == 302
    evidence = db.session.scalar(select(Evidence))
    assert evidence.original_name == expected
    assert "/" not in evidence.storage_name and ".." not in evidence.storage_name
    response = client.get(f"/cases/{case.id}/evidence/{evidence.id}/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_failed_upload_keeps_the_typed_details(app, client):
    """A refused upload re-renders the form with the title the user typed."""
    case = make_case()
    login(client, hei_user_for(case))
    response = _upload(client, case, b"plain text", "notes.pdf", title="Student feedback 2025")
    assert response.status_code == 400
    assert 'value="Student feedback 2025"' in response.get_data(as_text=True)


def test_upload_with_a_foreign_criterion_leaves_no_orphan_file(app, client):
    """A criterion of another version is refused; the request rolls back and no file or row remains."""
    case, other = make_case(), make_case()
    login(client, hei_user_for(case))
    before = _stored_files()
    response = _upload(client, case, tiny_pdf(), "x.pdf", criteria=[str(criteria_of(other)[0].id)])
    assert response.status_code == 400
    assert _count() == 0 and _stored_files() == before


def test_service_failure_after_storing_removes_the_file(app):
    """If the transaction that stored a file rolls back, the file is deleted again."""
    case = make_case()
    before = _stored_files()
    from qa_portal.reviews.services.evidence import upload_evidence

    upload_evidence(None, case, io.BytesIO(tiny_pdf()), "a.pdf", "A", "policy", "en", "public", [])
    assert len(_stored_files()) == len(before) + 1
    db.session.rollback()
    assert _stored_files() == before and _count() == 0


def test_upload_refused_once_the_ser_is_submitted(app, client):
    """Evidence cannot be added while the SER is locked."""
    case = make_case(state=CaseState.SER_SUBMITTED)
    login(client, hei_user_for(case))
    assert _upload(client, case, tiny_pdf(), "late.pdf").status_code == 409
    assert _count() == 0


def test_download_refused_to_other_institution_and_anonymous(app, client):
    """Another institution's user gets 403 and an anonymous visitor is sent to sign in."""
    case = make_case()
    evidence = make_evidence(case)
    url = f"/cases/{case.id}/evidence/{evidence.id}/download"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login(client, make_user(Role.HEI, institution=make_institution()))
    assert client.get(url).status_code == 403


def test_download_through_another_case_id_is_404(app, client):
    """An evidence id reached through a different case's URL is not found."""
    mine = make_case()
    other = make_case(institution=mine.institution)
    evidence = make_evidence(mine)
    login(client, hei_user_for(mine))
    assert client.get(f"/cases/{other.id}/evidence/{evidence.id}/download").status_code == 404


def test_panel_only_downloads_are_audited_public_ones_not(app, client):
    """Every download of a panel-only file writes an audit entry; public files do not."""
    case = make_case()
    secret = make_evidence(case, title="Student grades", confidentiality=Confidentiality.PANEL_ONLY)
    public = make_evidence(case, title="Policy")
    officer = make_user(Role.OFFICER)
    login(client, officer)
    for _ in range(2):
        assert client.get(f"/cases/{case.id}/evidence/{secret.id}/download").status_code == 200
    assert client.get(f"/cases/{case.id}/evidence/{public.id}/download").status_code == 200
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "evidence.download")).all()
    assert len(entries) == 2
    assert {e.object_id for e in entries} == {str(secret.id)} and entries[0].actor_id == officer.id


def test_evidence_details_and_links_can_be_edited(app, client):
    """The HEI changes an evidence file's title, confidentiality and criteria."""
    case = make_case()
    c1, c2 = criteria_of(case)[:2]
    evidence = make_evidence(case, [c1])
    login(client, hei_user_for(case))
    response = client.post(f"/cases/{case.id}/evidence/{evidence.id}", data={
        "title": "Renamed", "evidence_type": "syllabus", "language": "hy", "confidentiality": "panel_only",
        "criteria": [str(c1.id), str(c2.id)]})
    assert response.status_code == 302
    db.session.refresh(evidence)
    assert evidence.title == "Renamed" and evidence.confidentiality == Confidentiality.PANEL_ONLY
    assert {c.id for c in evidence.criteria} == {c1.id, c2.id}


def test_hei_deletes_an_uncited_file_and_its_stored_copy(app, client):
    """A file not cited by any submitted copy is deleted with its stored copy; the deletion is audited."""
    case = make_case()
    evidence = make_evidence(case, criteria_of(case)[:1])
    path = upload_root() / evidence.storage_name
    login(client, hei_user_for(case))
    assert client.post(f"/cases/{case.id}/evidence/{evidence.id}/delete").status_code == 302
    assert _count() == 0 and not path.exists()
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "evidence.delete")) is not None


def test_file_cited_by_a_submitted_copy_cannot_be_deleted(app, client):
    """Once a submitted copy cites a file, deleting it is refused with 409 even after the SER was returned."""
    from tests.reviews.factories import complete_ser
    from qa_portal.reviews.models import CaseAction
    from qa_portal.reviews.workflow import CASE_WORKFLOW

    case = make_case(standards=1, criteria=1)
    complete_ser(case)
    CASE_WORKFLOW.apply(case, CaseAction.SUBMIT_SER, hei_user_for(case))
    CASE_WORKFLOW.apply(case, CaseAction.RETURN_SER, make_user(Role.OFFICER), comment="Add more.")
    db.session.commit()
    evidence = db.session.scalar(select(Evidence))
    login(client, hei_user_for(case))
    response = client.post(f"/cases/{case.id}/evidence/{evidence.id}/delete")
    assert response.status_code == 409 and "stays on record" in response.get_data(as_text=True)
    assert _count() == 1 and (upload_root() / evidence.storage_name).exists()
