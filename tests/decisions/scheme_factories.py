"""Factories for outcome-scheme tests: form data for a new scheme or one outcome, an unused scheme, and uses of a
scheme (a call, a panel report recommendation, a council decision)."""
import itertools

from qa_portal.decisions.services.schemes import OutcomeData, SchemeData, create_scheme
from qa_portal.extensions import db
from qa_portal.pilots.models import Call, DeqarDecision, OutcomeKind, OutcomeScheme
from qa_portal.reviews.models import PanelReport
from tests.pilots.calls_factories import make_standard_version
from tests.reviews.factories import make_case

_counter = itertools.count(1)

POSITIVE = {"code": "approved", "label_en": "Approved", "label_hy": "Հաստատված", "kind": "positive",
            "max_validity_years": "5", "max_condition_window_months": "", "deqar_decision": "positive"}
CONDITIONAL = {"code": "approved_conditions", "label_en": "Approved with conditions", "label_hy": "",
               "kind": "conditional", "max_validity_years": "3", "max_condition_window_months": "12",
               "deqar_decision": "positive with conditions or restrictions"}
NEGATIVE = {"code": "refused", "label_en": "Refused", "label_hy": "Մերժված", "kind": "negative",
            "max_validity_years": "", "max_condition_window_months": "", "deqar_decision": "negative"}


def scheme_form(code: str = "trial", rows=(POSITIVE, CONDITIONAL, NEGATIVE), **scheme_fields) -> dict:
    """POST data of the new-scheme form: the scheme's fields and one outcomes-i-… group per row."""
    data = {"code": code, "name_en": "Trial scheme", "name_hy": "Փորձնական սխեմա", "description": "For tests."}
    data.update(scheme_fields)
    for index, row in enumerate(rows):
        data.update({f"outcomes-{index}-{key}": value for key, value in row.items()})
    return data


def outcome_data(row: dict) -> OutcomeData:
    """Service input from a form row."""
    return OutcomeData(code=row["code"], label_en=row["label_en"], label_hy=row["label_hy"],
                       kind=OutcomeKind(row["kind"]) if row["kind"] else None,
                       max_validity_years=int(row["max_validity_years"]) if row["max_validity_years"] else None,
                       max_condition_window_months=(int(row["max_condition_window_months"])
                                                    if row["max_condition_window_months"] else None),
                       deqar_decision=DeqarDecision(row["deqar_decision"]) if row["deqar_decision"] else None)


def unused_scheme(code: str | None = None, rows=(POSITIVE, CONDITIONAL, NEGATIVE)) -> OutcomeScheme:
    """A scheme nothing uses, created through the service and committed."""
    scheme = create_scheme(None, SchemeData(code=code or f"unused-{next(_counter)}", name_en="Unused scheme"),
                           [outcome_data(row) for row in rows])
    db.session.commit()
    return scheme


def use_by_call(scheme: OutcomeScheme) -> Call:
    """A draft call naming the scheme."""
    from datetime import timedelta

    from qa_portal.core.models import utcnow
    now = utcnow()
    call = Call(title=f"Call {next(_counter)}", standard_version=make_standard_version(), outcome_scheme=scheme,
                opens_at=now, closes_at=now + timedelta(days=10), max_pilots=1)
    db.session.add(call)
    db.session.commit()
    return call


def use_by_recommendation(scheme: OutcomeScheme) -> PanelReport:
    """A draft panel report recommending the scheme's first outcome."""
    report = PanelReport(case_id=make_case().id, recommended_outcome_id=scheme.outcomes[0].id)
    db.session.add(report)
    db.session.commit()
    return report
