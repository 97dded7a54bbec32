"""The public register (no sign-in): published decisions, each at a permanent URL, with its decision letter and its
published panel report as PDFs. Unpublished decisions answer 404."""
from flask import Response, abort, render_template, request

from qa_portal.core.access import public
from qa_portal.core.pagination import paginate
from qa_portal.decisions.services import register
from qa_portal.decisions.pdf import decision_letter_pdf
from qa_portal.decisions.models import Decision
from qa_portal.decisions.services.publication import final_version_of
from qa_portal.decisions.services.qa_status import standing_of
from qa_portal.decisions.pdf import published_report_pdf
from qa_portal.decisions.views import bp

REGISTER_PAGE_SIZE = 20


@bp.route("/register")
@public
def register_index():
    filters, errors = register.read_filters(request.args)
    page = None if errors else paginate(register.register_query(filters), REGISTER_PAGE_SIZE)
    links = {name: value for name, value in filters.items() if value}
    return render_template("decisions/register.html", page=page, filters=filters, errors=errors, links=links,
                           public_specifications=register.public_specifications,
                           **register.register_choices()), 400 if errors else 200


def _published(decision_id: int) -> Decision:
    decision = register.published_decision(decision_id)
    if decision is None:
        abort(404)
    return decision


def _pdf(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'})


@bp.route("/register/<int:decision_id>")
@public
def register_decision(decision_id: int):
    decision = _published(decision_id)
    version = final_version_of(decision.case)
    later = register.later_decision(decision)
    return render_template("decisions/register_decision.html", decision=decision, case=decision.case,
                           content=version.content if version else None, later=later, standing=standing_of(decision),
                           appeal_deadline=register.open_appeal_deadline(decision, later))


@bp.route("/register/<int:decision_id>/letter.pdf")
@public
def register_letter(decision_id: int):
    decision = _published(decision_id)
    return _pdf(decision_letter_pdf(decision), f"{decision.case.reference}-decision-{decision.id}.pdf")


@bp.route("/register/<int:decision_id>/report.pdf")
@public
def register_report(decision_id: int):
    decision = _published(decision_id)
    data = published_report_pdf(decision)
    if data is None:
        abort(404)
    return _pdf(data, f"{decision.case.reference}-panel-report.pdf")
