"""Council meeting pages: the list, scheduling a meeting (date, agenda, attendance), the meeting page (per case: the
members' declarations, the proposal, the votes, the tally and the decision), the proposal form, a member's vote, the
recording of a carried proposal, and the minutes as a PDF."""
from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from qa_portal.core.access import login_required, require
from qa_portal.core.forms import ButtonForm, form_page, run_service
from qa_portal.core.pagination import paginate
from qa_portal.decisions.forms import MeetingForm, VoteForm
from qa_portal.decisions.models import AgendaItem, CouncilMeeting
from qa_portal.decisions.pdf import meeting_minutes_pdf
from qa_portal.decisions.permissions import can_schedule_meetings, can_take_part_in_meeting, can_view_meetings
from qa_portal.decisions.services import meetings
from qa_portal.decisions.services.rules import council_problems
from qa_portal.decisions.views import bp
from qa_portal.decisions.views.council import decision_form, decision_input
from qa_portal.extensions import db
from qa_portal.pilots.models import Outcome
from qa_portal.reviews.models import Case, CaseState

MEETINGS_PAGE_SIZE = 20


def _meeting(meeting_id: int) -> CouncilMeeting:
    meeting = db.get_or_404(CouncilMeeting, meeting_id)
    require(can_view_meetings(current_user))
    return meeting


def _item(meeting_id: int, item_id: int) -> AgendaItem:
    meeting = _meeting(meeting_id)
    item = next((item for item in meeting.items if item.id == item_id), None)
    if item is None:
        abort(404)
    return item


def _outcome_name(outcome_id: int) -> str:
    """A proposed outcome's label in the reader's language (outcomes are few and kept in the session)."""
    outcome = db.session.get(Outcome, outcome_id)
    return outcome.label(str(get_locale())) if outcome else "—"


def _detail_page(meeting: CouncilMeeting, status: int = 200, **forms):
    """The meeting page: each agenda item with its declarations, proposal, tally and (for present members) forms."""
    rows = [(item, meetings.declarations_for(item), meetings.tally(item)) for item in meeting.items]
    context = {"vote_form": VoteForm(formdata=None), "button": ButtonForm(formdata=None), "refused_item": None} | forms
    return render_template("decisions/meetings/detail.html", meeting=meeting, rows=rows,
                           taking_part=can_take_part_in_meeting(current_user, meeting),
                           proposal=meetings.proposal_input, outcome_name=_outcome_name,
                           blockers=lambda item: council_problems(item.case, current_user), **context), status


@bp.route("/council/meetings")
@login_required
def meeting_list():
    require(can_view_meetings(current_user))
    page = paginate(select(CouncilMeeting).order_by(CouncilMeeting.held_on.desc(), CouncilMeeting.id.desc()),
                    MEETINGS_PAGE_SIZE)
    return render_template("decisions/meetings/list.html", page=page)


@bp.route("/council/meetings/new", methods=["GET", "POST"])
@login_required
def meeting_new():
    require(can_schedule_meetings(current_user))
    form = MeetingForm()
    cases = db.session.scalars(select(Case).where(Case.state == CaseState.DECISION_PENDING)
                               .order_by(Case.reference)).unique().all()
    form.case_ids.choices = [SelectChoice(case.id, f"{case.reference} — {case.institution.name_en}")
                             for case in cases]
    form.attendee_ids.choices = [SelectChoice(member.id, member.full_name) for member in meetings.council_members()]
    return form_page(form, lambda: meetings.schedule_meeting(
        current_user, form.held_on.data, form.title.data, list(form.case_ids.data or []),
        list(form.attendee_ids.data or []), form.quorum.data),
        "decisions/meetings/new.html", _("The council meeting is scheduled."),
        lambda meeting: url_for("decisions.meeting_detail", meeting_id=meeting.id))


@bp.route("/council/meetings/<int:meeting_id>")
@login_required
def meeting_detail(meeting_id: int):
    return _detail_page(_meeting(meeting_id))


@bp.route("/council/meetings/<int:meeting_id>/items/<int:item_id>/proposal", methods=["GET", "POST"])
@login_required
def meeting_proposal(meeting_id: int, item_id: int):
    item = _item(meeting_id, item_id)
    require(can_take_part_in_meeting(current_user, item.meeting))
    form = decision_form(item.case)
    return form_page(form, lambda: meetings.propose_outcome(current_user, item, decision_input(form)),
                     "decisions/meetings/proposal.html",
                     _("The proposal on %(reference)s is put to the vote.", reference=item.case.reference),
                     url_for("decisions.meeting_detail", meeting_id=meeting_id), item=item)


@bp.route("/council/meetings/<int:meeting_id>/items/<int:item_id>/vote", methods=["POST"])
@login_required
def meeting_vote(meeting_id: int, item_id: int):
    item = _item(meeting_id, item_id)
    require(can_take_part_in_meeting(current_user, item.meeting))
    form = VoteForm()
    run = run_service(form, lambda: meetings.cast_vote(current_user, item, form.choice.data or ""))
    if run.ok:
        flash(_("Your vote on %(reference)s is recorded.", reference=item.case.reference), "success")
        return redirect(url_for("decisions.meeting_detail", meeting_id=meeting_id) + f"#item-{item.id}")
    return _detail_page(item.meeting, run.status, vote_form=form, refused_item=item)


@bp.route("/council/meetings/<int:meeting_id>/items/<int:item_id>/decide", methods=["POST"])
@login_required
def meeting_decide(meeting_id: int, item_id: int):
    item = _item(meeting_id, item_id)
    require(can_take_part_in_meeting(current_user, item.meeting))
    form = ButtonForm()
    run = run_service(form, lambda: meetings.record_meeting_decision(current_user, item))
    if run.ok:
        flash(_("The council's decision on %(reference)s is recorded.", reference=item.case.reference), "success")
        return redirect(url_for("decisions.meeting_detail", meeting_id=meeting_id))
    return _detail_page(item.meeting, run.status, button=form, refused_item=item)


@bp.route("/council/meetings/<int:meeting_id>/minutes.pdf")
@login_required
def meeting_minutes(meeting_id: int):
    meeting = _meeting(meeting_id)
    return Response(meeting_minutes_pdf(meeting), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="council-meeting-{meeting.id}-minutes.pdf"'})
