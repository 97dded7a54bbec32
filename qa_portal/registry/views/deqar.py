"""DEQAR report objects (reference/deqar.md §1–§3): every published decision as a DEQAR Submission API v2 report,
checked by DEQAR's rules. A decision that cannot form a valid report is listed with its problems and never served as
if it were valid: its own URL answers 422 with the problems."""
import re

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from qa_portal.core.access import public
from qa_portal.decisions.models import Decision
from qa_portal.extensions import db
from qa_portal.pilots.models import SpecificationVersion
from qa_portal.registry.services.deqar.build import LATER_DECISION_MARK, checked_report, decision_sequences
from qa_portal.registry.services.errors import ApiError
from qa_portal.registry.services.paging import json_response, keyset_page, list_response
from qa_portal.registry.services.params import choice_param, datetime_param, limit_param, reject_unknown
from qa_portal.registry.services.queries import filter_decisions, published_decisions
from qa_portal.registry.views import bp
from qa_portal.reviews.models import Case, CaseSpecification

LATER_DECISION = re.compile(rf"^(?P<reference>.+){re.escape(LATER_DECISION_MARK)}(?P<sequence>[1-9][0-9]{{0,5}})$")


def _reports_query():
    """Published decisions with everything the report reads, the specifications' learning outcomes included."""
    return published_decisions().options(
        contains_eager(Decision.case).selectinload(Case.specification_links)
        .joinedload(CaseSpecification.specification_version).selectinload(SpecificationVersion.outcomes))


def _entry(decision: Decision, sequence: int) -> dict:
    """A list item: the decision's local identifier and id, and its report when valid or its problems when not."""
    report, problems = checked_report(decision, sequence)
    return {"local_identifier": report["local_identifier"], "decision_id": decision.id, "valid": not problems,
            "report": None if problems else report, "problems": [problem.to_json() for problem in problems]}


@bp.route("/deqar/reports")
@public
def deqar_report_list():
    """Published decisions as DEQAR reports in id order; `valid=true|false` keeps the valid or the invalid ones of
    each page (so a filtered page may hold fewer than `limit` items: follow `next` until it is null)."""
    reject_unknown({"limit", "cursor", "valid", "updated_since"})
    limit = limit_param()
    valid = choice_param("valid", {"true", "false"})
    statement = filter_decisions(_reports_query(), updated_since=datetime_param("updated_since"))
    decisions, next_cursor = keyset_page(statement, Decision.id, "deqar-reports", limit)
    sequences = decision_sequences(decisions)
    items = [_entry(decision, sequences[decision.id]) for decision in decisions]
    if valid is not None:
        items = [item for item in items if item["valid"] == (valid == "true")]
    return list_response(items, next_cursor, limit)


def _decision_by_local_identifier(identifier: str) -> tuple[Decision, int] | None:
    """The published decision a local identifier names, with its sequence: the bare case reference is the case's
    first decision, reference-D<n> its n-th (tried as a whole reference first, in case a reference ends so)."""
    candidates = [(identifier, 1)]
    match = LATER_DECISION.match(identifier)
    if match:
        candidates.append((match["reference"], int(match["sequence"])))
    for reference, sequence in candidates:
        ids = db.session.scalars(select(Decision.id).join(Decision.case).where(Case.reference == reference)
                                 .order_by(Decision.id)).all()
        if len(ids) >= sequence:
            decision = db.session.scalars(_reports_query().where(Decision.id == ids[sequence - 1])).unique().first()
            if decision is not None:
                return decision, sequence
    return None


@bp.route("/deqar/reports/<string:local_identifier>")
@public
def deqar_report_detail(local_identifier: str):
    """One published decision's DEQAR report; 422 with DEQAR's reasons when it cannot form a valid one."""
    reject_unknown(set())
    found = _decision_by_local_identifier(local_identifier) if len(local_identifier) <= 255 else None
    if found is None:
        raise ApiError(404, "not_found", f"No published decision has the DEQAR local identifier {local_identifier}.",
                       {"resource": "deqar_report", "local_identifier": local_identifier})
    decision, sequence = found
    report, problems = checked_report(decision, sequence)
    if problems:
        raise ApiError(422, "invalid_deqar_report",
                       "This decision cannot form a valid DEQAR report: DEQAR would refuse it for the reasons in "
                       "details.problems.",
                       {"local_identifier": local_identifier, "decision_id": decision.id,
                        "problems": [problem.to_json() for problem in problems]})
    return json_response(report)
