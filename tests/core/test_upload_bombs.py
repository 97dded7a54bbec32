"""Zip bombs of every archive type are refused from the central directory alone, in a few hundred KB of memory; a
write that fails half-way leaves no partial file."""
import io
import random
import tracemalloc

import pytest

from qa_portal.core.storage import UploadRefused, store_upload, upload_root
from qa_portal.extensions import db
from tests.core.zip_bombs import CONTENT_TYPES, MIB, build_zip, deflated, docx, odt, stored, xlsx, zeros

PEAK_LIMIT = 2 * MIB  # "a few KB inflated": the whole upload, bomb or not, stays well under this


def _prose(size: int) -> bytes:
    """About `size` bytes of document XML that compresses like real text (a few times, not a thousand)."""
    words = random.Random(14).choices(
        ["learning", "outcome", "assessment", "credit", "quality", "micro-credential", "evidence", "student",
         "employer", "Երևան", "standard", "criterion", "panel", "2026", "ECTS", "level", "module", "review"], k=size // 7)
    return ("<w:p>" + " ".join(words) + "</w:p>").encode()


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield
        db.session.rollback()


def _store_measuring_peak(data: bytes, name: str):
    """Store the upload and return (result or the refusal, the peak of memory allocated meanwhile)."""
    stream = io.BytesIO(data)
    tracemalloc.start()
    try:
        try:
            outcome = store_upload(stream, name)
        except UploadRefused as refusal:
            outcome = refusal
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return outcome, peak


def _files_in_upload_folder() -> set:
    return set(upload_root().iterdir())


BOMBS = {
    # The reported one: an ODT whose `mimetype` member inflates to 256 MiB (the old check read it whole).
    "odt with a huge mimetype member": (build_zip([zeros("mimetype", 256), stored("content.xml", b"<office/>")]),
                                        "plan.odt"),
    "docx with a bomb entry": (docx(zeros("word/document.xml", 256)), "syllabus.docx"),
    "xlsx with a bomb entry": (xlsx(zeros("xl/worksheets/sheet1.xml", 256)), "results.xlsx"),
    "odt with a bomb entry": (odt(zeros("Pictures/image.xml", 256)), "plan.odt"),
}


@pytest.mark.parametrize("label", BOMBS)
def test_store_upload_refuses_zip_bombs_without_inflating_them(request_context, label):
    """A bomb of each archive type is refused with a clear message, nothing is kept, and the peak memory of the
    whole upload stays under 2 MiB (the old check inflated the ODT's mimetype member whole: 256 MiB)."""
    data, name = BOMBS[label]
    assert len(data) < 400 * 1024  # the size of the file the probe used
    before = _files_in_upload_folder()
    outcome, peak = _store_measuring_peak(data, name)
    assert isinstance(outcome, UploadRefused), label
    assert outcome.field == "file" and "zip bomb" in outcome.message
    assert peak < PEAK_LIMIT, f"{label}: {peak / MIB:.1f} MiB"
    assert _files_in_upload_folder() == before


def test_store_upload_refuses_an_archive_with_too_many_entries(app, request_context):
    """10,001 entries (the default bound is 10,000) are refused, counted from the records even when the end record
    understates them, in bounded memory."""
    members = [stored(f"word/part{number}.xml") for number in range(10_001)]
    for data in (docx(*members), build_zip([CONTENT_TYPES, *members], declared_entries=3)):
        outcome, peak = _store_measuring_peak(data, "many.docx")
        assert isinstance(outcome, UploadRefused) and "more than 10,000 files" in outcome.message
        assert peak < PEAK_LIMIT


def test_store_upload_refuses_a_high_compression_ratio(request_context):
    """A member that expands more than QA_UPLOAD_MAX_RATIO (100) times is refused even when small in total."""
    outcome, _peak = _store_measuring_peak(xlsx(zeros("xl/sharedStrings.xml", 8)), "results.xlsx")
    assert isinstance(outcome, UploadRefused) and "compressed more than 100 times" in outcome.message


def test_store_upload_refuses_declared_sizes_that_cannot_be_true(request_context):
    """A member that declares 100 bytes but holds 256 MiB of deflated zeros is refused (it lies to the bounds)."""
    outcome, peak = _store_measuring_peak(docx(zeros("word/document.xml", 256, declared_size=100)), "lie.docx")
    assert isinstance(outcome, UploadRefused) and "sizes that cannot be true" in outcome.message
    assert peak < PEAK_LIMIT


def test_store_upload_bounds_are_configurable(app, request_context):
    """QA_UPLOAD_MAX_UNCOMPRESSED and QA_UPLOAD_MAX_ENTRIES come from the configuration."""
    document = docx(deflated("word/document.xml", _prose(2 * MIB)))
    saved = {key: app.config[key] for key in ("QA_UPLOAD_MAX_UNCOMPRESSED", "QA_UPLOAD_MAX_ENTRIES")}
    try:
        app.config["QA_UPLOAD_MAX_UNCOMPRESSED"] = 1 * MIB
        outcome, _peak = _store_measuring_peak(document, "long.docx")
        assert isinstance(outcome, UploadRefused) and "expand to more than 1 MB" in outcome.message
        app.config["QA_UPLOAD_MAX_UNCOMPRESSED"], app.config["QA_UPLOAD_MAX_ENTRIES"] = 200 * MIB, 2
        outcome, _peak = _store_measuring_peak(document, "long.docx")
        assert isinstance(outcome, UploadRefused) and "more than 2 files" in outcome.message
    finally:
        app.config.update(saved)


def test_store_upload_accepts_large_ordinary_documents(request_context):
    """A long document (4 MB of text, compressing a few times) with a thousand parts is accepted."""
    parts = [stored(f"word/media/part{number}.xml", b"<part/>") for number in range(1000)]
    outcome, _peak = _store_measuring_peak(docx(deflated("word/document.xml", _prose(4 * MIB)), *parts), "long.docx")
    assert not isinstance(outcome, UploadRefused), outcome
    assert outcome.kind == "docx"


def test_bomb_upload_through_the_evidence_form_is_refused_at_the_field(app, client):
    """Through the page: the refusal is shown at the file field (400), the user's title kept, nothing stored."""
    from tests.factories import login
    from tests.reviews.factories import hei_user_for, make_case

    case = make_case()
    login(client, hei_user_for(case))
    before = _files_in_upload_folder()
    data, name = BOMBS["odt with a huge mimetype member"]
    response = client.post(f"/cases/{case.id}/evidence",
                           data={"file": (io.BytesIO(data), name), "title": "Our quality plan", "evidence_type":
                                 "policy", "language": "en", "confidentiality": "public"},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "zip bomb" in page and 'value="Our quality plan"' in page
    assert _files_in_upload_folder() == before


class _BrokenStream:
    """An upload whose connection drops after two chunks."""

    def __init__(self):
        self.reads = 0

    def read(self, _size=-1):
        self.reads += 1
        if self.reads > 2:
            raise OSError("connection reset by peer")
        return b"%PDF-1.4\n" + b"0" * 65_000


def test_an_upload_failing_mid_write_leaves_no_partial_file(request_context):
    """The temporary `.part` file is removed when the stream fails half-way; nothing else is kept either."""
    before = _files_in_upload_folder()
    with pytest.raises(OSError):
        store_upload(_BrokenStream(), "policy.pdf")
    assert _files_in_upload_folder() == before
    assert not any(path.name.endswith(".part") for path in upload_root().iterdir())
