"""The impact report of a call (reportlab, DejaVu Sans for Armenian): baseline of the learners, process metrics,
outcomes, the feedback summary and the changes made to the standards since, with vector bar charts."""
from flask_babel import gettext as _
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle
from sqlalchemy import func, select

from qa_portal.core.dates import format_day
from qa_portal.core.models import utcnow
from qa_portal.core.pdf import BRAND, FONT, LINE, SHADE, build_pdf, para, styles
from qa_portal.extensions import db
from qa_portal.monitoring.models import AGE_BANDS, GENDER_BANDS, PRIOR_EDUCATION_BANDS, Offering
from qa_portal.monitoring.services.dashboard import (
    Filters, cases_per_stage, offering_conditions, offering_outcomes, outcome_mix, stage_durations,
)
from qa_portal.monitoring.services.feedback import feedback_summary
from qa_portal.pilots.models import Call, SpecificationVersion
from qa_portal.standards.models import StandardVersion

WIDTH = 170 * mm


def bar_drawing(rows: list[tuple[str, float]], unit: str = "") -> Drawing:
    """A horizontal bar chart drawn with vector shapes (label, bar, value) for each row."""
    bar, gap, left = 12, 5, 60 * mm
    height = max(len(rows), 1) * (bar + gap) + gap
    drawing = Drawing(WIDTH, height)
    top = max((value or 0 for _label, value in rows), default=0) or 1
    for index, (label, value) in enumerate(rows):
        y = height - (index + 1) * (bar + gap)
        length = (WIDTH - left - 20 * mm) * (value or 0) / top
        drawing.add(String(left - 4, y + 3, str(label)[:40], fontName=FONT, fontSize=8, textAnchor="end"))
        drawing.add(Rect(left, y, length, bar, fillColor=BRAND, strokeColor=None))
        drawing.add(String(left + length + 3, y + 3, f"{value}{unit}", fontName=FONT, fontSize=8))
    return drawing


def _table(header: list, rows: list[list]) -> Table:
    s = styles()
    data = [[para(str(cell), s["cell_bold"]) for cell in header]]
    data += [[para("—" if cell is None else str(cell), s["cell"]) for cell in row] for row in rows]
    first = 50 * mm if len(header) > 3 else WIDTH / len(header)
    rest = (WIDTH - first) / max(len(header) - 1, 1)
    table = Table(data, repeatRows=1, hAlign="LEFT", colWidths=[first] + [rest] * (len(header) - 1))
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, LINE), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), FONT)]))
    return table


def baseline(filters: Filters) -> dict:
    """The learners of the call's micro-credentials at enrolment, summed over their offerings (one aggregate)."""
    names = ("enrolled", *AGE_BANDS, *GENDER_BANDS, "employed_at_enrolment", *PRIOR_EDUCATION_BANDS)
    row = db.session.execute(
        select(*(func.coalesce(func.sum(getattr(Offering, name)), 0) for name in names)).select_from(Offering)
        .join(SpecificationVersion, SpecificationVersion.id == Offering.specification_version_id)
        .where(*offering_conditions(filters))).one()
    return dict(zip(names, (int(value) for value in row)))


BAND_LABELS = {
    "age_under_25": "< 25", "age_25_34": "25–34", "age_35_49": "35–49", "age_50_plus": "50+",
}


def _band_labels() -> dict:
    return {**BAND_LABELS, "gender_female": _("Women"), "gender_male": _("Men"),
            "gender_other": _("Other or not stated"), "employed_at_enrolment": _("Employed at enrolment"),
            "prior_secondary": _("Secondary education or less"), "prior_bachelor": _("Bachelor's degree or equivalent"),
            "prior_master": _("Master's degree or higher")}


def standards_changes(call: Call) -> list[StandardVersion]:
    """Versions of the call's standard set approved since the call opened (what changed, in their notes)."""
    opened = call.opened_at or call.opens_at
    return list(db.session.scalars(
        select(StandardVersion).where(StandardVersion.standard_set_id == call.standard_version.standard_set_id,
                                      StandardVersion.approved_at.is_not(None), StandardVersion.approved_at >= opened)
        .order_by(StandardVersion.number)))


def impact_report_pdf(call: Call) -> bytes:
    """The call's impact report as PDF bytes."""
    s = styles()
    filters = Filters(call_id=call.id)
    story = [para(_("Impact report"), s["title"]), para(call.title, s["subtitle"]),
             para(_("Prepared on %(date)s from the portal's records.", date=format_day(utcnow())),
                  s["centered"]), Spacer(1, 6 * mm)]

    base = baseline(filters)
    labels = _band_labels()
    story += [para(_("1. Baseline: the learners at enrolment"), s["h1"]),
              para(_("%(count)s learners enrolled in the offerings of this call's micro-credentials.",
                     count=base["enrolled"]), s["body"]),
              bar_drawing([(labels[name], base[name]) for name in labels if name in base])]

    stages = cases_per_stage(filters)
    durations = stage_durations(filters)
    story += [para(_("2. Process"), s["h1"]), para(_("Cases per stage now"), s["h2"]),
              bar_drawing([(stages.label(stage), count) for stage, count in stages.rows]),
              para(_("Days spent in each stage"), s["h2"]),
              _table([str(column) for column in durations.columns[1:]],
                     [[durations.label(row[1]), *row[2:]] for row in durations.rows])]

    outcomes = outcome_mix(filters)
    credentials = offering_outcomes(filters, "credential")
    story += [para(_("3. Outcomes"), s["h1"]), para(_("Decisions by outcome"), s["h2"]),
              bar_drawing([(row[0], row[3]) for row in outcomes.rows]),
              para(_("Completion and employment per micro-credential"), s["h2"]),
              _table([str(column) for column in credentials.columns], [list(row) for row in credentials.rows])]

    feedback = feedback_summary(call.id)
    story += [para(_("4. Feedback from institutions and panels"), s["h1"]),
              para(_("%(answers)s answers from %(invited)s invitations.", answers=feedback.answers,
                     invited=feedback.invited), s["body"]),
              _table([_("Respondents"), _("Answers"), _("Clarity (mean, 1–5)"), _("Workload (mean, 1–5)")],
                     [[row.role, row.answers, row.clarity, row.workload] for row in feedback.by_role])]

    story += [para(_("5. Changes to the standards since the call opened"), s["h1"])]
    changes = standards_changes(call)
    for version in changes:
        story += [para(f"{version.label} · {format_day(version.approved_at)}", s["h2"]),
                  para(version.change_note or _("No change note."), s["body"])]
    if not changes:
        story.append(para(_("No new version of the standards has been approved since the call opened."), s["body"]))
    return build_pdf(story, title=_("Impact report: %(call)s", call=call.title),
                     footer_text=_("Impact report · %(call)s", call=call.title)[:90])
