"""Published decisions as JSON: the list (cursor-paged by id, filtered: the stored public records, two queries a page)
and one decision. Unpublished and unknown decisions are the same 404."""
import json

from flask import request
from sqlalchemy import Select

from qa_portal.core.access import public
from qa_portal.decisions.models import Decision
from qa_portal.extensions import db
from qa_portal.registry.services.errors import ApiError
from qa_portal.registry.services.paging import json_response, keyset_page, list_response
from qa_portal.registry.services.params import date_param, datetime_param, int_param, limit_param, reject_unknown, text_param
from qa_portal.registry.services.export import stored_records
from qa_portal.registry.services.queries import (DECISIONS, filter_decisions, outcome_filter_values,
                                                 published_decisions)
from qa_portal.registry.services.serializers.decisions import decision_json
from qa_portal.registry.views import bp

__all__ = ["FILTERS", "filtered_decisions"]

# The filters the list and the bulk exports share.
FILTERS = {"updated_since", "institution", "outcome", "valid_on", "q"}
PAGING = {"limit", "cursor"}


def _outcome_param() -> str | None:
    """`outcome`: an outcome code of a scheme (e.g. positive_with_conditions) or a DEQAR decision value (e.g.
    "positive with conditions or restrictions"); 400 listing the accepted values otherwise."""
    raw = request.args.get("outcome")
    if raw is None:
        return None
    accepted = outcome_filter_values()
    if raw not in accepted:
        raise ApiError(400, "invalid_choice", "outcome must be an outcome code or a DEQAR decision value.",
                       {"parameter": "outcome", "value": raw, "allowed": sorted(accepted)})
    return raw


def filtered_decisions() -> Select:
    """Published decisions narrowed by the request's filters; each bad value is a 400 naming its parameter."""
    return filter_decisions(
        published_decisions(),
        updated_since=datetime_param("updated_since"),
        institution=int_param("institution"),
        outcome=_outcome_param(),
        valid_on=date_param("valid_on"),
        q=text_param("q"),
    )


@bp.route("/decisions")
@public
def decision_list():
    """Published decisions by id; filters `updated_since` (the record's updated_at, inclusive), `institution` (id),
    `outcome` (outcome code or DEQAR decision value), `valid_on` (date within the validity), `q` (case reference,
    institution name, specification title)."""
    reject_unknown(FILTERS | PAGING)
    limit = limit_param()
    records, next_cursor = keyset_page(stored_records(filtered_decisions()), DECISIONS.c.id, "decisions", limit,
                                       rows=True)
    return list_response([json.loads(record.document) for record in records], next_cursor, limit)


@bp.route("/decisions/<int:decision_id>")
@public
def decision_detail(decision_id: int):
    """One published decision; 404 when it is unknown or not published (the two are indistinguishable on purpose)."""
    reject_unknown(set())
    decision = db.session.scalars(published_decisions().where(Decision.id == decision_id)).unique().one_or_none()
    if decision is None:
        raise ApiError(404, "not_found", f"No published decision with id {decision_id}.",
                       {"resource": "decision", "id": decision_id})
    return json_response(decision_json(decision))
