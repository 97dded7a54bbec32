"""The officer dashboard (/monitoring): every figure as inline SVG with its data table, filters, CSV per chart."""
from flask import Response, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from qa_portal.core.access import login_required, require
from qa_portal.core.csv_export import csv_attachment, csv_text
from qa_portal.core.input_checks import parse_id
from qa_portal.extensions import db
from qa_portal.monitoring.pdf import impact_report_pdf
from qa_portal.monitoring.permissions import can_read_survey_comments, can_view_dashboard
from qa_portal.monitoring.services.cache import cached
from qa_portal.monitoring.services.dashboard import CHARTS, Filters, all_charts
from qa_portal.monitoring.services.feedback import feedback_summary, recent_comments
from qa_portal.monitoring.views import bp
from qa_portal.pilots.models import Call, Institution


def requested_filters() -> Filters:
    """The filters from the query string; a malformed value is ignored (never an error)."""
    args = request.args
    field = (args.get("field") or "").strip()
    level = parse_id(args.get("eqf_level"), maximum=8)
    return Filters(call_id=parse_id(args.get("call")), institution_id=parse_id(args.get("institution")),
                   field=field if field.isdigit() and len(field) == 2 else None, eqf_level=level)


@bp.route("/monitoring")
@login_required
def dashboard():
    """Every figure of the pilot, filtered by call, institution, field and level."""
    require(can_view_dashboard(current_user))
    filters = requested_filters()
    calls = db.session.execute(select(Call.id, Call.title).order_by(Call.opens_at.desc()).limit(200)).all()
    institutions = db.session.execute(select(Institution.id, Institution.short_name)
                                      .order_by(Institution.short_name).limit(500)).all()
    return render_template("monitoring/dashboard.html", charts=cached(("dashboard", filters), lambda: all_charts(filters)), filters=filters, calls=calls,
                           institutions=institutions, feedback=feedback_summary(filters.call_id),
                           comments=recent_comments(filters.call_id) if can_read_survey_comments(current_user) else None)


@bp.route("/monitoring/charts/<name>.csv")
@login_required
def chart_csv(name: str):
    """One figure's data as CSV (with the page's filters)."""
    require(can_view_dashboard(current_user))
    figure = CHARTS.get(name)
    if figure is None:
        abort(404)
    chart = figure(requested_filters())
    return csv_attachment(csv_text([str(column) for column in chart.columns], chart.rows), f"{chart.name}.csv")


@bp.route("/monitoring/calls/<int:call_id>/impact-report.pdf")
@login_required
def impact_report(call_id: int):
    """The impact report of one call (PDF)."""
    require(can_view_dashboard(current_user))
    call = db.session.get(Call, call_id)
    if call is None:
        abort(404)
    body = impact_report_pdf(call)
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="impact-report-call-{call.id}.pdf"'})
