"""The decisions stage's PDFs: the decision letter (the agency's letterhead from QA_AGENCY_LETTERHEAD, case
reference, outcome, validity, conditions, reasons with the criteria cited, and the appeal right with its deadline),
and the published panel report (ESG 2.6): the frozen final version of a published decision's case, rendered by
the reviews stage's report_pdf — never a draft or the working copy; the frozen content holds only the report itself
(panel names and roles, each standard's findings and judgement, the conclusion and recommended outcome), none of
the members' scores or the site-visit notes."""
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, Spacer, Table, TableStyle

from qa_portal.core.dates import format_day
from qa_portal.core.pdf import BRAND, LINE, SHADE, build_pdf, para, styles
from qa_portal.decisions.models import CouncilMeeting, Decision
from qa_portal.decisions.services import meetings
from qa_portal.decisions.services.publication import final_version_of
from qa_portal.decisions.services.register import appeal_deadline
from qa_portal.reviews.models import Case, PanelReportVersion
from qa_portal.reviews.pdf import report_pdf

__all__ = ["decision_letter_pdf", "published_report_version", "published_report_pdf", "meeting_minutes_pdf"]


# --- the decision letter -----------------------------------------------------------------------------------------

def _validity(decision: Decision) -> str:
    if decision.valid_from is None:
        return _("No validity (negative outcome)")
    return _("%(start)s to %(end)s", start=format_day(decision.valid_from),
             end=format_day(decision.valid_to))


def _facts(decision: Decision, style) -> Table:
    case = decision.case
    rows = [
        (_("Case reference"), case.reference),
        (_("Institution"), case.institution.name_en + (f" / {case.institution.name_hy}" if case.institution.name_hy
                                                       else "")),
        (_("Outcome"), decision.outcome.label(str(get_locale()))),
        (_("Validity"), _validity(decision)),
        (_("Council meeting"), format_day(decision.meeting_date)),
        (_("Institution heard"), _("Yes") if decision.hei_heard else _("No")),
        (_("Published"), format_day(decision.published_at) if decision.published_at else _("Not yet")),
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
              para(format_day(condition.due_on), style["cell"])]
             for number, condition in enumerate(decision.conditions, 1)]
    table = Table(rows, colWidths=[12 * mm, 118 * mm, 40 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, LINE), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [table]


def _decided_at_meeting(decision: Decision, style) -> list:
    """"Decided by the council at its meeting of <date>" when the council voted on it at a meeting."""
    if decision.agenda_item is None:
        return []
    return [para(_("Decided by the council at its meeting of %(date)s.",
                   date=format_day(decision.agenda_item.meeting.held_on)), style["body"])]


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
              *_decided_at_meeting(decision, style),
              para(_("Reasons"), style["h2"]), para(decision.reasons, style["body"]),
              para(_("Criteria cited: %(codes)s", codes=", ".join(criterion.code for criterion in decision.criteria)),
                   style["small"]),
              para(_("Right of appeal"), style["h2"])]
    if deadline is not None:
        story.append(para(_("The institution may appeal against this decision to the agency's appeals body, "
                            "stating its grounds (evidence misread, criteria misapplied, process not followed), "
                            "by %(deadline)s (%(days)s days from publication).",
                            deadline=format_day(deadline),
                            days=current_app.config["QA_APPEAL_WINDOW_DAYS"]), style["body"]))
    else:
        story.append(para(_("The appeal window of %(days)s days starts when the decision is published.",
                            days=current_app.config["QA_APPEAL_WINDOW_DAYS"]), style["body"]))
    return build_pdf(story, title=_("Decision %(reference)s", reference=decision.case.reference),
                     footer_text=_("%(reference)s · Decision letter", reference=decision.case.reference))


# --- the published panel report ---------------------------------------------------------------------------

def published_report_version(decision: Decision) -> PanelReportVersion | None:
    """The final frozen report version published with the decision; None while the decision is unpublished or the
    case has no final version."""
    if not decision.is_published:
        return None
    return final_version_of(decision.case)


def _printable_content(version: PanelReportVersion, case: Case) -> dict:
    """The frozen content marked final, with the cover's case details taken from the case where it lacks them."""
    content = dict(version.content)
    cover = {"reference": case.reference, "institution": case.institution.name_en,
             "institution_hy": case.institution.name_hy or "", "standard_version": case.standard_version.label}
    content["case"] = {**cover, **(content.get("case") or {})}
    content["final"], content["number"] = True, content.get("number") or version.number
    for key, default in (("panel", []), ("sections", []), ("overall_conclusion", ""),
                         ("recommended_outcome", None), ("recommendation_reason", "")):
        content.setdefault(key, default)
    return content


