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
from qa_portal.home.services.work import MAX_ITEMS, PROVIDERS, WorkItem, more_item
from qa_portal.pilots.permissions.institutions import member_institution_ids
from qa_portal.reviews.models import Case, CaseState
from qa_portal.decisions.services.follow_up import condition_status, is_overdue
from qa_portal.decisions.models import Decision


def _followed_decisions(institution_ids=None) -> tuple[list[Decision], bool]:
    """The latest published decision of the first MAX_ITEMS cases in follow-up (optionally of these institutions),
    in two queries plus the conditions and their follow-up loaded in bulk; and whether more cases are in follow-up."""
    cases = select(Case.id).where(Case.state == CaseState.FOLLOW_UP).order_by(Case.id).limit(MAX_ITEMS + 1)
    if institution_ids is not None:
        cases = cases.where(Case.institution_id.in_(institution_ids))
    case_ids = list(db.session.scalars(cases))
    more, case_ids = len(case_ids) > MAX_ITEMS, case_ids[:MAX_ITEMS]
    latest = (select(func.max(Decision.id)).where(Decision.case_id.in_(case_ids), Decision.published_at.is_not(None))
              .group_by(Decision.case_id))
    decisions = list(db.session.scalars(
        select(Decision).options(joinedload(Decision.case).joinedload(Case.institution))
        .where(Decision.id.in_(latest)).order_by(Decision.id)).unique()) if case_ids else []
    return decisions, more


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
    decisions, more = _followed_decisions()
    for decision in decisions:
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
    return items + _more(more)


def _more(more: bool) -> list[WorkItem]:
    """The link to every case in follow-up when the section was cut at MAX_ITEMS cases."""
    return [more_item(url_for("reviews.case_list", state=CaseState.FOLLOW_UP.value))] if more else []


def institution_follow_up(user) -> list[WorkItem]:
    """The institution: conditions still to report on, by their due dates (overdue flagged)."""
    decisions, more = _followed_decisions(member_institution_ids(user))
    return [_item(decision, condition, _("Report on what the institution has done to meet the condition."))
            for decision in decisions
            for condition in decision.conditions if condition_status(condition) == "open"] + _more(more)


PROVIDERS[(Role.OFFICER, "follow_up")] = officer_follow_up
PROVIDERS[(Role.HEI, "follow_up")] = institution_follow_up
