"""GET /api/v1/deqar/reports[/<local_identifier>]: every published decision as a DEQAR Submission API v2 report,
valid by DEQAR's rules or listed with the reasons it is not (and then never served as valid)."""
from decimal import Decimal

from qa_portal.demo import load_demo
from qa_portal.extensions import db
from qa_portal.pilots.models import InstitutionType
from qa_portal.registry.services.deqar.build import checked_report
from qa_portal.registry.services.deqar.rules import report_problems
from qa_portal.reviews.models import CaseSpecification
from tests.decisions.factories import statements_for
from tests.pilots.factories import make_specification
from tests.registry.factories import (publish, published_decision, recorded_decision, registry_institution,
                                      superseding_decision, unpublished_decision)
from tests.registry.test_errors import assert_api_error

API = "/api/v1/deqar/reports"


def _decision_with_specification(institution=None, **specification):
    """A published decision whose case reviews one published specification version with the fields given."""
    decision = recorded_decision("positive", institution=institution or registry_institution(), specifications=0)
    version = make_specification(decision.case.institution, published=True, frozen=True, **specification)
    db.session.add(CaseSpecification(case_id=decision.case_id, specification_version_id=version.id))
    db.session.commit()
    return publish(decision)


def test_a_realistic_published_decision_is_a_valid_deqar_report(app, client):
    """A conditional decision on a university with a DEQAR id reviewing two specifications: valid, every field as
    DEQAR names it, with string-typed vocabulary values and integer ECTS."""
    decision = published_decision("positive_with_conditions", specifications=2)
    body = client.get(API).get_json()
    [item] = body["data"]
    assert item["valid"] is True and item["problems"] == []
    assert item["decision_id"] == decision.id
    report = item["report"]
    assert report["local_identifier"] == decision.case.reference == item["local_identifier"]
    assert report["agency"] == "ANQA" and report["activities"] == [{"id": "171"}]
    assert report["status"] == "voluntary"
    assert report["decision"] == "positive with conditions or restrictions"
    assert report["date_format"] == "%Y-%m-%d"
    assert report["valid_from"] == decision.valid_from.isoformat()
    assert report["valid_to"] == decision.valid_to.isoformat()
    assert report["institutions"] == [{"deqar_id": decision.case.institution.deqar_id}]
    assert [file["original_location"] for file in report["report_files"]] == [
        f"http://localhost/register/{decision.id}/report.pdf", f"http://localhost/register/{decision.id}/letter.pdf"]
    assert all(file["report_language"] == ["en"] for file in report["report_files"])
    assert report["report_links"][0]["link"] == f"http://localhost/register/{decision.id}"
    assert "Conditions: 2." in report["summary"]
    programme = report["programmes"][0]
    assert len(report["programmes"]) == 2
    assert programme["degree_outcome"] == "2" and programme["workload_ects"] == 6
    assert programme["qf_ehea_level"] == "first cycle" and programme["assessment_certification"] == "2"
    assert programme["nqf_level"] == "level 6" and programme["field_study"] == "0613"
    assert programme["identifiers"][0]["resource"] == "local identifier"
    assert programme["alternative_names"] == [{"name_alternative": "Տվյալների գրագիտություն պետական կառավարման համար"}]
    assert report_problems(report) == []


def test_a_negative_decision_is_valid_from_its_council_meeting_without_an_end(client):
    """A negative outcome has no validity: DEQAR gets the meeting date as valid_from and a null valid_to."""
    decision = published_decision("negative")
    report = client.get(f"{API}/{decision.case.reference}").get_json()
    assert report["decision"] == "negative"
    assert report["valid_from"] == decision.meeting_date.isoformat() and report["valid_to"] is None


def test_a_report_detail_is_the_report_object_itself(client):
    """GET /deqar/reports/<local_identifier> answers the bare report object, ready to POST to DEQAR."""
    decision = published_decision()
    listed = client.get(API).get_json()["data"][0]["report"]
    response = client.get(f"{API}/{decision.case.reference}")
    assert response.status_code == 200 and response.headers["ETag"]
    assert response.get_json() == listed


