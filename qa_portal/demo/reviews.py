"""Demo review cases: HEI A's selected case with a partly written SER (and one criterion's unsaved draft), HEI B's
submitted SER, and an earlier HEI A case whose SER the officer returned with reasons — each with small real
evidence files."""
import io
import struct
import zlib

from sqlalchemy import select

from qa_portal.core.pdf import build_pdf, para, styles
from qa_portal.demo.accounts import demo_user
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, MicroCredential, SpecificationStatus, SpecificationVersion
from qa_portal.reviews.services.evidence import upload_evidence
from qa_portal.reviews.models import Case, CaseSpecification, CaseState, Confidentiality, Evidence, EvidenceType
from qa_portal.reviews.services.self_evaluation import save_ser_entry, save_ser_texts, version_levels, version_standards
from qa_portal.reviews.services.ser_pages import EntryInput, save_drafts
from qa_portal.reviews.services.cases import next_case_reference
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from qa_portal.core.models import utcnow
from qa_portal.standards.models import StandardVersion, VersionStatus

NARRATIVE = (
    "The quality unit reviewed how the micro-credential meets this criterion with the course team in spring 2026.\n\n"
    "{text} The attached documents show the rule as written and one example of how it was applied in the "
    "last run of the course. Learners' feedback from that run was discussed at the faculty council."
)
TEXTS = {
    "summary": "This self-evaluation covers one short, assessed micro-credential run by the faculty of economics. "
               "It was written by the quality unit with two teachers, one student and one employer.",
    "strengths": "Clear learning outcomes; assessment by a practical project; employers involved in the design.",
    "weaknesses": "Learner feedback is collected but not yet analysed systematically; few records of identity checks.",
    "improvement_plan": "From 2027 the quality unit analyses feedback after every run and reports to the council.",
}
RETURN_REASONS = ("The self-evaluation cannot go to a panel yet: criteria C2.1 and C3.1 describe intentions, not "
                  "practice. Add the assessment regulations and one anonymised marked assessment, then resubmit.")


def demo_pdf(title: str, body: str) -> bytes:
    """A small real PDF (one page) for demo evidence."""
    style = styles()
    return build_pdf([para(title, style["h1"]), para(body, style["body"])], title=title,
                     footer_text="QA Portal demo evidence")


