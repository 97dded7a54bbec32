"""My work for pilot calls: HEI users see their applications and results; officers see calls awaiting selection."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from qa_portal.core.dates import format_moment
from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.home.services.work import PROVIDERS, WorkItem
from qa_portal.pilots.forms.calls import SELECTION_OUTCOME_LABELS
from qa_portal.pilots.models import Application, ApplicationStatus, Call, CallStatus
from qa_portal.pilots.permissions.institutions import member_institution_ids
from qa_portal.reviews.models import Case


def hei_applications(user) -> list[WorkItem]:
    """HEI users: their institution's applications — drafts to submit, and results with the rationale once selection is complete."""
    institution_ids = member_institution_ids(user)
    if not institution_ids:
        return []
    applications = db.session.scalars(
        select(Application).where(Application.institution_id.in_(institution_ids),
                                  Application.status != ApplicationStatus.WITHDRAWN)
        .options(selectinload(Application.call), selectinload(Application.decision))
        .order_by(Application.id.desc())
    ).unique().all()
    cases = dict(db.session.execute(
        select(Case.application_id, Case.reference).where(Case.application_id.in_([a.id for a in applications]))
    ).all()) if applications else {}
    now = utcnow()
    items = []
    for application in applications:
        call = application.call
        url = url_for("pilots.application_detail", application_id=application.id)
        if application.status == ApplicationStatus.DRAFT:
            items.append(WorkItem(
                title=_("Draft application to “%(call)s”", call=call.title), url=url,
                detail=_("Submit it before the call closes."),
                due=format_moment(call.closes_at), overdue=now >= call.closes_at,
            ))
        elif call.status == CallStatus.SELECTION_DONE and application.decision is not None:
            detail = f"{SELECTION_OUTCOME_LABELS[application.decision.outcome]} — {application.decision.rationale}"
            if application.id in cases:
                detail += " " + _("Review case %(reference)s is open.", reference=cases[application.id])
            items.append(WorkItem(title=_("Result of “%(call)s”", call=call.title), url=url, detail=detail))
        else:
            items.append(WorkItem(title=_("Application to “%(call)s”", call=call.title), url=url,
                                  detail=_("Submitted; awaiting the agency's selection.")))
    return items


def officer_calls(user) -> list[WorkItem]:
    """Officers: calls past their closing date still open, and closed calls awaiting selection."""
    now = utcnow()
    calls = db.session.scalars(
        select(Call).where(or_(Call.status == CallStatus.CLOSED,
                               (Call.status == CallStatus.OPEN) & (Call.closes_at <= now)))
        .order_by(Call.closes_at)
    ).unique().all()
    counts = dict(db.session.execute(
        select(Application.call_id, func.count(Application.id))
        .where(Application.call_id.in_([c.id for c in calls]), Application.status == ApplicationStatus.SUBMITTED)
        .group_by(Application.call_id)
    ).all()) if calls else {}
    items = []
    for call in calls:
        if call.status == CallStatus.OPEN:
            items.append(WorkItem(title=call.title, url=url_for("pilots.call_detail", call_id=call.id),
                                  detail=_("The closing date has passed: close the call to start selection."),
                                  due=format_moment(call.closes_at), overdue=True))
        else:
            items.append(WorkItem(title=call.title, url=url_for("pilots.selection", call_id=call.id),
                                  detail=_("%(n)d submitted application(s) awaiting scores and selection.",
                                           n=counts.get(call.id, 0))))
    return items


PROVIDERS[(Role.HEI, "applications")] = hei_applications
PROVIDERS[(Role.OFFICER, "calls")] = officer_calls
