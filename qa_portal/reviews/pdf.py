"""The submitted SER as a PDF: cover, SER texts, then per standard and criterion the narrative, self-rating and
evidence list with checksums — always from the frozen submitted copy, never from the live draft."""
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer, Table, TableStyle

from qa_portal.core.pdf import LINE, SHADE, build_pdf, para, styles

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
    submitted = format_datetime(submission.submitted_at, "medium")
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