def test_an_institution_without_deqar_or_eter_id_is_listed_invalid_with_deqar_reasons(client):
    """DEQAR cannot link the report to a provider: listed invalid with rule 3's message, report withheld."""
    decision = published_decision(institution=registry_institution(deqar_id=None, eter_id=None))
    [item] = client.get(API).get_json()["data"]
    assert item["valid"] is False and item["report"] is None
    assert item["local_identifier"] == decision.case.reference
    assert item["problems"] == [{"field": "institutions[0]", "message": (
        "This report cannot be linked to an institution. It is missing either a valid ETER ID, DEQAR ID, or local "
        "identifier.")}]


def test_an_institution_with_only_an_eter_id_is_valid(client):
    """DEQAR resolves a provider by its ETER id when it has no DEQAR id: such a report is valid."""
    published_decision(institution=registry_institution(deqar_id=None, eter_id="AM0042"))
    [item] = client.get(API).get_json()["data"]
    assert item["valid"] is True and item["report"]["institutions"] == [{"eter_id": "AM0042"}]


def test_fractional_ects_is_listed_invalid_with_deqar_reason(client):
    """DEQAR's workload_ects is an IntegerField: 2.5 ECTS cannot travel."""
    _decision_with_specification(ects=Decimal("2.5"), notional_hours=70)
    [item] = client.get(API).get_json()["data"]
    assert item["valid"] is False
    assert item["problems"] == [{"field": "programmes[0].workload_ects", "message": "A valid integer is required."}]


def test_a_specification_without_qf_ehea_cycle_is_listed_invalid(client):
    """A micro-credential needs its QF-EHEA level (rule 6)."""
    _decision_with_specification(qf_ehea_cycle=None, eqf_level=None, eqf_not_applicable=True)
    [item] = client.get(API).get_json()["data"]
    assert item["problems"] == [{"field": "programmes[0].qf_ehea_level", "message": (
        "QF-EHEA Level information is required, when degree_outcome field is '2 / no full degree'.")}]


def test_an_invalid_report_answers_422_with_the_problems(client):
    """The detail of an invalid report is a 422 in the API's error shape, the problems in details."""
    decision = published_decision(institution=registry_institution(deqar_id=None, eter_id=None))
    response = client.get(f"{API}/{decision.case.reference}")
    error = assert_api_error(response, 422, "invalid_deqar_report")
    assert error["details"]["decision_id"] == decision.id
    assert error["details"]["problems"][0]["field"] == "institutions[0]"


def test_the_valid_filter_keeps_valid_or_invalid_reports(client):
    """valid=true lists the valid reports, valid=false the invalid ones; anything else is a 400."""
    good = published_decision()
    bad = published_decision(institution=registry_institution(deqar_id=None, eter_id=None))
    assert [item["decision_id"] for item in client.get(f"{API}?valid=true").get_json()["data"]] == [good.id]
    assert [item["decision_id"] for item in client.get(f"{API}?valid=false").get_json()["data"]] == [bad.id]
    assert_api_error(client.get(f"{API}?valid=yes"), 400, "invalid_choice")


def test_unpublished_decisions_are_neither_listed_nor_served(client):
    """A recorded but unpublished decision has no DEQAR report: not in the list, 404 at its identifier."""
    decision = unpublished_decision()
    assert client.get(API).get_json()["data"] == []
    assert_api_error(client.get(f"{API}/{decision.case.reference}"), 404, "not_found")


def test_an_unknown_local_identifier_is_a_json_404(client):
    assert_api_error(client.get(f"{API}/MC-1999-999"), 404, "not_found")


