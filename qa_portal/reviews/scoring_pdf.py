"""The internal scoring summary as a PDF for officers and the chair: per criterion every member's submitted level
and rationale, the divergence flag and the panel's consensus. Marked internal on every page."""
from flask_babel import format_datetime
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from qa_portal.core.models import utcnow
from qa_portal.core.pdf import LINE, SHADE, build_pdf, para, styles
from qa_portal.reviews.scoring import ROLE_LABELS

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
        para(_("Printed %(when)s", when=format_datetime(utcnow(), "medium")), style["small"]),
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
