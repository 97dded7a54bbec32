"""The officers' page of DEQAR pushes: every published decision with its push state and DEQAR's messages."""
from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from qa_portal.core.access import login_required, require
from qa_portal.core.pagination import paginate
from qa_portal.credentials.models import DeqarPush, PushState
from qa_portal.credentials.permissions import can_view_deqar_pushes
from qa_portal.credentials.views import bp
from qa_portal.decisions.models import Decision
from qa_portal.extensions import db
from qa_portal.reviews.models import Case

PAGE_SIZE = 50
FILTERS = ("not_pushed", *(state.value for state in PushState))


@bp.route("/credentials/deqar")
@login_required
def deqar_pushes():
    """Published decisions, newest first, each with its DEQAR push (or none yet), filtered by push state; a page
    costs a fixed number of queries."""
    require(can_view_deqar_pushes(current_user))
    state = request.args.get("state", "")
    query = (select(Decision).join(Decision.case).join(Case.institution)
             .outerjoin(DeqarPush, DeqarPush.decision_id == Decision.id)
             .options(contains_eager(Decision.case).contains_eager(Case.institution))
             .where(Decision.published_at.is_not(None)).order_by(Decision.published_at.desc(), Decision.id.desc()))
    if state == "not_pushed":
        query = query.where(DeqarPush.id.is_(None))
    elif state in FILTERS:
        query = query.where(DeqarPush.state == state)
    page = paginate(query, per_page=PAGE_SIZE)
    ids = [decision.id for decision in page.items]
    pushes = {push.decision_id: push for push in db.session.scalars(
        select(DeqarPush).where(DeqarPush.decision_id.in_(ids)))} if ids else {}
    return render_template("credentials/deqar.html", page=page, pushes=pushes, state=state, filters=FILTERS), \
        400 if state and state not in FILTERS else 200