def test_a_later_decision_of_a_case_gets_its_own_stable_identifier(client):
    """The case's second decision is <reference>-D2; the first keeps the bare reference (replaced on the day its own
    validity starts, it is left without a valid period and is no longer served as a current report: 422)."""
    first = published_decision("positive_with_conditions")
    later = superseding_decision(first)
    identifiers = {item["decision_id"]: item["local_identifier"] for item in client.get(API).get_json()["data"]}
    reference = first.case.reference
    assert identifiers == {first.id: reference, later.id: f"{reference}-D2"}
    assert client.get(f"{API}/{reference}-D2").get_json()["local_identifier"] == f"{reference}-D2"
    superseded = client.get(f"{API}/{reference}")
    assert superseded.status_code == 422 and superseded.get_json()["error"]["details"]["local_identifier"] == reference
    assert_api_error(client.get(f"{API}/{reference}-D3"), 404, "not_found")


def test_the_list_is_cursor_paginated_in_id_order(client):
    """limit and the next cursor walk every report once, in id order, with a Link header."""
    decisions = [published_decision() for _ in range(3)]
    first = client.get(f"{API}?limit=2")
    body = first.get_json()
    assert [item["decision_id"] for item in body["data"]] == [decisions[0].id, decisions[1].id]
    assert 'rel="next"' in first.headers["Link"]
    rest = client.get(body["next_url"]).get_json()
    assert [item["decision_id"] for item in rest["data"]] == [decisions[2].id] and rest["next"] is None
    assert_api_error(client.get(f"{API}?cursor=forged"), 400, "invalid_cursor")


def test_updated_since_keeps_decisions_changed_since(client):
    """updated_since filters on the decision's latest public change; a bad date-time is a 400."""
    published_decision()
    assert client.get(f"{API}?updated_since=2000-01-01T00:00:00Z").get_json()["data"]
    assert client.get(f"{API}?updated_since=2999-01-01T00:00:00Z").get_json()["data"] == []
    assert_api_error(client.get(f"{API}?updated_since=yesterday"), 400, "invalid_datetime")
    assert_api_error(client.get(f"{API}?sort=id"), 400, "unknown_parameter")


def test_a_page_runs_the_same_queries_for_few_and_many(client):
    """One page costs a fixed number of SQL statements whatever the number of decisions and specifications."""
    published_decision("positive_with_conditions", specifications=1)
    few = statements_for(client, API)
    for _ in range(4):
        published_decision("positive_with_conditions", specifications=3)
    assert statements_for(client, API) == few


def test_rule_14_other_providers_need_voluntary_status(app, client):
    """An other provider's report must be voluntary: with status set to obligatory it is listed invalid."""
    institution = registry_institution()
    institution.institution_type = InstitutionType.OTHER_PROVIDER
    db.session.commit()
    published_decision(institution=institution)
    assert client.get(API).get_json()["data"][0]["valid"] is True
    app.config["QA_DEQAR_REPORT_STATUS"] = "part of obligatory EQA system"
    try:
        [item] = client.get(API).get_json()["data"]
    finally:
        app.config["QA_DEQAR_REPORT_STATUS"] = "voluntary"
    assert item["problems"] == [{"field": "non_field_errors",
                                 "message": "Status should be 'voluntary' if all organisations are other providers."}]


def test_the_demo_data_gives_valid_deqar_reports(app, client):
    """Every published decision of the demo forms a DEQAR report valid by every rule, and the API serves them all."""
    from qa_portal.registry.services.queries import published_decisions

    with app.test_request_context():
        assert load_demo()
        db.session.commit()
        decisions = db.session.scalars(published_decisions()).unique().all()
        problems = {decision.case.reference: checked_report(decision)[1] for decision in decisions}
    assert len(decisions) >= 5, "the demo publishes positive, conditional, negative and upgraded decisions"
    assert problems == {reference: [] for reference in problems}
    listed = client.get(f"{API}?limit=500").get_json()["data"]
    assert {item["decision_id"] for item in listed} == {decision.id for decision in decisions}
    assert all(item["valid"] for item in listed)
    assert {item["report"]["decision"] for item in listed} >= {
        "positive", "positive with conditions or restrictions", "negative"}
