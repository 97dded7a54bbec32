"""My work for the follow-up of conditions: officers see each condition waiting for their verdict and each overdue
one, and cases whose conditions are all verified; the institution sees its conditions still to report on, overdue
ones flagged."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from qa_portal.core.dates import format_day
from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.home.services.work import PROVIDERS, WorkItem
from qa_portal.pilots.permissions.institutions import member_institution_ids
from qa_portal.reviews.models import Case, CaseState
from qa_portal.decisions.services.follow_up import condition_status, is_overdue
from qa_portal.decisions.models import Decision


def _followed_decisions(institution_ids=None) -> list[Decision]:
    """The latest published decision of every case in follow-up (optionally of these institutions), in two queries
    plus the conditions and their follow-up loaded in bulk."""
    latest = (select(func.max(Decision.id)).join(Decision.case)
              .where(Case.state == CaseState.FOLLOW_UP, Decision.published_at.is_not(None)))
    if institution_ids is not None:
        latest = latest.where(Case.institution_id.in_(institution_ids))
    return list(db.session.scalars(
        select(Decision).options(joinedload(Decision.case).joinedload(Case.institution))
        .where(Decision.id.in_(latest.group_by(Decision.case_id))).order_by(Decision.id)).unique())


def _item(decision: Decision, condition, detail: str) -> WorkItem:
    """One condition as a work item, linked to the case's follow-up page."""
    case = decision.case
    return WorkItem(title=f"{case.reference} · {case.institution.short_name} · "
                          + _("condition %(number)d", number=condition.position + 1),
                    url=url_for("decisions.follow_up_page", case_id=case.id) + f"#condition-{condition.id}",
                    detail=detail, due=format_day(condition.due_on), overdue=is_overdue(condition))


def officer_follow_up(user) -> list[WorkItem]:
    """Officers: reported conditions to verify, overdue ones to chase, and cases whose conditions are all verified."""
    items = []
    for decision in _followed_decisions():
        statuses = [condition_status(condition) for condition in decision.conditions]
        for condition, status in zip(decision.conditions, statuses):
            if status == "reported":
                items.append(_item(decision, condition, _("Mark the condition met or not met, with a reason.")))
            elif status == "open" and is_overdue(condition):
                items.append(_item(decision, condition, _("Overdue: the institution has not reported on it.")))
        if statuses and all(status in ("met", "not_met") for status in statuses):
            case = decision.case
            detail = (_("Every condition is met: close the case or send it to the council for an upgrade.")
                      if all(status == "met" for status in statuses)
                      else _("A condition is not met: send the case back to the council for a new decision."))
            items.append(WorkItem(title=f"{case.reference} · {case.institution.short_name}",
                                  url=url_for("reviews.case_detail", case_id=case.id), detail=detail))
    return items


def institution_follow_up(user) -> list[WorkItem]:
    """The institution: conditions still to report on, by their due dates (overdue flagged)."""
    return [_item(decision, condition, _("Report on what the institution has done to meet the condition."))
            for decision in _followed_decisions(member_institution_ids(user))
            for condition in decision.conditions if condition_status(condition) == "open"]


PROVIDERS[(Role.OFFICER, "follow_up")] = officer_follow_up
PROVIDERS[(Role.HEI, "follow_up")] = institution_follow_up
