"""The outbox for administrators (/admin/outbox), each user's mail settings and calendar feed, officers' deadlines."""
from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from qa_portal.core.access import login_required, require
from qa_portal.core.pagination import paginate
from qa_portal.extensions import db
from qa_portal.notifications.cli import register_commands
from qa_portal.notifications.models import MailStatus, OutboxMessage
from qa_portal.notifications.permissions import can_read_outbox

bp = Blueprint("notifications", __name__, template_folder="templates", cli_group=None)
register_commands(bp.cli)

STATUS_LABELS = {status: status.value for status in MailStatus}


@bp.route("/admin/outbox")
@login_required
def outbox():
    require(can_read_outbox(current_user))
    page = paginate(select(OutboxMessage).order_by(OutboxMessage.id.desc()), per_page=50)
    return render_template("notifications/outbox.html", page=page)


@bp.route("/admin/outbox/<int:message_id>")
@login_required
def outbox_message(message_id: int):
    require(can_read_outbox(current_user))
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("notifications/outbox_message.html", message=message)
