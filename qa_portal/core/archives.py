"""Zip-based uploads (DOCX, XLSX, ODT) judged from the archive's central directory, never by inflating it.

A zip bomb is a small file that declares, or really holds, far more data than it weighs: a 398 KB ODT whose
`mimetype` member inflates to hundreds of megabytes, a DOCX with one member of a gigabyte of zeros, an archive of a
million empty entries. `zipfile` would build an object per entry and `read()` a whole member, so this module walks
the central directory itself, one record at a time (constant memory), and refuses an archive whose records exceed
the configured bounds — entry count, total uncompressed size, compression ratio — before anything is inflated. The
type is then told from the member names alone (DOCX, XLSX) or from at most MIMETYPE_READ bytes of the `mimetype`
member (ODT). Sizes a record declares may lie; nothing here trusts them for more than refusing, since nothing here
inflates more than MIMETYPE_READ bytes whatever they say."""
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
MIMETYPE_READ = 256  # at most this many bytes of the `mimetype` member are read (and inflated)
RATIO_FLOOR = 1024 * 1024  # a member smaller than this may compress as well as it likes (think of an empty sheet)

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # central directory file header
_LOCAL = struct.Struct("<4s5H3L2H")  # local file header
EOCD_SIGNATURE, ZIP64_LOCATOR_SIGNATURE, ZIP64_EOCD_SIGNATURE = b"PK\x05\x06", b"PK\x06\x07", b"PK\x06\x06"
CENTRAL_SIGNATURE, LOCAL_SIGNATURE = b"PK\x01\x02", b"PK\x03\x04"
MAX_EOCD_SEARCH = _EOCD.size + 0xFFFF  # the record plus the longest archive comment

TOO_MANY_ENTRIES = _l("This archive holds more than %(count)s files. It is refused: an office document never needs "
                      "so many, and zip bombs do.")
TOO_LARGE_UNCOMPRESSED = _l("This archive would expand to more than %(mb)s MB. It is refused as a possible zip bomb; "
                            "split the document or save it without embedded media.")
TOO_COMPRESSED = _l("This archive is compressed more than %(ratio)s times. It is refused as a possible zip bomb.")
INCONSISTENT_SIZES = _l("This archive declares sizes that cannot be true. It is refused as damaged or crafted.")


@dataclass(frozen=True)
class ArchiveLimits:
    """What an uploaded archive's central directory may declare (QA_UPLOAD_MAX_ENTRIES, …_UNCOMPRESSED, …_RATIO)."""

    max_entries: int
    max_uncompressed: int
    max_ratio: int