def demo_png(width: int = 24, height: int = 16) -> bytes:
    """A small real PNG (a two-colour bar chart) for demo evidence."""
    rows = b""
    for y in range(height):
        row = b"\x00"
        for x in range(width):
            bar = x < width * (0.3 if y < height // 2 else 0.8)
            row += b"\x0b\x4f\x8a" if bar else b"\xff\xff\xff"
        rows += row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def institution(short_name: str) -> Institution | None:
    """A demo institution by its short name (None before the pilots demo ran)."""
    return db.session.scalar(select(Institution).where(Institution.short_name == short_name))


def _criteria(case: Case) -> list:
    return [criterion for standard in version_standards(case) for criterion in standard.criteria]


def _upload(actor, case: Case, title: str, content: bytes, filename: str, kind: EvidenceType, criteria,
            confidentiality: Confidentiality = Confidentiality.PUBLIC) -> Evidence:
    return upload_evidence(actor, case, io.BytesIO(content), filename, title, kind, "en", confidentiality,
                           [criterion.id for criterion in criteria])


def _write(actor, case: Case, criteria, evidence: Evidence | None, level_index: int = 0) -> None:
    levels = [level for level in version_levels(case) if not level.not_applicable]
    level = levels[min(level_index, len(levels) - 1)]
    for criterion in criteria:
        save_ser_entry(actor, case, criterion, NARRATIVE.format(text=criterion.text), level.id,
                       "" if evidence is not None else "The practice is described above; no separate document exists.",
                       [evidence.id] if evidence is not None else [], None)


def _typing_in_progress(actor, case: Case, criteria) -> None:
    """A criterion HEI A's quality unit started typing on its standard's page but has not saved yet: the page shows
    it as an "unsaved draft", kept on the server (the one-page SER editor's draft)."""
    for criterion in criteria:
        standard = criterion.standard
        save_drafts(actor, case, standard, [EntryInput(
            criterion_id=criterion.id, narrative="Draft, not saved yet: the course team is still collecting the "
            "minutes of the 2026 review meeting for this criterion.")])


def complete_ser(actor, case: Case) -> None:
    """A full SER: texts, two evidence files, every criterion answered and backed."""
    criteria = _criteria(case)
    policy = _upload(actor, case, "Quality assurance policy for short courses",
                     demo_pdf("Quality assurance policy", "Approved by the academic council on 12 March 2026."),
                     "qa-policy.pdf", EvidenceType.POLICY, [])
    grades = _upload(actor, case, "Assessment results of the 2026 run (anonymised)",
                     demo_png(), "results-2026.png", EvidenceType.ASSESSMENT_SAMPLE, [], Confidentiality.PANEL_ONLY)
    half = len(criteria) // 2
    _write(actor, case, criteria[:half], policy)
    _write(actor, case, criteria[half:], grades, level_index=1)
    save_ser_texts(actor, case, TEXTS, None)


def new_case(institution: Institution, version: StandardVersion) -> Case:
    """A case from an earlier pilot round (no application here), on the institution's published specification."""
    case = Case(reference=next_case_reference(utcnow().year), institution_id=institution.id,
                standard_version_id=version.id, state=CaseState.SER_IN_PREPARATION)
    published = db.session.scalar(
        select(SpecificationVersion).join(MicroCredential)
        .where(MicroCredential.institution_id == institution.id,
               SpecificationVersion.status == SpecificationStatus.PUBLISHED)
        .order_by(SpecificationVersion.id))
    if published is not None:
        case.specification_links = [CaseSpecification(specification_version_id=published.id)]
    db.session.add(case)
    db.session.flush()
    return case


def load() -> bool:
    """Fill the demo cases once (idempotent: nothing happens when any evidence exists)."""
    officer, hei_a_user, hei_b_user = (demo_user("officer@example.org"), demo_user("hei-a@example.org"),
                                       demo_user("hei-b@example.org"))
    hei_a, hei_b = institution("HEI-A"), institution("HEI-B")
    version = db.session.scalar(select(StandardVersion).where(StandardVersion.status == VersionStatus.APPROVED)
                                .order_by(StandardVersion.id))
    if None in (officer, hei_a_user, hei_b_user, hei_a, hei_b, version):
        return False
    if db.session.scalar(select(Evidence.id).limit(1)) is not None:
        return False

    # HEI A's case from the 2026 call (opened by the selection): SER partly written, one unlinked file.
    selected = db.session.scalar(select(Case).where(Case.institution_id == hei_a.id, Case.application_id.is_not(None))
                                 .order_by(Case.id)) or new_case(hei_a, version)
    selected.coordinator_id = officer.id
    criteria = _criteria(selected)
    policy = _upload(hei_a_user, selected, "Quality assurance policy for short courses",
                     demo_pdf("Quality assurance policy", "Approved by the academic council on 12 March 2026."),
                     "qa-policy.pdf", EvidenceType.POLICY, criteria[:2])
    _upload(hei_a_user, selected, "Learner satisfaction survey 2026", demo_png(), "survey-2026.png",
            EvidenceType.FEEDBACK_DATA, [])
    _write(hei_a_user, selected, criteria[:3], policy)
    _write(hei_a_user, selected, criteria[3:5], None, level_index=1)
    save_ser_texts(hei_a_user, selected, {"summary": TEXTS["summary"]}, None)
    _typing_in_progress(hei_a_user, selected, criteria[5:6])

    # HEI B: a complete SER, submitted and waiting for the officer's screening.
    submitted = new_case(hei_b, version)
    submitted.coordinator_id = officer.id
    complete_ser(hei_b_user, submitted)
    CASE_WORKFLOW.apply(submitted, CaseAction.SUBMIT_SER, hei_b_user, comment="Submitted on time.")

    # HEI A, an earlier case: submitted, then returned by the officer with reasons.
    returned = new_case(hei_a, version)
    returned.coordinator_id = officer.id
    complete_ser(hei_a_user, returned)
    CASE_WORKFLOW.apply(returned, CaseAction.SUBMIT_SER, hei_a_user)
    CASE_WORKFLOW.apply(returned, CaseAction.RETURN_SER, officer, comment=RETURN_REASONS)
    db.session.flush()
    return True
