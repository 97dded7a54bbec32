"""Uploads are checked by content, stored under random names with SHA-256, and never orphaned."""
import hashlib
import io
import zipfile

import pytest

from qa_portal.core.storage import UploadRefused, safe_display_name, store_upload, stored_path, upload_root
from qa_portal.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield
        db.session.rollback()


@pytest.mark.parametrize("data, name, kind", [
    (PDF, "policy.pdf", "pdf"), (PNG, "chart.png", "png"), (b"\xff\xd8\xff\xe0" + b"0" * 20, "photo.jpeg", "jpg"),
    (DOCX, "syllabus.docx", "docx"), (XLSX, "results.xlsx", "xlsx"), (ODT, "plan.odt", "odt"),
])
def test_store_upload_accepts_allowed_kinds_by_content(request_context, data, name, kind):
    """Each allowed kind is recognised from its bytes and stored with its SHA-256 and size."""
    stored = store_upload(io.BytesIO(data), name)
    assert stored.kind == kind and stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored_path(stored.storage_name).read_bytes() == data
    assert stored.storage_name not in name and len(stored.storage_name) == 32


@pytest.mark.parametrize("data, name", [
    (b"<html><script>alert(1)</script></html>", "report.pdf"),
    (b"MZ\x90\x00" + b"\x00" * 60, "syllabus.docx"),
    (b"\x7fELF" + b"\x00" * 60, "photo.png"),
    (_zip({"payload.sh": b"echo"}), "archive.xlsx"),
])
def test_store_upload_refuses_disguised_files(request_context, data, name):
    """An HTML page or executable renamed to an allowed extension is refused with a clear message."""
    before = set(upload_root().iterdir())
    with pytest.raises(UploadRefused, match="This file type is not accepted"):
        store_upload(io.BytesIO(data), name)
    assert set(upload_root().iterdir()) == before


def test_store_upload_refuses_oversized_files(app, request_context):
    """A file over the configured limit is refused and nothing is kept."""
    limit, before = app.config["MAX_CONTENT_LENGTH"], set(upload_root().iterdir())
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    try:
        with pytest.raises(UploadRefused, match="larger than the limit of 1 MB"):
            store_upload(io.BytesIO(PDF + b"0" * (1024 * 1024)), "big.pdf")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert set(upload_root().iterdir()) == before


def test_store_upload_refuses_empty_files(request_context):
    """An empty upload is refused."""
    with pytest.raises(UploadRefused, match="The file is empty."):
        store_upload(io.BytesIO(b""), "empty.pdf")


def test_display_names_lose_paths_but_keep_any_script(app):
    """Path parts and control characters are dropped; Armenian names stay readable."""
    assert safe_display_name("../../etc/passwd") == "passwd"
    assert safe_display_name("C:\\Users\\x\\Ծրագիր.pdf") == "Ծրագիր.pdf"
    assert safe_display_name("a\x00b\nc.pdf") == "abc.pdf"
    assert safe_display_name("") == "file"


def test_file_of_a_rolled_back_request_is_removed(app):
    """If the request that stored a file rolls back, the file is deleted: no orphans."""
    with app.test_request_context():
        stored = store_upload(io.BytesIO(PDF), "policy.pdf")
        path = stored_path(stored.storage_name)
        assert path.exists()
        db.session.rollback()
        assert not path.exists()


def test_file_of_a_committed_request_is_kept(app):
    """A committed request keeps its file."""
    with app.test_request_context():
        stored = store_upload(io.BytesIO(PDF), "policy.pdf")
        db.session.commit()
        db.session.rollback()
        assert stored_path(stored.storage_name).exists()


def test_stored_path_refuses_anything_but_random_names(app):
    """Only our own 32-hex names resolve: no path traversal through a stored name."""
    with pytest.raises(Exception, match="Unknown file"):
        stored_path("../config.py")