class ArchiveRefused(Exception):
    """The archive breaks a bound; the message says which, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Malformed(Exception):
    """Not a zip archive we can read; the caller treats it as a file type we do not accept."""


@dataclass(frozen=True)
class _Directory:
    start: int  # where the central directory really begins in the file
    size: int
    entries: int
    shift: int  # bytes in front of the archive (offsets in the records are relative to its start)


@dataclass
class _Member:
    offset: int
    compressed: int
    method: int
    flags: int


def _read_exact(handle, size: int) -> bytes:
    data = handle.read(size)
    if len(data) != size:
        raise _Malformed
    return data


def _directory(handle, file_size: int) -> _Directory:
    """Find the end-of-central-directory record (zip64 too) and what it says about the directory."""
    tail_size = min(file_size, MAX_EOCD_SEARCH)
    handle.seek(file_size - tail_size)
    tail = handle.read(tail_size)
    position = tail.rfind(EOCD_SIGNATURE)
    if position < 0 or len(tail) - position < _EOCD.size:
        raise _Malformed
    eocd_at = file_size - tail_size + position
    _sig, _disk, _cd_disk, _here, entries, size, offset, _comment = _EOCD.unpack_from(tail, position)
    directory_end = eocd_at
    if entries == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF:
        locator_at = eocd_at - _ZIP64_LOCATOR.size
        if locator_at < 0:
            raise _Malformed
        handle.seek(locator_at)
        signature, _disk, zip64_at, _disks = _ZIP64_LOCATOR.unpack(_read_exact(handle, _ZIP64_LOCATOR.size))
        if signature != ZIP64_LOCATOR_SIGNATURE:
            raise _Malformed
        record_at = locator_at - _ZIP64_EOCD.size
        if record_at < 0:
            raise _Malformed
        handle.seek(record_at)
        fields = _ZIP64_EOCD.unpack(_read_exact(handle, _ZIP64_EOCD.size))
        if fields[0] != ZIP64_EOCD_SIGNATURE:
            raise _Malformed
        entries, size, offset = fields[7], fields[8], fields[9]
        directory_end = record_at
    start = directory_end - size
    if start < 0 or offset > start:
        raise _Malformed
    return _Directory(start=start, size=size, entries=entries, shift=start - offset)


def _zip64_sizes(extra: bytes, uncompressed: int, compressed: int, offset: int) -> tuple[int, int, int]:
    """Sizes and offset from the zip64 extra field where the record says 0xFFFFFFFF."""
    position = 0
    while position + 4 <= len(extra):
        header_id, length = struct.unpack_from("<2H", extra, position)
        body = extra[position + 4: position + 4 + length]
        if header_id == 0x0001:
            values, index = [], 0
            for value in (uncompressed, compressed, offset):
                if value == 0xFFFFFFFF:
                    if index + 8 > len(body):
                        raise _Malformed
                    value = struct.unpack_from("<Q", body, index)[0]
                    index += 8
                values.append(value)
            return values[0], values[1], values[2]
        position += 4 + length
    return uncompressed, compressed, offset


def _mimetype_of(handle, member: _Member, shift: int) -> bytes:
    """At most MIMETYPE_READ bytes of the `mimetype` member, inflated no further than that."""
    if member.flags & 0x1:  # encrypted
        return b""
    handle.seek(shift + member.offset)
    header = _LOCAL.unpack(_read_exact(handle, _LOCAL.size))
    if header[0] != LOCAL_SIGNATURE:
        raise _Malformed
    handle.seek(header[9] + header[10], 1)  # skip the local name and extra field
    data = handle.read(min(member.compressed, 4096))
    if member.method == 0:
        return data[:MIMETYPE_READ]
    if member.method == 8:
        try:
            return zlib.decompressobj(-15).decompress(data, MIMETYPE_READ)
        except zlib.error:
            raise _Malformed from None
    return b""


def archive_kind(path: Path, limits: ArchiveLimits) -> str | None:
    """"docx", "xlsx" or "odt" for an archive within the limits, None for any other or unreadable zip; ArchiveRefused
    when the central directory declares more entries, bytes or compression than the limits allow."""
    try:
        return _inspect(path, limits)
    except (_Malformed, struct.error, OSError):
        return None


def _inspect(path: Path, limits: ArchiveLimits) -> str | None:
    with open(path, "rb") as handle:
        file_size = handle.seek(0, 2)
        directory = _directory(handle, file_size)
        if directory.entries > limits.max_entries:
            raise ArchiveRefused(str(TOO_MANY_ENTRIES % {"count": f"{limits.max_entries:,}"}))
        handle.seek(directory.start)
        end = directory.start + directory.size
        count = total_uncompressed = total_compressed = 0
        names = {"content_types": False, "word": False, "xl": False}
        mimetype: _Member | None = None
        while handle.tell() < end:
            fields = _CENTRAL.unpack(_read_exact(handle, _CENTRAL.size))
            if fields[0] != CENTRAL_SIGNATURE:
                raise _Malformed
            flags, method = fields[3], fields[4]
            compressed, uncompressed = fields[8], fields[9]
            name_length, extra_length, comment_length, offset = fields[10], fields[11], fields[12], fields[16]
            name = _read_exact(handle, name_length)
            extra = _read_exact(handle, extra_length)
            handle.seek(comment_length, 1)
            uncompressed, compressed, offset = _zip64_sizes(extra, uncompressed, compressed, offset)
            if compressed > uncompressed + uncompressed // 1000 + 64:
                # Deflate never grows data by more than this (stored data not at all, encryption adds a header): a
                # member that does "declares" a small size while holding more — trusted by readers that stop there,
                # a bomb for those that do not.
                raise ArchiveRefused(str(INCONSISTENT_SIZES))
            count += 1
            if count > limits.max_entries:  # the end record may understate the count; the records cannot
                raise ArchiveRefused(str(TOO_MANY_ENTRIES % {"count": f"{limits.max_entries:,}"}))
            total_uncompressed += uncompressed
            total_compressed += compressed
            if total_uncompressed > limits.max_uncompressed:
                raise ArchiveRefused(str(TOO_LARGE_UNCOMPRESSED % {"mb": limits.max_uncompressed // (1024 * 1024)}))
            if uncompressed > RATIO_FLOOR and uncompressed > limits.max_ratio * max(compressed, 1):
                raise ArchiveRefused(str(TOO_COMPRESSED % {"ratio": limits.max_ratio}))
            if name == b"mimetype":
                mimetype = _Member(offset=offset, compressed=compressed, method=method, flags=flags)
            names["content_types"] |= name == b"[Content_Types].xml"
            names["word"] |= name.startswith(b"word/")
            names["xl"] |= name.startswith(b"xl/")
        if total_uncompressed > RATIO_FLOOR and total_uncompressed > limits.max_ratio * max(total_compressed, 1):
            raise ArchiveRefused(str(TOO_COMPRESSED % {"ratio": limits.max_ratio}))
        if mimetype is not None:
            return "odt" if _mimetype_of(handle, mimetype, directory.shift).strip() == ODT_MIMETYPE else None
    if names["content_types"] and names["word"]:
        return "docx"
    if names["content_types"] and names["xl"]:
        return "xlsx"
    return None
