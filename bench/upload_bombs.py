"""Peak memory of a worker that receives a zip bomb: each bomb is stored by `store_upload` in a fresh process, whose
peak resident memory (ru_maxrss) is read before and after.

    .venv/bin/python bench/upload_bombs.py

The bombs are the test suite's (tests/core/zip_bombs.py): an ODT whose `mimetype` member inflates to 256 MiB (the
probe's was 398 KB), a DOCX and an XLSX with a 256 MiB member, and an archive of 10,001 entries."""
import io
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOMBS = ["odt-mimetype", "docx-entry", "xlsx-entry", "many-entries"]


def _bomb(label: str) -> tuple[bytes, str]:
    from tests.core.zip_bombs import CONTENT_TYPES, build_zip, docx, stored, xlsx, zeros

    if label == "odt-mimetype":
        return build_zip([zeros("mimetype", 256), stored("content.xml", b"<office/>")]), "plan.odt"
    if label == "docx-entry":
        return docx(zeros("word/document.xml", 256)), "syllabus.docx"
    if label == "xlsx-entry":
        return xlsx(zeros("xl/worksheets/sheet1.xml", 256)), "results.xlsx"
    return build_zip([CONTENT_TYPES, *(stored(f"word/part{n}.xml") for n in range(10_001))]), "many.docx"


def measure_one(label: str) -> dict:
    """In this process: build the bomb, then store it and report the growth of the peak resident memory."""
    sys.path.insert(0, str(ROOT))
    from qa_portal import create_app
    from qa_portal.core.storage import UploadRefused, store_upload

    data, name = _bomb(label)
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://",
                                           "UPLOAD_DIR": tempfile.mkdtemp(prefix="qa-bench-uploads-")})
    with app.test_request_context():
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            outcome = f"stored as {store_upload(io.BytesIO(data), name).kind}"
        except UploadRefused as refusal:
            outcome = f"refused: {refusal.message}"
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"bomb": label, "file_kb": round(len(data) / 1024), "peak_before_mib": round(before / 1024, 1),
            "peak_after_mib": round(after / 1024, 1), "growth_mib": round((after - before) / 1024, 1),
            "outcome": outcome}


def main() -> None:
    print("| bomb | file | peak RSS before | after | growth | outcome |\n|---|---|---|---|---|---|")
    for label in BOMBS:
        result = json.loads(subprocess.run([sys.executable, __file__, label], check=True, capture_output=True,
                                           text=True, cwd=ROOT).stdout)
        print(f"| {result['bomb']} | {result['file_kb']} KB | {result['peak_before_mib']} MiB | "
              f"{result['peak_after_mib']} MiB | {result['growth_mib']} MiB | {result['outcome'][:60]} |")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print(json.dumps(measure_one(sys.argv[1])))
    else:
        main()
