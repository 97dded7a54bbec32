"""deqar_report(decision): how a published decision's facts map onto DEQAR's fields, value by value."""
from decimal import Decimal

from qa_portal.extensions import db
from qa_portal.pilots.models import CertificateType, QfEheaCycle
from qa_portal.registry.services.deqar.build import deqar_report, local_identifier
from qa_portal.reviews.models import CaseSpecification
from tests.pilots.factories import make_specification
from tests.registry.factories import publish, published_decision, recorded_decision, registry_institution


def _report_reviewing(app, institution=None, **specification) -> dict:
    """The report of a published decision reviewing one specification version with these fields."""
    decision = recorded_decision("positive", institution=institution or registry_institution(), specifications=0)
    version = make_specification(decision.case.institution, published=True, frozen=True, **specification)
    db.session.add(CaseSpecification(case_id=decision.case_id, specification_version_id=version.id))
    db.session.commit()
    publish(decision)
    with app.test_request_context():
        return deqar_report(decision)


def test_every_cycle_maps_to_deqar_qf_ehea_level_names(app):
    """Short to third cycle become DEQAR's level names, matched on name."""
    expected = {QfEheaCycle.SHORT: "short cycle", QfEheaCycle.FIRST: "first cycle",
                QfEheaCycle.SECOND: "second cycle", QfEheaCycle.THIRD: "third cycle"}
    eqf = {QfEheaCycle.SHORT: 5, QfEheaCycle.FIRST: 6, QfEheaCycle.SECOND: 7, QfEheaCycle.THIRD: 8}
    for cycle, name in expected.items():
        programme = _report_reviewing(app, qf_ehea_cycle=cycle, eqf_level=eqf[cycle], nqf_level=eqf[cycle])
        assert programme["programmes"][0]["qf_ehea_level"] == name


def test_certificate_types_map_to_deqar_assessment_ids(app):
    """Attendance, assessment-based and no certificate become DEQAR's assessment ids "1", "2", "3"."""
    for certificate, deqar_id in ((CertificateType.ATTENDANCE, "1"), (CertificateType.ASSESSMENT_BASED, "2"),
                                  (CertificateType.NONE, "3")):
        report = _report_reviewing(app, certificate_type=certificate)
        assert report["programmes"][0]["assessment_certification"] == deqar_id


def test_fractional_ects_travel_as_the_number_they_are(app):
    """2.5 ECTS is not rounded into a valid-looking 2 or 3: it is sent as 2.5, which DEQAR refuses."""
    report = _report_reviewing(app, ects=Decimal("2.5"), notional_hours=70)
    assert report["programmes"][0]["workload_ects"] == 2.5


def test_missing_values_are_left_out_not_invented(app):
    """No QF-EHEA cycle, NQF level, certificate type or Armenian title: those keys are absent (a published
    specification always has its ISCED-F field)."""
    report = _report_reviewing(app, qf_ehea_cycle=None, eqf_level=None, eqf_not_applicable=True, nqf_level=None,
                               certificate_type=None, title_hy="")
    programme = report["programmes"][0]
    for key in ("qf_ehea_level", "nqf_level", "assessment_certification", "alternative_names"):
        assert key not in programme


def test_learning_outcomes_are_the_esco_uris_once_each_and_the_statements(app):
    """ESCO URIs of every outcome, each once (DEQAR stores them unique per programme); statements as text."""
    uri = "http://data.europa.eu/esco/skill/b1115b14-fa16-4c1e-be6c-91fd49a1808b"
    report = _report_reviewing(app, outcomes=[{"statement": "Use CAD tools.", "esco_uris": [uri]},
                                              {"statement": "Export to CAM.", "esco_uris": [uri]}])
    programme = report["programmes"][0]
    assert programme["learning_outcomes"] == [uri]
    assert programme["learning_outcome_description"] == "Use CAD tools.\nExport to CAM."


def test_countries_are_sent_only_when_not_just_the_providers(app):
    """DEQAR wants programme countries only when they differ from the provider's country."""
    assert "countries" not in _report_reviewing(app, issuer_countries=["AM"])["programmes"][0]
    assert _report_reviewing(app, issuer_countries=["AM", "GE"])["programmes"][0]["countries"] == ["AM", "GE"]


def test_report_language_is_english_unless_the_pdfs_carry_armenian(app):
    """The PDFs DEQAR harvests are English; the institution's Armenian name on them adds "hy"."""
    report = _report_reviewing(app, institution=registry_institution(name_hy=""))
    assert {tuple(file["report_language"]) for file in report["report_files"]} == {("en",)}


def test_without_the_report_route_the_decision_letter_is_the_file(app):
    """Where the register serves no panel-report PDF, the decision letter alone is the report file."""
    decision = published_decision()
    saved = app.view_functions.pop("decisions.register_report")
    try:
        with app.test_request_context():
            files = deqar_report(decision)["report_files"]
    finally:
        app.view_functions["decisions.register_report"] = saved
    assert [file["original_location"] for file in files] == [f"http://localhost/register/{decision.id}/letter.pdf"]


def test_local_identifier_is_the_reference_then_numbered(app):
    """The first decision of a case is its reference; the n-th is <reference>-D<n>."""
    decision = published_decision()
    assert local_identifier(decision, 1) == decision.case.reference
    assert local_identifier(decision, 3) == f"{decision.case.reference}-D3"
