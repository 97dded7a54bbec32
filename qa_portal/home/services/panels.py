"""My work for experts: declarations to sign, scores to submit in the desk review (with the deadline), and for
chairs the report to draft and the institution's factual-accuracy comments to answer."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from qa_portal.core.dates import format_day
from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.home.services.work import PROVIDERS, WorkItem
from qa_portal.reviews.models import (
    Case, CaseState, FactualComment, MemberStatus, PanelMember, PanelReport, PanelRole,
)

_STATES = (CaseState.PANEL_FORMATION, CaseState.DESK_REVIEW, CaseState.REPORT_DRAFTING, CaseState.FACTUAL_ACCURACY)


def _title(case: Case) -> str:
    return f"{case.reference} · {case.institution.short_name}"


def expert_panels(user) -> list[WorkItem]:
    """Experts: declarations to sign (or awaiting a ruling), desk reviews whose scores they have not submitted
    (deadline, overdue flagged), and for chairs reports to draft and factual comments to answer (two queries)."""
    seats = db.session.scalars(
        select(PanelMember).join(PanelMember.case)
        .where(PanelMember.user_id == user.id, PanelMember.status != MemberStatus.REMOVED, Case.state.in_(_STATES))
        .options(contains_eager(PanelMember.case)).order_by(PanelMember.scoring_due_at, Case.id)
    ).unique().all()
    answering = [seat.case_id for seat in seats if seat.role == PanelRole.CHAIR and seat.is_cleared
                 and seat.case.state == CaseState.FACTUAL_ACCURACY]
    unanswered = dict(db.session.execute(
        select(PanelReport.case_id, func.count(FactualComment.id)).join(FactualComment,
                                                                        FactualComment.report_id == PanelReport.id)
        .where(PanelReport.case_id.in_(answering), FactualComment.response.is_(None)).group_by(PanelReport.case_id)
    ).all()) if answering else {}
    items = []
    for seat in seats:
        case = seat.case
        declaration_url = url_for("reviews.panel_declaration", member_id=seat.id)
        if case.state == CaseState.PANEL_FORMATION:
            if seat.declaration is None:
                items.append(WorkItem(title=_title(case), url=declaration_url,
                                      detail=_("Sign your declaration of interests for this panel.")))
            elif seat.status == MemberStatus.CONFLICTED:
                items.append(WorkItem(title=_title(case), url=declaration_url,
                                      detail=_("Your declaration awaits the agency's ruling on a conflict.")))
            continue
        if not seat.is_cleared:
            continue
        report_url = url_for("reviews.report_page", case_id=case.id)
        if (case.state == CaseState.DESK_REVIEW and seat.scores_submitted_at is None
                and seat.role != PanelRole.SECRETARY):
            items.append(WorkItem(
                title=_title(case), url=url_for("reviews.scoring_page", case_id=case.id),
                detail=_("Judge every criterion and submit your scores."),
                due=format_day(seat.scoring_due_at) if seat.scoring_due_at else "",
                overdue=seat.scoring_overdue))
        elif seat.role == PanelRole.CHAIR and case.state == CaseState.REPORT_DRAFTING:
            items.append(WorkItem(title=_title(case), url=report_url, detail=_("Draft the panel report.")))
        elif seat.role == PanelRole.CHAIR and unanswered.get(case.id):
            items.append(WorkItem(title=_title(case), url=report_url,
                                  detail=_("Answer %(n)d factual-accuracy comment(s) from the institution.",
                                           n=unanswered[case.id])))
    return items


PROVIDERS[(Role.EXPERT, "panels")] = expert_panels