def published_report_pdf(decision: Decision) -> bytes | None:
    """The published panel report of the decision as a PDF (no watermark, the final version's SHA-256 stated); None
    when there is nothing published to render."""
    version = published_report_version(decision)
    if version is None:
        return None
    return report_pdf(_printable_content(version, decision.case), version.sha256)


# --- the minutes of a council meeting ------------------------------------------------------------------------

def _grid(rows: list[list], widths: list[float], style) -> Table:
    table = Table([[para(str(cell), style["cell_bold" if number == 0 else "cell"]) for cell in row]
                   for number, row in enumerate(rows)], colWidths=[width * mm for width in widths], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, LINE), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


_VOTE_WORDS = {"for": lambda: _("for"), "against": lambda: _("against"), "abstain": lambda: _("abstain")}


def _minutes_item(item, style) -> list:
    """One agenda item: declarations of the members present, the proposal, the votes, the tally and the outcome."""
    declarations, tally = meetings.declarations_for(item), meetings.tally(item)
    story = [para(_("Case %(reference)s — %(institution)s", reference=item.case.reference,
                    institution=item.case.institution.name_en), style["h2"])]
    rows = [[_("Member"), _("Declaration")]]
    for attendance in item.meeting.attendances:
        declaration = declarations.get(attendance.user_id)
        if declaration is None:
            word = _("not declared")
        elif declaration.recused:
            word = _("recused: %(details)s", details=declaration.details)
        else:
            word = _("no conflict")
        rows.append([attendance.user.full_name, word])
    story += [_grid(rows, [60, 110], style), Spacer(1, 3 * mm)]
    proposed = meetings.proposal_input(item)
    if proposed is None:
        story.append(para(_("No outcome was proposed."), style["body"]))
    else:
        outcome = next((option for option in meetings.scheme_outcomes(item.case) if option.id == proposed.outcome_id),
                       None)
        story.append(para(_("Proposed outcome: %(outcome)s", outcome=outcome.label_en if outcome else "—"),
                          style["body"]))
        if proposed.valid_from:
            story.append(para(_("Validity: %(start)s to %(end)s", start=format_day(proposed.valid_from),
                                end=format_day(proposed.valid_to)), style["body"]))
        for number, (text, due_on) in enumerate(proposed.conditions, 1):
            story.append(para(_("Condition %(number)s: %(text)s (due %(date)s)", number=number, text=text,
                                date=format_day(due_on)), style["body"]))
    votes = [[_("Member"), _("Vote")]] + [[vote.user.full_name, _VOTE_WORDS[vote.choice.value]()]
                                         for vote in item.votes]
    if len(votes) > 1:
        story += [Spacer(1, 2 * mm), _grid(votes, [60, 110], style), Spacer(1, 2 * mm)]
    story.append(para(_("Members who may vote: %(eligible)s; quorum: %(quorum)s; for %(for)s, against %(against)s, "
                        "abstaining %(abstain)s.", eligible=len(tally.eligible), quorum=tally.quorum,
                        **{choice: tally.counts.get(choice, 0) for choice in ("for", "against", "abstain")}),
                      style["body"]))
    if item.decision is not None:
        story.append(para(_("Outcome: decided — %(outcome)s, recorded by the council at this meeting.",
                            outcome=item.decision.outcome.label_en), style["body"]))
    elif tally.carried:
        story.append(para(_("Outcome: carried, not yet recorded."), style["body"]))
    else:
        story.append(para(_("Outcome: not decided (no quorum or no majority)."), style["body"]))
    return story + [Spacer(1, 5 * mm)]


def meeting_minutes_pdf(meeting: CouncilMeeting) -> bytes:
    """The minutes of a council meeting: date, attendance, then per case the declarations, votes and outcome."""
    style = styles()
    letterhead = current_app.config["QA_AGENCY_LETTERHEAD"].splitlines()
    story = [para(letterhead[0] if letterhead else "", style["h1"]),
             HRFlowable(width="100%", color=BRAND, thickness=1.2, spaceBefore=4, spaceAfter=10),
             para(_("Minutes of the council meeting of %(date)s", date=format_day(meeting.held_on)),
                  style["h1"]),
             para(meeting.title, style["body"]),
             para(_("Present: %(names)s", names=", ".join(attendance.user.full_name
                                                          for attendance in meeting.attendances)), style["body"]),
             Spacer(1, 4 * mm)]
    for item in meeting.items:
        story += _minutes_item(item, style)
    return build_pdf(story, title=_("Council meeting %(date)s", date=meeting.held_on.isoformat()),
                     footer_text=_("Minutes · council meeting of %(date)s", date=meeting.held_on.isoformat()))
