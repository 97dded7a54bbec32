"""Hand-built zip archives for the upload tests: real bombs (a deflate stream of many MiB of zeros made once) and
archives whose records lie, which `zipfile` will not write."""
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache

MIB = 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class Member:
    name: str
    payload: bytes  # the bytes as stored in the archive (deflated when method is 8)
    size: int  # the uncompressed size the records declare
    crc: int
    method: int = 0


def stored(name: str, data: bytes = b"") -> Member:
    """A member stored as it is."""
    return Member(name, data, len(data), zlib.crc32(data), 0)


def deflated(name: str, data: bytes) -> Member:
    """A member deflated the way office suites do."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member(name, compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data), 8)


@lru_cache(maxsize=4)
def _deflated_zeros(mib: int) -> tuple[bytes, int]:
    """A raw deflate stream of `mib` MiB of zeros (made in 1 MiB steps, never held whole) and its CRC-32."""
    compressor, chunk, crc, parts = zlib.compressobj(9, zlib.DEFLATED, -15), bytes(MIB), 0, []
    for _ in range(mib):
        parts.append(compressor.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    parts.append(compressor.flush())
    return b"".join(parts), crc


def zeros(name: str, mib: int, declared_size: int | None = None) -> Member:
    """A member inflating to `mib` MiB of zeros, about a thousand times its own size; its records may declare
    another size (declared_size) to lie about it."""
    payload, crc = _deflated_zeros(mib)
    return Member(name, payload, mib * MIB if declared_size is None else declared_size, crc, 8)


def build_zip(members: list[Member], declared_entries: int | None = None) -> bytes:
    """The archive's bytes: local headers and data, the central directory, and the end record (whose entry count
    may lie too)."""
    body, directory = bytearray(), bytearray()
    for member in members:
        name = member.name.encode()
        offset = len(body)
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, member.method, 0, 0x21, member.crc,
                            len(member.payload), member.size, len(name), 0) + name + member.payload
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, member.method, 0, 0x21, member.crc,
                                 len(member.payload), member.size, len(name), 0, 0, 0, 0, 0, offset) + name
    count = len(members) if declared_entries is None else declared_entries
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, min(count, 0xFFFF), min(count, 0xFFFF), len(directory),
                      len(body), 0)
    return bytes(body + directory + end)


CONTENT_TYPES = stored("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')


def odt(*members: Member) -> bytes:
    return build_zip([stored("mimetype", ODT_MIMETYPE), stored("content.xml", b"<office/>"), *members])


def docx(*members: Member) -> bytes:
    return build_zip([CONTENT_TYPES, stored("word/styles.xml", b"<w:styles/>"), *members])


def xlsx(*members: Member) -> bytes:
    return build_zip([CONTENT_TYPES, stored("xl/workbook.xml", b"<workbook/>"), *members])
