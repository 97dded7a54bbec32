"""The decision letter as a PDF: the agency's letterhead (setting QA_AGENCY_LETTERHEAD), case reference,
outcome, validity, conditions, reasons with the criteria cited, and the appeal right with its deadline."""
from flask import current_app
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, Spacer, Table, TableStyle

from qa_portal.core.pdf import BRAND, LINE, SHADE, build_pdf, para, styles
from qa_portal.decisions.models import Decision
from qa_portal.decisions.register import appeal_deadline

__all__ = ["decision_letter_pdf"]


def _validity(decision: Decision) -> str:
    if decision.valid_from is None:
        return _("No validity (negative outcome)")
    return _("%(start)s to %(end)s", start=format_date(decision.valid_from, "long"),
             end=format_date(decision.valid_to, "long"))


def _facts(decision: Decision, style) -> Table:
    case = decision.case
    rows = [
        (_("Case reference"), case.reference),
        (_("Institution"), case.institution.name_en + (f" / {case.institution.name_hy}" if case.institution.name_hy
                                                       else "")),
        (_("Outcome"), decision.outcome.label(str(get_locale()))),
        (_("Validity"), _validity(decision)),
        (_("Council meeting"), format_date(decision.meeting_date, "long")),
        (_("Institution heard"), _("Yes") if decision.hei_heard else _("No")),
        (_("Published"), format_date(decision.published_at, "long") if decision.published_at else _("Not yet")),
    ]
    table = Table([[para(label, style["cell_bold"]), para(value, style["cell"])] for label, value in rows],
                  colWidths=[45 * mm, 125 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, LINE), ("BACKGROUND", (0, 0), (0, -1), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _conditions(decision: Decision, style) -> list:
    if not decision.conditions:
        return [para(_("This decision sets no conditions."), style["body"])]
    rows = [[para(_("No."), style["cell_bold"]), para(_("Condition"), style["cell_bold"]),
             para(_("Due by"), style["cell_bold"])]]
    rows += [[para(str(number), style["cell"]), para(condition.text, style["cell"]),
              para(format_date(condition.due_on, "long"), style["cell"])]
             for number, condition in enumerate(decision.conditions, 1)]
    table = Table(rows, colWidths=[12 * mm, 118 * mm, 40 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, LINE), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [table]


def decision_letter_pdf(decision: Decision) -> bytes:
    """Render the decision letter of a (published) decision."""
    style = styles()
    letterhead = current_app.config["QA_AGENCY_LETTERHEAD"].splitlines()
    deadline = appeal_deadline(decision)
    story = [para(letterhead[0] if letterhead else "", style["h1"])]
    story += [para(line, style["small"]) for line in letterhead[1:]]
    story += [HRFlowable(width="100%", color=BRAND, thickness=1.2, spaceBefore=4, spaceAfter=10),
              para(_("Decision on review case %(reference)s", reference=decision.case.reference), style["h1"]),
              _facts(decision, style), Spacer(1, 6 * mm),
              para(_("Conditions"), style["h2"]), *_conditions(decision, style),
              para(_("Reasons"), style["h2"]), para(decision.reasons, style["body"]),
              para(_("Criteria cited: %(codes)s", codes=", ".join(criterion.code for criterion in decision.criteria)),
                   style["small"]),
              para(_("Right of appeal"), style["h2"])]
    if deadline is not None:
        story.append(para(_("The institution may appeal against this decision to the agency's appeals body, "
                            "stating its grounds (evidence misread, criteria misapplied, process not followed), "
                            "by %(deadline)s (%(days)s days from publication).",
                            deadline=format_date(deadline, "long"),
                            days=current_app.config["QA_APPEAL_WINDOW_DAYS"]), style["body"]))
    else:
        story.append(para(_("The appeal window of %(days)s days starts when the decision is published.",
                            days=current_app.config["QA_APPEAL_WINDOW_DAYS"]), style["body"]))
    return build_pdf(story, title=_("Decision %(reference)s", reference=decision.case.reference),
                     footer_text=_("%(reference)s · Decision letter", reference=decision.case.reference))
