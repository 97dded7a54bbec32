"""The audit log viewer: filters, pages and a streamed CSV download."""
import json
from datetime import datetime, time

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import Select, select

from qa_portal.audit.models import AuditEntry
from qa_portal.audit.permissions import can_view_audit
from qa_portal.core.access import login_required, require
from qa_portal.core.csv_export import CsvWriter, csv_attachment
from qa_portal.core.pagination import paginate
from qa_portal.extensions import db

bp = Blueprint("audit", __name__, template_folder="templates", url_prefix="/audit")
PAGE_SIZE = 50


def _parse_date(value: str | None, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time.max if end else time.min)


def filtered_entries(args) -> tuple[Select, dict]:
    """The audit query narrowed by the actor, action, object and date filters in the query string."""
    filters = {key: (args.get(key) or "").strip() for key in ("actor", "action", "object_type", "object_id", "from", "to")}
    query = select(AuditEntry)
    if filters["actor"]:
        query = query.where(AuditEntry.actor_label.ilike(f"%{filters['actor']}%"))
    if filters["action"]:
        query = query.where(AuditEntry.action.ilike(f"{filters['action']}%"))
    if filters["object_type"]:
        query = query.where(AuditEntry.object_type == filters["object_type"])
    if filters["object_id"]:
        query = query.where(AuditEntry.object_id == filters["object_id"])
    if start := _parse_date(filters["from"]):
        query = query.where(AuditEntry.at >= start)
    if end := _parse_date(filters["to"], end=True):
        query = query.where(AuditEntry.at <= end)
    return query.order_by(AuditEntry.id.desc()), filters


@bp.route("/")
@login_required
def entry_list():
    require(can_view_audit(current_user))
    query, filters = filtered_entries(request.args)
    page = paginate(query, PAGE_SIZE)
    return render_template("audit/entry_list.html", page=page, filters=filters)


@bp.route("/export.csv")
@login_required
def entry_csv():
    require(can_view_audit(current_user))
    query, _filters = filtered_entries(request.args)

    def rows():
        writer = CsvWriter()
        writer.row(["id", "at", "actor", "action", "object_type", "object_id", "summary", "data", "entry_hash"])
        last_id = None
        while True:
            batch_query = query if last_id is None else query.where(AuditEntry.id < last_id)
            batch = db.session.scalars(batch_query.limit(1000)).all()
            if not batch:
                break
            for entry in batch:
                writer.row([entry.id, entry.at.isoformat(), entry.actor_label, entry.action,
                            entry.object_type or "", entry.object_id or "", entry.summary,
                            json.dumps(entry.data, ensure_ascii=False), entry.entry_hash])
            last_id = batch[-1].id
            yield writer.take()
        yield writer.take()  # the header of an empty log

    return csv_attachment(rows(), "audit-log.csv")
