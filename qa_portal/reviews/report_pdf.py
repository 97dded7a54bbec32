"""The panel report as a PDF, always from report content (a frozen version or the working copy): cover with the
case, version and panel, each standard's section, the overall conclusion and recommended outcome. Every page of
a non-final report carries a diagonal "DRAFT" watermark; the final one has none and states its SHA-256."""
import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from qa_portal.core.pdf import FONT_BOLD, LINE, MARGIN, SHADE, _FooterCanvas, para, register_fonts, styles
from qa_portal.reviews.panel.composition import ROLE_LABELS

SECTION_TITLES = {
    "findings": _l("Findings"), "strengths": _l("Strengths"),
    "areas_for_improvement": _l("Areas for improvement"), "recommendations": _l("Recommendations"),
}
WATERMARK = colors.Color(0.75, 0.1, 0.1, alpha=0.18)


def _draw_watermark(canvas, _document) -> None:
    """A large diagonal "DRAFT" across the page."""
    width, height = A4
    canvas.saveState()
    canvas.setFont(FONT_BOLD, 110)
    canvas.setFillColor(WATERMARK)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(45)
    canvas.drawCentredString(0, -35, _("DRAFT"))
    canvas.restoreState()


def _no_watermark(_canvas, _document) -> None:
    """Final reports carry no watermark."""


def _panel_table(panel: list[dict], style) -> Table:
    rows = [[para(_("Member"), style["cell_bold"]), para(_("Role"), style["cell_bold"])]]
    rows += [[para(member["name"], style["cell"]), para(str(ROLE_LABELS.get(member["role"], member["role"])),
                                                         style["cell"])] for member in panel]
    table = Table(rows, colWidths=[95 * mm, 65 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, LINE), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _version_label(content: dict) -> str:
    if content.get("final"):
        return _("Final report · version %(number)s", number=content["number"])
    if content.get("number"):
        return _("Draft · version %(number)s", number=content["number"])
    return _("Working draft (not yet sent)")


def _story(content: dict, sha256: str | None, style) -> list:
    case = content["case"]
    outcome = content["recommended_outcome"]
    story = [
        Spacer(1, 30 * mm),
        para(_("Panel report"), style["title"]),
        para(case["institution"], style["subtitle"]),
        para(case.get("institution_hy") or "", style["subtitle"]),
        para(_("Case %(reference)s", reference=case["reference"]), style["centered"]),
        para(_version_label(content), style["centered"]),
        para(case["standard_version"], style["centered"]),
        Spacer(1, 10 * mm),
        para(_("Panel"), style["h2"]),
        _panel_table(content["panel"], style) if content["panel"] else para(_("No cleared members."), style["body"]),
    ]
    if sha256:
        story += [Spacer(1, 8 * mm), para(_("SHA-256 of this final version: %(sha)s", sha=sha256), style["small"])]
    for section in content["sections"]:
        level = section["level"]["label"] if section["level"] else _("not judged")
        story += [PageBreak(), para(f"{section['code']} {section['title']}", style["h1"]),
                  para(_("Judgement: %(level)s", level=level), style["body"])]
        for name, title in SECTION_TITLES.items():
            story.append(KeepTogether([para(str(title), style["h2"]), para(section[name] or "—", style["body"])]))
    story += [PageBreak(), para(_("Overall conclusion"), style["h1"]),
              para(content["overall_conclusion"] or "—", style["body"]),
              para(_("Recommended outcome"), style["h2"]),
              para(outcome["label_en"] if outcome else _("not chosen"), style["body"])]
    if content.get("recommendation_reason"):
        story += [para(_("Reason for departing from the decision rule"), style["h2"]),
                  para(content["recommendation_reason"], style["body"])]
    return story


def report_pdf(content: dict, sha256: str | None = None) -> bytes:
    """Render report content; watermarked "DRAFT" on every page unless the content is the final version."""
    register_fonts()
    style = styles()
    final = bool(content.get("final"))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                 bottomMargin=MARGIN + 4 * mm, author="QA Portal",
                                 title=f"{content['case']['reference']} {_('Panel report')}")
    footer = f"{content['case']['reference']} · {_('Panel report')} · {_version_label(content)}"
    canvas_class = type("ReportCanvas", (_FooterCanvas,), {"footer_text": footer})
    page = _no_watermark if final else _draw_watermark
    document.build(_story(content, sha256 if final else None, style), onFirstPage=page, onLaterPages=page,
                   canvasmaker=canvas_class)
    return buffer.getvalue()
