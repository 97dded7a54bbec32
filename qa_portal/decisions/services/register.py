"""The public register: published decisions only, searchable by institution, outcome, validity on a date, field and
EQF level of the published specifications they cover, and call; each decision's page at a permanent URL with its
history (the decision it replaced and the one replacing it)."""
import re
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager, selectinload, with_expression

from qa_portal.extensions import db
from qa_portal.pilots.models import Application, Call, Institution, Outcome, OutcomeKind, SpecificationVersion
from qa_portal.pilots.models.reference import isced_fields
from qa_portal.reviews.models import Case, CaseSpecification
from qa_portal.core.models import utcnow
from qa_portal.decisions.models import Decision
from qa_portal.decisions.services.qa_status import decision_standing

__all__ = ["REGISTER_FILTERS", "EQF_CHOICES", "read_filters", "register_query", "register_choices",
           "published_decision", "later_decision", "appeal_deadline", "open_appeal_deadline", "public_specifications"]

REGISTER_FILTERS = ("institution", "outcome", "valid_on", "field", "eqf", "call")
EQF_CHOICES = tuple(str(level) for level in range(1, 9)) + ("na",)

def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _is_id(text: str) -> bool:
    return re.fullmatch(r"[0-9]{1,9}", text) is not None


# What each filter accepts, and the message naming the text entered when it is something else.
FILTER_CHECKS = {
    "institution": (_is_id, _l("“%(value)s” is not an institution of the register: choose one from the list.")),
    "outcome": (lambda value: value in {kind.value for kind in OutcomeKind},
                _l("“%(value)s” is not an outcome: choose positive, positive with conditions or negative.")),
    "valid_on": (lambda value: _date(value) is not None,
                 _l("“%(value)s” is not a date: enter it as YYYY-MM-DD, e.g. 2026-09-01.")),
    "field": (lambda value: value in isced_fields(),
              _l("“%(value)s” is not an ISCED-F field of study: choose one from the list.")),
    "eqf": (lambda value: value in EQF_CHOICES,
            _l("“%(value)s” is not an EQF level: choose 1 to 8 or not applicable.")),
    "call": (_is_id, _l("“%(value)s” is not a pilot call: choose one from the list.")),
}


def read_filters(args) -> tuple[dict, dict]:
    """The register's filters as typed (trimmed, at most 40 characters) and a message for each value the form does
    not offer (the register then lists nothing but the messages)."""
    filters = {name: (args.get(name) or "").strip()[:40] for name in REGISTER_FILTERS}
    errors = {name: str(FILTER_CHECKS[name][1]) % {"value": value} for name, value in filters.items()
              if value and not FILTER_CHECKS[name][0](value)}
    return filters, errors


def _covers_public_specification(*conditions):
    """Cases reviewing a public specification version that meets the conditions."""
    return Case.id.in_(select(CaseSpecification.case_id).join(
        SpecificationVersion, SpecificationVersion.id == CaseSpecification.specification_version_id).where(
        SpecificationVersion.is_public, *conditions))


def register_query(filters: dict):
    """Published decisions matching the (checked) filters, newest first; case, institution, outcome, the case's
    specifications, each decision's standing and its replacement loaded with the page (a fixed number of queries)."""
    query = (select(Decision).join(Decision.case).join(Case.institution).join(Decision.outcome)
             .options(contains_eager(Decision.case).contains_eager(Case.institution),
                      contains_eager(Decision.case).selectinload(Case.specification_links),
                      contains_eager(Decision.outcome), selectinload(Decision.superseded_by),
                      with_expression(Decision.standing, decision_standing(Decision)))
             .where(Decision.published_at.is_not(None))
             .order_by(Decision.published_at.desc(), Decision.id.desc()))
    if _is_id(filters.get("institution", "")):
        query = query.where(Institution.id == int(filters["institution"]))
    if filters.get("outcome") in {kind.value for kind in OutcomeKind}:
        query = query.where(Outcome.kind == filters["outcome"])
    valid_on = _date(filters.get("valid_on", ""))
    if valid_on is not None:
        query = query.where(and_(Decision.valid_from <= valid_on, Decision.valid_to >= valid_on))
    if filters.get("field") in isced_fields():
        in_field = SpecificationVersion.isced_f_code.startswith(filters["field"])
        query = query.where(_covers_public_specification(in_field))
    if filters.get("eqf") == "na":
        query = query.where(_covers_public_specification(SpecificationVersion.eqf_not_applicable.is_(True)))
    elif filters.get("eqf") in EQF_CHOICES:
        query = query.where(_covers_public_specification(SpecificationVersion.eqf_level == int(filters["eqf"])))
    if _is_id(filters.get("call", "")):
        query = query.where(Case.application_id.in_(
            select(Application.id).where(Application.call_id == int(filters["call"]))))
    return query


def register_choices() -> dict:
    """The filter form's choices, from published data only: institutions and calls with a published decision, the
    ISCED-F broad fields and the EQF levels."""
    published_cases = select(Decision.case_id).where(Decision.published_at.is_not(None))
    institutions = db.session.scalars(select(Institution).where(Institution.id.in_(
        select(Case.institution_id).where(Case.id.in_(published_cases)))).order_by(Institution.name_en)).all()
    calls = db.session.scalars(select(Call).where(Call.id.in_(
        select(Application.call_id).join(Case, Case.application_id == Application.id)
        .where(Case.id.in_(published_cases)))).order_by(Call.title)).all()
    fields = {code: name for code, name in isced_fields().items() if len(code) == 2}
    return {"institutions": institutions, "calls": calls, "fields": fields, "kinds": list(OutcomeKind),
            "eqf_levels": EQF_CHOICES[:-1]}


def public_specifications(case: Case) -> list[SpecificationVersion]:
    """The case's specification versions the public may read (published or withdrawn), in link order."""
    return [link.specification_version for link in case.specification_links
            if link.specification_version.is_public]


def published_decision(decision_id: int) -> Decision | None:
    """The decision if it is published; None (a 404) otherwise."""
    decision = db.session.get(Decision, decision_id)
    return decision if decision is not None and decision.is_published else None


def later_decision(decision: Decision) -> Decision | None:
    """The published decision that replaced this one, if any."""
    return db.session.scalar(select(Decision).where(Decision.supersedes_id == decision.id,
                                                    Decision.published_at.is_not(None)))


def appeal_deadline(decision: Decision) -> date | None:
    """The last day to lodge an appeal: QA_APPEAL_WINDOW_DAYS after publication."""
    if decision.published_at is None:
        return None
    return decision.published_at.date() + timedelta(days=current_app.config["QA_APPEAL_WINDOW_DAYS"])


def open_appeal_deadline(decision: Decision, later: Decision | None) -> date | None:
    """The appeal deadline to announce on the register: only while an appeal can still be lodged — the decision
    is the case's latest, none has been lodged against it, and its window has not closed."""
    deadline = appeal_deadline(decision)
    if deadline is None or later is not None or decision.appeal is not None or deadline < utcnow().date():
        return None
    return deadline
