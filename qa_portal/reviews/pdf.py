"""The review stage's PDFs: the submitted SER (always from the frozen submitted copy, never the live draft), the
panel report (from report content: a frozen version or the working copy; every page of a non-final report carries a
diagonal "DRAFT" watermark, the final one none and its SHA-256 stated) and the internal scoring summary for
officers and the chair (marked internal on every page)."""
import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from qa_portal.core.dates import format_moment
from qa_portal.core.models import utcnow
from qa_portal.core.pdf import FONT_BOLD, LINE, MARGIN, SHADE, _FooterCanvas, build_pdf, para, register_fonts, styles
from qa_portal.reviews.services.panel import ROLE_LABELS

__all__ = ["ser_pdf", "report_pdf", "scoring_summary_pdf"]


# --- the submitted self-evaluation report ------------------------------------------------------------------------

TEXT_TITLES = {
    "summary": _l("Summary"), "strengths": _l("Strengths"), "weaknesses": _l("Weaknesses"),
    "improvement_plan": _l("Improvement plan"),
}


def _evidence_table(items: list[dict], style) -> Table:
    rows = [[para(_("Title"), style["cell_bold"]), para(_("File"), style["cell_bold"]),
             para("SHA-256", style["cell_bold"])]]
    for item in items:
        rows.append([para(item["title"], style["cell"]),
                     para(f"{item['original_name']} ({item['size']:,} B)", style["cell"]),
                     para(item["sha256"], style["small"])])
    table = Table(rows, colWidths=[55 * mm, 45 * mm, 70 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, LINE), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def ser_pdf(case, submission) -> bytes:
    """Render one submitted copy of the case's SER."""
    style = styles()
    content = submission.content
    evidence = {item["id"]: item for item in content["evidence"]}
    submitted = format_moment(submission.submitted_at)
    story = [
        Spacer(1, 40 * mm),
        para(_("Self-evaluation report"), style["title"]),
        para(case.institution.name_en, style["subtitle"]),
        para(case.institution.name_hy or "", style["subtitle"]),
        para(_("Case %(reference)s · submission %(number)s", reference=case.reference, number=submission.number),
             style["centered"]),
        para(_("Submitted %(when)s", when=submitted), style["centered"]),
        para(case.standard_version.label if case.standard_version else "", style["centered"]),
        para(_("%(answered)s of %(total)s criteria answered", answered=content["progress"]["answered"],
               total=content["progress"]["total"]), style["centered"]),
        PageBreak(),
    ]
    for name, title in TEXT_TITLES.items():
        story += [para(str(title), style["h1"]), para(content["texts"].get(name) or "—", style["body"])]
    for standard in content["standards"]:
        story += [PageBreak(), para(f"{standard['code']} {standard['title']}", style["h1"])]
        for criterion in standard["criteria"]:
            block = [
                para(f"{criterion['code']} — {criterion['text']}"
                     + (f" ({_('mandatory')})" if criterion["mandatory"] else ""), style["h2"]),
                para(_("Self-rating: %(level)s", level=criterion["level_label"] or _("not rated")), style["body"]),
                para(criterion["narrative"] or _("No narrative."), style["body"]),
            ]
            if criterion["justification"]:
                block.append(para(_("Justification: %(text)s", text=criterion["justification"]), style["body"]))
            linked = [evidence[item_id] for item_id in criterion["evidence_ids"] if item_id in evidence]
            block.append(_evidence_table(linked, style) if linked else para(_("No evidence linked."), style["small"]))
            story += [KeepTogether(block[:3]), *block[3:], Spacer(1, 4 * mm)]
    if content["evidence"]:
        story += [PageBreak(), para(_("All evidence files"), style["h1"]), _evidence_table(content["evidence"], style)]
    return build_pdf(story, title=f"{case.reference} SER {submission.number}",
                     footer_text=f"{case.reference} · {_('Self-evaluation report')} {submission.number}")


# --- the panel report ----------------------------------------------------------------------------------------

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


# --- the internal scoring summary ------------------------------------------------------------------------------

WARN = colors.HexColor("#fdf0d5")


def _member_label(member) -> str:
    return f"{member.user.full_name} ({ROLE_LABELS[member.role]})"


def _criterion_block(row, summary, style) -> list:
    title = f"{row.criterion.code} — {row.criterion.text}"
    block = [para(title, style["h2"])]
    if row.divergent:
        block.append(para("⚠ " + _("Divergent: the members' levels are %(spread)s steps apart.", spread=row.spread),
                          style["cell_bold"]))
    cells = [[para(_("Member"), style["cell_bold"]), para(_("Level"), style["cell_bold"]),
              para(_("Rationale"), style["cell_bold"])]]
    for member in summary.members:
        judgement = row.judgements.get(member.id)
        if judgement is None:
            level, rationale = "—", _("not submitted yet")
        else:
            level = judgement.level.label if judgement.level else "—"
            rationale = judgement.rationale
        cells.append([para(_member_label(member), style["cell"]), para(level, style["cell"]),
                      para(rationale, style["cell"])])
    consensus = row.consensus
    cells.append([para(_("Panel consensus"), style["cell_bold"]),
                  para(consensus.level.label if consensus else "—", style["cell_bold"]),
                  para(consensus.rationale if consensus else _("not recorded yet"), style["cell"])])
    table = Table(cells, colWidths=[45 * mm, 35 * mm, 90 * mm], repeatRows=1)
    commands = [("GRID", (0, 0), (-1, -1), 0.5, LINE), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("BACKGROUND", (0, -1), (-1, -1), SHADE), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if row.divergent:
        commands.append(("BACKGROUND", (1, 1), (1, -2), WARN))
    table.setStyle(TableStyle(commands))
    return [KeepTogether(block + [table]), Spacer(1, 4 * mm)]


def scoring_summary_pdf(case, summary) -> bytes:
    """Render the case's scoring summary (as scoring.scoring_summary loaded it for the viewer)."""
    style = styles()
    story = [
        para(_("Scoring summary — internal, not for publication"), style["h1"]),
        para(f"{case.reference} · {case.institution.name_en}", style["body"]),
        para(case.institution.name_hy or "", style["body"]),
        para(_("Printed %(when)s", when=format_moment(utcnow())), style["small"]),
    ]
    members = ", ".join(
        _member_label(m) + ("" if m.scores_submitted_at else f" — {_('not submitted yet')}") for m in summary.members)
    story.append(para(_("Members: %(members)s", members=members or "—"), style["body"]))
    divergent = ", ".join(row.criterion.code for row in summary.divergent_rows)
    story.append(para(_("Divergent criteria: %(codes)s", codes=divergent or _("none")), style["body"]))
    if not summary.reveals:
        story.append(para(_("Submit your own judgements to see the other members' levels."), style["body"]))
    for standard in summary.standards:
        story.append(para(f"{standard.code} {standard.title}", style["h1"]))
        for criterion in standard.criteria:
            story += _criterion_block(summary.rows[criterion.id], summary, style)
    return build_pdf(story, title=_("Scoring summary %(reference)s", reference=case.reference),
                     footer_text=_("%(reference)s · internal scoring summary", reference=case.reference))
