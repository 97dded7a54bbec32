"""The outbox for administrators (/admin/outbox), each user's mail settings and calendar feed, officers' deadlines
across cases and each case's mail log."""
from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from qa_portal.auth.models import User
from qa_portal.core.access import login_required, public, require
from qa_portal.core.forms import ButtonForm, run_service
from qa_portal.core.models import utcnow
from qa_portal.core.pagination import paginate
from qa_portal.core.urls import public_url
from qa_portal.extensions import db
from qa_portal.notifications.cli import register_commands
from qa_portal.notifications.forms import DIGEST, IMMEDIATE, MailSettingsForm
from qa_portal.notifications.models import CalendarFeed, MailPreference, MailStatus, OutboxMessage
from qa_portal.notifications.permissions import (
    can_manage_mail_settings, can_read_outbox, can_view_deadlines, can_view_mail_log,
)
from qa_portal.notifications.services.calendar import calendar_of
from qa_portal.notifications.services.deadlines import open_tasks
from qa_portal.notifications.services.sender import requeue_message
from qa_portal.notifications.services.preferences import (
    issue_calendar_token, revoke_calendar_feed, save_mail_preferences, user_for_calendar_token,
)
from qa_portal.reviews.models import Case

DEADLINE_HORIZON_DAYS = 14

bp = Blueprint("notifications", __name__, template_folder="templates", cli_group=None)
register_commands(bp.cli)


@bp.route("/admin/outbox")
@login_required
def outbox():
    require(can_read_outbox(current_user))
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    status = request.args.get("status", "")
    if status in MailStatus.__members__.values():
        query = query.where(OutboxMessage.status == status)
    else:
        status = ""
    page = paginate(query, per_page=50)
    return render_template("notifications/outbox.html", page=page, status=status, statuses=list(MailStatus))


def _message_page(message: OutboxMessage, form=None, status: int = 200):
    return render_template("notifications/outbox_message.html", message=message, form=form or ButtonForm()), status


@bp.route("/admin/outbox/<int:message_id>")
@login_required
def outbox_message(message_id: int):
    require(can_read_outbox(current_user))
    return _message_page(db.get_or_404(OutboxMessage, message_id))


@bp.route("/admin/outbox/<int:message_id>/retry", methods=["POST"])
@login_required
def outbox_retry(message_id: int):
    require(can_read_outbox(current_user))
    message = db.get_or_404(OutboxMessage, message_id)
    form = ButtonForm()
    run = run_service(form, lambda: requeue_message(current_user, message))
    if not run.ok:
        return _message_page(message, form, run.status)
    flash(_("The message is queued again; the mail worker sends it on its next pass."), "success")
    return redirect(url_for("notifications.outbox_message", message_id=message.id))


# --- each user's mail settings and calendar feed ----------------------------------------------------------------

def _settings_form(**kwargs) -> MailSettingsForm:
    """The mail settings form, filled with the user's saved choice."""
    preference = db.session.get(MailPreference, current_user.id)
    return MailSettingsForm(data=None if preference is None else {
        "delivery": DIGEST if preference.daily_digest else IMMEDIATE, "opted_out": preference.opted_out}, **kwargs)


def _settings_page(form, token: str | None = None, status: int = 200):
    feed = db.session.get(CalendarFeed, current_user.id)
    feed_url = public_url("notifications.calendar_feed", token=token) if token else None
    return render_template("notifications/settings.html", form=form, feed=feed, feed_url=feed_url,
                           button=ButtonForm()), status


@bp.route("/account/mail", methods=["GET", "POST"])
@login_required
def mail_settings():
    require(can_manage_mail_settings(current_user))
    form = _settings_form()
    run = run_service(form, lambda: save_mail_preferences(current_user, form.delivery.data == DIGEST,
                                                          form.opted_out.data))
    if run.ok:
        flash(_("Your mail settings are saved."), "success")
        return redirect(url_for("notifications.mail_settings"))
    return _settings_page(form, status=run.status)


@bp.route("/account/calendar", methods=["POST"])
@login_required
def calendar_token():
    require(can_manage_mail_settings(current_user))
    form = ButtonForm()
    run = run_service(form, lambda: issue_calendar_token(current_user))
    if not run.ok:
        return _settings_page(_settings_form(formdata=None), status=run.status)
    flash(_("Your new calendar address is below; any earlier address no longer works."), "success")
    return _settings_page(_settings_form(formdata=None), token=run.result)


@bp.route("/account/calendar/revoke", methods=["POST"])
@login_required
def calendar_revoke():
    require(can_manage_mail_settings(current_user))
    form = ButtonForm()
    run = run_service(form, lambda: revoke_calendar_feed(current_user))
    if not run.ok:
        return _settings_page(_settings_form(formdata=None), status=run.status)
    flash(_("Your calendar address no longer works."), "success")
    return redirect(url_for("notifications.mail_settings"))


@bp.route("/calendar/<token>.ics")
@public
def calendar_feed(token: str):
    # Public by design: the unguessable token is the credential (calendar apps cannot sign in); revocable.
    user = user_for_calendar_token(token)
    if user is None:
        abort(404)
    response = Response(calendar_of(user), mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- officers: deadlines across cases, each case's mail log -------------------------------------------------------

@bp.route("/deadlines")
@login_required
def deadlines():
    require(can_view_deadlines(current_user))
    now = utcnow()
    tasks = open_tasks(until=now + timedelta(days=DEADLINE_HORIZON_DAYS))
    coordinator_ids = {task.coordinator_id for task in tasks if task.coordinator_id}
    coordinators = {user.id: user.full_name for user in
                    db.session.scalars(select(User).where(User.id.in_(coordinator_ids)))}
    by_coordinator: dict[str, list] = {}
    for task in tasks:
        name = coordinators.get(task.coordinator_id) or _("No coordinator")
        by_coordinator.setdefault(name, []).append(task)
    return render_template("notifications/deadlines.html", overdue=[task for task in tasks if task.due_at < now],
                           upcoming=[task for task in tasks if task.due_at >= now], by_coordinator=by_coordinator,
                           horizon=DEADLINE_HORIZON_DAYS, now=now)


@bp.route("/cases/<int:case_id>/mail-log")
@login_required
def case_mail_log(case_id: int):
    case = db.get_or_404(Case, case_id)
    require(can_view_mail_log(current_user, case))
    page = paginate(select(OutboxMessage).where(OutboxMessage.case_id == case.id)
                    .order_by(OutboxMessage.id.desc()), per_page=50)
    return render_template("notifications/mail_log.html", case=case, page=page)


def task_path(task) -> str:
    """The page where a task is done (relative, for pages; mails and feeds use public_url)."""
    endpoint, values = task.endpoint(current_user.id)
    return url_for(endpoint, **values)


@bp.app_context_processor
def deadline_helpers() -> dict:
    """`my_deadlines(user)` and `task_path(task)` for the My work panel this package contributes."""
    return {"my_deadlines": open_tasks, "task_path": task_path, "now_utc": utcnow}
