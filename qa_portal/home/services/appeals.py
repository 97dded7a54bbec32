"""My work for the appeals body: admissible appeals awaiting its decision on cases where the member took no part,
overdue ones flagged (rule A3)."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qa_portal.core.dates import format_day
from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.home.services.work import PROVIDERS, WorkItem
from qa_portal.reviews.models import Case, MemberStatus, PanelMember
from qa_portal.decisions.services.appeals import is_overdue
from qa_portal.decisions.models import Admissibility, Appeal, CouncilDeclaration, Decision


def appeals_to_decide(user) -> list[WorkItem]:
    """Appeals-body members: each admissible, undecided appeal they may decide (independent of the case), soonest
    due first, overdue ones flagged."""
    took_part = (select(PanelMember.case_id).where(PanelMember.user_id == user.id,
                                                   PanelMember.status != MemberStatus.REMOVED)
                 .union(select(Decision.case_id).where(Decision.decided_by_id == user.id),
                        select(CouncilDeclaration.case_id).where(CouncilDeclaration.user_id == user.id)))
    appeals = db.session.scalars(
        select(Appeal).options(joinedload(Appeal.case).joinedload(Case.institution))
        .where(Appeal.admissibility == Admissibility.ADMISSIBLE, Appeal.outcome.is_(None),
               Appeal.case_id.not_in(took_part))
        .order_by(Appeal.decision_due_on, Appeal.id)).unique().all()
    return [WorkItem(title=f"{appeal.case.reference} · {appeal.case.institution.short_name}",
                     url=url_for("decisions.appeal_page", appeal_id=appeal.id),
                     detail=_("Decide the appeal: uphold the decision or return it for reconsideration."),
                     due=format_day(appeal.decision_due_on), overdue=is_overdue(appeal))
            for appeal in appeals]


PROVIDERS[(Role.APPEALS, "appeals")] = appeals_to_decide
