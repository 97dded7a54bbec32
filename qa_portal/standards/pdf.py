"""The PDF of a standard-set version: title page, standards at a glance, each standard with its criteria,
the compliance scale and the decision rule."""
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer, Table, TableStyle

from qa_portal.core.dates import format_day
from qa_portal.core.pdf import FONT_BOLD, LINE, SHADE, build_pdf, para, styles
from qa_portal.standards.models import StandardVersion, VersionStatus
from qa_portal.standards.workflow import STATUS_LABELS

CONTENT_WIDTH = 170 * mm


def _table(rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
        ("GRID", (0, 0), (-1, -1), 0.5, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _title_page(version: StandardVersion, s: dict) -> list:
    standard_set = version.standard_set
    story = [Spacer(1, 45 * mm), para(standard_set.title, s["title"])]
    if standard_set.title_hy:
        story.append(para(standard_set.title_hy, s["subtitle"]))
    story += [Spacer(1, 8 * mm), para(_("Version %(number)s", number=version.number), s["subtitle"])]
    status = str(STATUS_LABELS[version.status])
    if version.approved_at:
        date = format_day(version.approved_at)
        status = _("Approved on %(date)s", date=date) if version.status == VersionStatus.APPROVED \
            else f"{status} · " + _("approved on %(date)s", date=date)
    story.append(para(status, s["centered"]))
    if version.status == VersionStatus.WITHDRAWN:
        story += [Spacer(1, 6 * mm), para(_("This version has been withdrawn: %(reason)s",
                                               reason=version.withdrawn_reason), s["centered"])]
    if version.status == VersionStatus.SUPERSEDED:
        story.append(para(_("This version has been superseded by a later version."), s["centered"]))
    story += [Spacer(1, 15 * mm), para(standard_set.description, s["body"])]
    if version.change_note:
        story += [para(_("About this version"), s["h2"]), para(version.change_note, s["body"])]
    story.append(PageBreak())
    return story


def _overview(version: StandardVersion, s: dict) -> list:
    rows = [[para(_("Code"), s["cell_bold"]), para(_("Standard"), s["cell_bold"]),
             para(_("ESG Part 1"), s["cell_bold"]), para(_("Principles"), s["cell_bold"]),
             para(_("Criteria"), s["cell_bold"])]]
    for standard in version.standards:
        rows.append([para(standard.code, s["cell"]), para(standard.title, s["cell"]),
                     para(", ".join(standard.esg_refs), s["cell"]),
                     para(", ".join(str(ref) for ref in standard.principle_refs), s["cell"]),
                     para(", ".join(criterion.code for criterion in standard.criteria), s["cell"])])
    return [para(_("Standards at a glance"), s["h1"]),
            _table(rows, [18 * mm, 72 * mm, 25 * mm, 22 * mm, 33 * mm]), Spacer(1, 4 * mm),
            para(_("Principles refer to the European principles for the design and issuance of micro-credentials "
                   "(Council Recommendation of 16 June 2022, Annex II)."), s["small"]),
            PageBreak()]


def _standard(standard, s: dict) -> list:
    refs = _("ESG Part 1: %(esg)s · Principles: %(principles)s",
             esg=", ".join(standard.esg_refs) or "—",
             principles=", ".join(str(ref) for ref in standard.principle_refs) or "—")
    head = [para(f"{standard.code}  {standard.title}", s["h1"]), para(standard.statement, s["body"]),
            para(refs, s["small"])]
    story = [KeepTogether(head)]
    if standard.guidelines:
        story += [para(_("Guidelines"), s["h2"]), para(standard.guidelines, s["body"])]
    rows = [[para(_("Code"), s["cell_bold"]), para(_("Criterion"), s["cell_bold"]),
             para(_("Expected evidence"), s["cell_bold"]), para(_("Mandatory"), s["cell_bold"])]]
    for criterion in standard.criteria:
        rows.append([para(criterion.code, s["cell"]), para(criterion.text, s["cell"]),
                     para(criterion.expected_evidence, s["cell"]),
                     para(_("yes") if criterion.mandatory else _("no"), s["cell"])])
    story += [Spacer(1, 2 * mm), _table(rows, [16 * mm, 72 * mm, 58 * mm, 24 * mm]), Spacer(1, 6 * mm)]
    return story


def _scale_and_rule(version: StandardVersion, s: dict) -> list:
    rows = [[para(_("Level"), s["cell_bold"]), para(_("Meaning"), s["cell_bold"])]]
    for level in version.levels:
        rows.append([para(level.label, s["cell_bold"]), para(level.description, s["cell"])])
    return [PageBreak(), para(_("Compliance scale"), s["h1"]), _table(rows, [50 * mm, 120 * mm]),
            Spacer(1, 6 * mm), para(_("Decision rule"), s["h1"]), para(version.decision_rule, s["body"])]


def standard_version_pdf(version: StandardVersion) -> bytes:
    """Render the version as a PDF document (A4, DejaVu Sans, page numbers)."""
    s = styles()
    story = _title_page(version, s) + _overview(version, s)
    for standard in version.standards:
        story += _standard(standard, s)
    story += _scale_and_rule(version, s)
    footer = f"{version.standard_set.title} — " + _("version %(number)s", number=version.number)
    return build_pdf(story, title=f"{version.standard_set.title} v{version.number}", footer_text=footer,
                     page_format=_("Page %(page)s of %(total)s", page="%(page)s", total="%(total)s"))
