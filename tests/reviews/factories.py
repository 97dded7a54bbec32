"""Factory helpers for review cases: make_case(state=…, institution=…), write_entry(…), make_evidence(…)."""
import io
import itertools
import zlib
import struct

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.models import Case, CaseState, Confidentiality, Evidence, EvidenceType, SerEntry
from qa_portal.reviews.services.evidence import upload_evidence
from qa_portal.standards.models import VersionStatus
from tests.factories import make_institution, make_user
from tests.standards.factories import make_version

_counter = itertools.count(1)


def tiny_pdf(text: str = "Evidence") -> bytes:
    """A minimal valid one-page PDF."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def tiny_png() -> bytes:
    """A valid 1×1 white PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
            + chunk(b"IEND", b""))


def make_case(state: CaseState = CaseState.SER_IN_PREPARATION, institution=None, version=None,
              standards: int = 2, criteria: int = 2, **fields) -> Case:
    """A review case (without an application) on an approved standard version with content."""
    institution = institution or make_institution()
    version = version or make_version(VersionStatus.APPROVED, standards=standards, criteria=criteria)
    case = Case(reference=f"MC-TEST-{next(_counter):03d}", institution_id=institution.id,
                standard_version_id=version.id, state=state, **fields)
    db.session.add(case)
    db.session.commit()
    return case


def hei_user_for(case: Case):
    """An HEI quality-unit user of the case's institution."""
    return make_user(Role.HEI, institution=case.institution)


def criteria_of(case: Case):
    """The case's criteria in order."""
    return [criterion for standard in case.standard_version.standards for criterion in standard.criteria]


def first_level(case: Case):
    """The best level of the case's compliance scale."""
    return case.standard_version.levels[0]


def write_entry(case: Case, criterion, narrative: str = "We do this well.\n\nSecond paragraph.",
                justification: str = "", rated: bool = True) -> SerEntry:
    """An SER entry stored directly."""
    entry = SerEntry(case_id=case.id, criterion_id=criterion.id, narrative=narrative, justification=justification,
                     level_id=first_level(case).id if rated else None)
    db.session.add(entry)
    db.session.commit()
    return entry


def make_evidence(case: Case, criteria=(), title: str = "Quality policy", content: bytes | None = None,
                  confidentiality: Confidentiality = Confidentiality.PUBLIC, actor=None) -> Evidence:
    """An evidence file uploaded through the service (a real stored file) and committed."""
    evidence = upload_evidence(actor, case, io.BytesIO(content or tiny_pdf(title)), f"{title}.pdf", title,
                               EvidenceType.POLICY, "en", confidentiality, [c.id for c in criteria])
    db.session.commit()
    return evidence


def complete_ser(case: Case) -> None:
    """Answer every criterion with a rating and a narrative, backed by one evidence file linked to all."""
    criteria = criteria_of(case)
    for criterion in criteria:
        write_entry(case, criterion)
    make_evidence(case, criteria)
