"""My work for the council: cases awaiting a decision, with what the member still has to do on each."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.core.dates import format_day
from qa_portal.extensions import db
from qa_portal.home.services.work import MAX_ITEMS, PROVIDERS, WorkItem, more_item
from qa_portal.reviews.models import Case, CaseState
from qa_portal.decisions.models import AgendaItem, CouncilDeclaration, CouncilMeeting, MeetingAttendance


def council_decisions(user) -> list[WorkItem]:
    """Council members: every case awaiting a decision, saying whether to declare interests or decide (recused
    cases are left out)."""
    recused = select(CouncilDeclaration.case_id).where(CouncilDeclaration.user_id == user.id,
                                                       CouncilDeclaration.recused.is_(True))
    query = select(Case).where(Case.state == CaseState.DECISION_PENDING, Case.id.not_in(recused))
    cases = db.session.scalars(query.order_by(Case.reference).limit(MAX_ITEMS + 1)).unique().all()
    more, cases = len(cases) > MAX_ITEMS, cases[:MAX_ITEMS]
    declarations = {declaration.case_id: declaration for declaration in db.session.scalars(
        select(CouncilDeclaration).where(CouncilDeclaration.user_id == user.id,
                                         CouncilDeclaration.case_id.in_([case.id for case in cases])))}
    on_agenda = {row.case_id: row for row in db.session.execute(
        select(AgendaItem.case_id, AgendaItem.id.label("item_id"), CouncilMeeting.id.label("meeting_id"),
               CouncilMeeting.held_on)
        .join(CouncilMeeting, CouncilMeeting.id == AgendaItem.meeting_id)
        .join(MeetingAttendance, MeetingAttendance.meeting_id == CouncilMeeting.id)
        .where(MeetingAttendance.user_id == user.id, AgendaItem.decision_id.is_(None),
               AgendaItem.case_id.in_([case.id for case in cases])).order_by(CouncilMeeting.held_on))}
    items = []
    for case in cases:
        declaration = declarations.get(case.id)
        detail = (_("Declare your interests, then decide.") if declaration is None
                  else _("Record the council's decision on the final panel report."))
        url = url_for("decisions.case_decision", case_id=case.id)
        if case.id in on_agenda:  # the council decides it as a body: the member votes at the meeting
            row = on_agenda[case.id]
            url = url_for("decisions.meeting_detail", meeting_id=row.meeting_id) + f"#item-{row.item_id}"
            detail = _("On the agenda of the council meeting of %(date)s: declare, then vote.",
                       date=format_day(row.held_on))
        items.append(WorkItem(title=f"{case.reference} · {case.institution.short_name}", url=url, detail=detail))
    if more:
        items.append(more_item(url_for("reviews.case_list", state=CaseState.DECISION_PENDING.value)))
    return items


PROVIDERS[(Role.COUNCIL, "decisions")] = council_decisions
