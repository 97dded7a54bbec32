"""Safe file storage: type checked by content, random names, SHA-256, size limit, no zip bombs, no orphans."""
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from sqlalchemy import event
from sqlalchemy.orm import Session

from qa_portal.core.archives import ArchiveLimits, ArchiveRefused, archive_kind
from qa_portal.core.errors import DomainError
from qa_portal.extensions import db

CHUNK = 64 * 1024

# Allowed kinds: file extension(s) and the MIME type we serve them with.
KINDS = {
    "pdf": ((".pdf",), "application/pdf"),
    "docx": ((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "odt": ((".odt",), "application/vnd.oasis.opendocument.text"),
    "png": ((".png",), "image/png"),
    "jpg": ((".jpg", ".jpeg"), "image/jpeg"),
}


class UploadRefused(DomainError):
    """An upload broke a rule (type, size, emptiness); the message says which, HTTP 400."""

    status_code = 400


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    kind: str
    mime_type: str
    size: int
    sha256: str
    original_name: str


def archive_limits() -> ArchiveLimits:
    """The configured bounds on what an uploaded archive may declare."""
    config = current_app.config
    return ArchiveLimits(max_entries=config["QA_UPLOAD_MAX_ENTRIES"],
                         max_uncompressed=config["QA_UPLOAD_MAX_UNCOMPRESSED"], max_ratio=config["QA_UPLOAD_MAX_RATIO"])


def sniff_kind(path: Path) -> str | None:
    """The file's real kind from its first bytes (and, for DOCX, XLSX and ODT, the archive's central directory); None
    if not allowed; ArchiveRefused for an archive beyond the configured bounds (a zip bomb)."""
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        return archive_kind(path, archive_limits())
    return None


def safe_display_name(filename: str | None) -> str:
    """Keep a readable original name (any script) without path parts or control characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return name[:200] or "file"


def upload_root() -> Path:
    """The configured upload directory, created on first use (outside the web root)."""
    root = Path(current_app.config["UPLOAD_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def store_upload(stream, filename: str | None) -> StoredFile:
    """Copy an upload to a random name, hashing as it goes; refuse wrong kinds, oversize files and zip bombs.

    The file is written to a temporary name (`.<name>.part`) and atomically renamed only once every check passed;
    any failure on the way (a refusal, a dropped connection, a full disk) removes the temporary file. A process
    killed mid-write cannot run that cleanup: `flask storage check --fix` removes such leftovers later."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    root = upload_root()
    storage_name = secrets.token_hex(16)
    temporary = root / f".{storage_name}.part"
    digest, size = hashlib.sha256(), 0
    try:
        with open(temporary, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if limit and size > limit:
                    raise UploadRefused(
                        _("The file is larger than the limit of %(mb)d MB.", mb=limit // (1024 * 1024)),
                        field="file")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())  # the renamed file is whole on disk, even if the machine stops right after
        if size == 0:
            raise UploadRefused(_("The file is empty."), field="file")
        try:
            kind = sniff_kind(temporary)
        except ArchiveRefused as refusal:
            raise UploadRefused(refusal.message, field="file") from None
        if kind is None:
            raise UploadRefused(
                _("This file type is not accepted. Upload a PDF, DOCX, XLSX, ODT, PNG or JPG file."),
                field="file")
        display_name = safe_display_name(filename)
        extensions, mime_type = KINDS[kind]
        if not display_name.lower().endswith(extensions):
            display_name = f"{display_name}{extensions[0]}"
        os.replace(temporary, root / storage_name)
    finally:
        if temporary.exists():
            temporary.unlink()
    _pending_files(root).append(storage_name)
    return StoredFile(storage_name, kind, mime_type, size, digest.hexdigest(), display_name)


def _pending_files(root: Path) -> list:
    """Files stored during the current transaction; removed again if it rolls back."""
    session = db.session()
    session.connection()  # make sure a transaction is open, so its end is seen
    session.info["qa_upload_root"] = str(root)
    return session.info.setdefault("qa_pending_files", [])


@event.listens_for(Session, "after_commit")
def _keep_pending_files(session: Session) -> None:
    session.info.pop("qa_pending_files", None)


@event.listens_for(Session, "after_transaction_end")
def _remove_pending_files(session: Session, transaction) -> None:
    """A request that ends without committing (rollback, error, close) leaves no orphan file."""
    if transaction.parent is not None:
        return
    root = session.info.get("qa_upload_root")
    for storage_name in session.info.pop("qa_pending_files", []):
        path = Path(root) / storage_name
        if path.exists():
            path.unlink()


def stored_path(storage_name: str) -> Path:
    """The path of a stored file; refuses anything but our own random names."""
    if len(storage_name) != 32 or not all(ch in "0123456789abcdef" for ch in storage_name):
        raise DomainError(_("Unknown file."), field=None)
    return upload_root() / storage_name


def discard_stored(storage_name: str) -> None:
    """Remove a stored file (used when the request that stored it is rolled back)."""
    path = stored_path(storage_name)
    if path.exists():
        path.unlink()
