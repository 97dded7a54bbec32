"""The public register (no sign-in): published decisions, each at a permanent URL, and its decision letter PDF.
Unpublished decisions answer 404."""
from flask import Response, abort, render_template, request
from sqlalchemy import select

from qa_portal.core.access import public
from qa_portal.extensions import db
from qa_portal.pilots.models import Call, Institution, OutcomeKind
from qa_portal.reviews.models import Case
from qa_portal.decisions import register
from qa_portal.decisions.letter import decision_letter_pdf
from qa_portal.decisions.models import Decision
from qa_portal.decisions.publication import final_version_of
from qa_portal.decisions.views import bp

REGISTER_PAGE_SIZE = 20


@bp.route("/register")
@public
def register_index():
    filters = {name: (request.args.get(name) or "").strip()[:40] for name in register.REGISTER_FILTERS}
    page = db.paginate(register.register_query(filters), per_page=REGISTER_PAGE_SIZE, error_out=False)
    published_cases = select(Decision.case_id).where(Decision.published_at.is_not(None))
    institutions = db.session.scalars(select(Institution).where(Institution.id.in_(
        select(Case.institution_id).where(Case.id.in_(published_cases)))).order_by(Institution.name_en)).all()
    calls = db.session.scalars(select(Call).order_by(Call.title)).all()
    return render_template("decisions/register.html", page=page, filters=filters, institutions=institutions,
                           calls=calls, kinds=list(OutcomeKind))


def _published(decision_id: int) -> Decision:
    decision = register.published_decision(decision_id)
    if decision is None:
        abort(404)
    return decision


@bp.route("/register/<int:decision_id>")
@public
def register_decision(decision_id: int):
    decision = _published(decision_id)
    version = final_version_of(decision.case)
    return render_template("decisions/register_decision.html", decision=decision, case=decision.case,
                           content=version.content if version else None, later=register.later_decision(decision),
                           appeal_deadline=register.appeal_deadline(decision))


@bp.route("/register/<int:decision_id>/letter.pdf")
@public
def register_letter(decision_id: int):
    decision = _published(decision_id)
    filename = f"{decision.case.reference}-decision-{decision.id}.pdf"
    return Response(decision_letter_pdf(decision), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
