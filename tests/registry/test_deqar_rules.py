"""DEQAR's validation rules (reference/deqar.md §3) as rules.py mirrors them: for every rule, values DEQAR accepts
give no problem and values it refuses give exactly its message at the field's path. The valid base report is the
reference's §6 example (a micro-credential programme review by ANQA)."""
import base64
import copy
import re

import pytest

from qa_portal.registry.services.deqar.rules import report_problems

VALID_REPORT = {
    "agency": "ANQA",
    "local_identifier": "MGEAR-PILOT-2025-MC-007",
    "activities": [{"id": "171"}],
    "status": "voluntary",
    "decision": "positive with conditions or restrictions",
    "summary": "Pilot review of a 6 ECTS micro-credential; positive with two conditions on assessment transparency.",
    "valid_from": "2025-06-30",
    "valid_to": "2030-06-29",
    "date_format": "%Y-%m-%d",
    "institutions": [{"deqar_id": "DEQARINST1234"}],
    "report_files": [{"original_location": "https://qa.example.am/reports/MGEAR-PILOT-2025-MC-007.pdf",
                      "display_name": "Expert panel report and QA decision", "report_language": ["hy", "en"]}],
    "report_links": [{"link": "https://qa.example.am/decisions/MGEAR-PILOT-2025-MC-007",
                      "link_display_name": "Decision record on agency website"}],
    "programmes": [{
        "identifiers": [{"identifier": "MC-007"}],
        "name_primary": "Computer-aided design for footwear",
        "qualification_primary": "Micro-credential in computer-aided footwear design",
        "alternative_names": [{"name_alternative": "Կոշկեղենի համակարգչային նախագծում"}],
        "qf_ehea_level": "first cycle",
        "nqf_level": "level 6",
        "degree_outcome": "2",
        "workload_ects": 6,
        "assessment_certification": "2",
        "learning_outcomes": ["http://data.europa.eu/esco/skill/b1115b14-fa16-4c1e-be6c-91fd49a1808b"],
        "learning_outcome_description": "Digitise lasts and produce 3D models of heels.",
        "field_study": "0723",
    }],
    "other_comment": "Reviewed in the EU co-funded Micro-GEAR pilot.",
}
PDF_BASE64 = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()
MISSING = object()
ESCO = "http://data.europa.eu/esco/skill/b1115b14-fa16-4c1e-be6c-91fd49a1808b"
TRIO = "when degree_outcome field is '2 / no full degree'"


def changed(*edits) -> dict:
    """The valid report with edits applied: (path, value) pairs, MISSING deleting the key."""
    report = copy.deepcopy(VALID_REPORT)
    for path, value in edits:
        *parents, last = re.findall(r"[^.\[\]]+", path)
        target = report
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        key = int(last) if last.isdigit() else last
        if value is MISSING:
            del target[key]
        else:
            target[key] = value
    return report


def problems_of(report, **options) -> list[tuple[str, str]]:
    return [(problem.field, problem.message) for problem in report_problems(report, **options)]


def test_the_reference_example_is_valid(app):
    """The §6 example passes every rule."""
    assert problems_of(VALID_REPORT) == []


def test_a_report_must_be_an_object(app):
    assert problems_of(["not", "an", "object"]) == [("non_field_errors",
                                                     "Invalid data. Expected a dictionary, but got list.")]


# (rule, edits DEQAR accepts)
ACCEPTED = [
    ("agency", [("agency", "anqa")]),
    ("agency", [("agency", "70")]),
    ("contributing_agencies", [("contributing_agencies", ["AAQ"]),
                               ("activities", [{"id": "171"}, {"local_identifier": "mc", "agency": "AAQ"}])]),
    ("local_identifier", [("local_identifier", "L" * 255)]),
    ("local_identifier", [("local_identifier", MISSING)]),
    ("activity", [("activities", [{"id": 171}])]),
    ("activity", [("activities", [{"local_identifier": "programme_accreditation"}])]),
    ("activity", [("activities", [{"group": "3"}])]),
    ("status", [("status", "VOLUNTARY")]),
    ("status", [("status", "1")]),
    ("decision", [("decision", "negative")]),
    ("decision", [("decision", "4")]),
    ("summary", [("summary", MISSING)]),
    ("valid_from", [("valid_from", "2025-06-30")]),
    ("valid_to", [("valid_to", None)]),
    ("valid_to", [("valid_to", MISSING)]),
    ("date_format", [("date_format", "%d-%m-%Y"), ("valid_from", "30-06-2025"), ("valid_to", "29-06-2030")]),
    ("validity_order", [("valid_from", "2030-06-28")]),
    ("report_links", [("report_links", [{"link": "http://qa.example.am/d/7"}])]),
    ("report_files", [("report_files.0.report_language", ["arm", "ENG", "de"])]),
    ("report_files", [("report_files.0.report_language", [])]),
    ("report_file_source", [("report_files.0.original_location", MISSING), ("report_files.0.file", PDF_BASE64),
                            ("report_files.0.file_name", "report.pdf")]),
    ("institutions", [("institutions", [{"eter_id": "AM0901"}])]),
    ("institutions", [("institutions", [{"identifier": "YSU", "resource": "local identifier"}])]),
    ("platforms", [("platforms", [{"deqar_id": "DEQARINST0066"}])]),
    ("agency_activity", [("activities", [{"id": "171", "agency": "ANQA"}])]),
    ("agency_activity", [("activities", [{"local_identifier": "pa", "agency": "70"}])]),
    ("activity_type_cardinality", [("programmes", VALID_REPORT["programmes"] * 2)]),
    ("other_providers", [("status", "2")]),
    ("programme_identifiers", [("programmes.0.identifiers", [
        {"identifier": "MC-007"}, {"identifier": "AM-7", "resource": "national identifier"}])]),
    ("programme_identifiers", [("programmes.0.identifiers", MISSING)]),
    ("name_primary", [("programmes.0.name_primary", "N" * 255)]),
    ("qualification_primary", [("programmes.0.qualification_primary", MISSING)]),
    ("alternative_names", [("programmes.0.alternative_names", [{"name_alternative": "A" * 200,
                                                               "qualification_alternative": "Q"}])]),
    ("countries", [("programmes.0.countries", ["GE", "arm"])]),
    ("nqf_level", [("programmes.0.nqf_level", "level 6")]),
    ("qf_ehea_level", [("programmes.0.qf_ehea_level", "0")]),
    ("qf_ehea_level", [("programmes.0.qf_ehea_level", "Third Cycle")]),
    ("degree_outcome", [("programmes.0.degree_outcome", 2)]),
    ("degree_outcome", [("programmes.0.degree_outcome", "no full degree")]),
    ("degree_outcome", [("programmes.0.degree_outcome", "yes"), ("programmes.0.workload_ects", MISSING),
                        ("programmes.0.assessment_certification", MISSING)]),
    ("workload_ects", [("programmes.0.workload_ects", "15")]),
    ("workload_ects", [("programmes.0.workload_ects", 6.0)]),
    ("micro_credential_trio", [("programmes.0.degree_outcome", "1"), ("programmes.0.workload_ects", MISSING),
                               ("programmes.0.assessment_certification", MISSING)]),
    ("assessment_certification", [("programmes.0.assessment_certification", "attendance certificate")]),
    ("learning_outcomes", [("programmes.0.learning_outcomes", [ESCO, ""])]),
    ("learning_outcome_description", [("programmes.0.learning_outcome_description", MISSING)]),
    ("field_study", [("programmes.0.field_study", "07")]),
    ("field_study", [("programmes.0.field_study", "http://data.europa.eu/esco/isced-f/0723")]),
]

# (rule, edits DEQAR refuses, the problems it reports: field path and its exact message)
REFUSED = [
    ("agency", [("agency", MISSING)], [("agency", "This field is required.")]),
    ("agency", [("agency", 70)], [("agency", "Incorrect type. Expected a string, but got int")]),
    ("agency", [("agency", "33")], [("agency", "Please provide valid Agency DEQAR ID.")]),
    ("agency", [("agency", "NOPE")], [("agency", "Please provide valid Agency Acronym.")]),
    ("contributing_agencies", [("contributing_agencies", [33])],
     [("contributing_agencies[0]", "Incorrect type. Expected a string, but got int")]),
    ("agency_activity", [("contributing_agencies", ["AAQ"])],
     [("non_field_errors", "Please provide at least one activity for the contributing agency.")]),
    ("local_identifier", [("local_identifier", "L" * 256)],
     [("local_identifier", "Ensure this field has no more than 255 characters.")]),
    ("activity", [("activities", MISSING)], [("activities", "This field is required.")]),
    ("activity", [("activities", [{}])], [("activities[0]", "Either ESG Activity ID, ESG Activity local identifier "
                                                            "or ESG Activity Group is needed.")]),
    ("activity", [("activities", [{"id": "171", "local_identifier": "pa"}])],
     [("activities[0]", "You cannot submit both ESG Activity ID and ESG Activity local identifier.")]),
    ("activity", [("activities", [{"id": "171", "group": "3"}])],
     [("activities[0]", "You cannot submit both ESG Activity ID and ESG Activity Group.")]),
    ("activity", [("activities", [{"local_identifier": "pa", "group": "3"}])],
     [("activities[0]", "You cannot submit both ESG Activity local identifier and ESG Activity Group.")]),
    ("activity", [("activities", [{"id": "17.1"}])],
     [("activities[0].id", "Please provide ESG Activity ID as an integer or string.")]),
    ("status", [("status", MISSING)], [("status", "This field is required.")]),
    ("status", [("status", 2)], [("status", "Incorrect type. Expected a string, but got int")]),
    ("status", [("status", "3")], [("status", "Please provide valid Report Status ID.")]),
    ("status", [("status", "mandatory")], [("status", "Please provide valid Report Status.")]),
    ("decision", [("decision", "no, negative")], [("decision", "Please provide valid Report Decision.")]),
    ("decision", [("decision", "5")], [("decision", "Please provide valid Report Decision ID.")]),
    ("decision", [("decision", 1)], [("decision", "Incorrect type. Expected a string, but got int")]),
    ("summary", [("summary", " ")], [("summary", "This field may not be blank.")]),
    ("valid_from", [("valid_from", MISSING)], [("valid_from", "This field is required.")]),
    ("valid_from", [("valid_from", "2025-06-30T00:00:00.000Z")],
     [("valid_from", "Ensure this field has no more than 20 characters."),
      ("non_field_errors", "Date format string is not applicable to the submitted date.")]),
    ("valid_to", [("valid_to", ["2030-06-29"])], [("valid_to", "Not a valid string.")]),
    ("date_format", [("date_format", MISSING)], [("date_format", "This field is required.")]),
    ("date_format", [("valid_from", "30-06-2025")],
     [("non_field_errors", "Date format string is not applicable to the submitted date.")]),
    ("date_format", [("date_format", "%Y-%-m-%-d")],
     [("non_field_errors", "Date format string is not applicable to the submitted date.")]),
    ("validity_order", [("valid_from", "2030-06-29")],
     [("non_field_errors", "Report's validity start should be earlier then validity end.")]),
    ("report_links", [("report_links", [{"link": "qa.example.am/d/7"}])],
     [("report_links[0].link", "Enter a valid URL.")]),
    ("report_links", [("report_links", [{"link_display_name": "D" * 201}])],
     [("report_links[0].link", "This field is required."),
      ("report_links[0].link_display_name", "Ensure this field has no more than 200 characters.")]),
    ("report_files", [("report_files", [])], [("report_files", "No report file is available for this report.")]),
    ("report_files", [("report_files.0.report_language", ["hye", "english", 40])],
     [("report_files[0].report_language[0]", "Please provide valid language code."),
      ("report_files[0].report_language[1]", "Please provide valid language code."),
      ("report_files[0].report_language[2]", "Incorrect type. Expected a string, but got int")]),
    ("report_files", [("report_files.0.report_language", MISSING)],
     [("report_files[0].report_language", "This field is required.")]),
    ("report_files", [("report_files.0.original_location", "https://qa.example.am/" + "r" * 480 + ".pdf")],
     [("report_files[0].original_location", "Ensure this field has no more than 500 characters.")]),
    ("report_file_source", [("report_files.0.original_location", MISSING)],
     [("report_files[0]", "Either file or original_location URL is required.")]),
    ("report_file_source", [("report_files.0.file", PDF_BASE64), ("report_files.0.file_name", "report.pdf")],
     [("report_files[0]", "You cannot submit both a file and an original_location URL.")]),
    ("report_file_source", [("report_files.0.original_location", MISSING), ("report_files.0.file", PDF_BASE64)],
     [("report_files[0]", "Please provide a file name for the uploaded file.")]),
    ("report_file_source", [("report_files.0.original_location", MISSING), ("report_files.0.file_name", "r.pdf"),
                            ("report_files.0.file", base64.b64encode(b"<html>not a pdf</html>").decode())],
     [("report_files[0].file", "File is not a valid pdf file")]),
    ("institutions", [("institutions", [])], [("institutions", "This list may not be empty.")]),
    ("institutions", [("institutions", [{}])],
     [("institutions[0]", "This report cannot be linked to an institution. It is missing either a valid ETER ID, "
                          "DEQAR ID, or local identifier.")]),
    ("institutions", [("institutions", [{"deqar_id": "INST66"}])],
     [("institutions[0].deqar_id", "Please provide valid DEQAR ID.")]),
    ("institutions", [("institutions", [{"deqar_id": "DEQARINST" + "1" * 17}])],
     [("institutions[0].deqar_id", "Ensure this field has no more than 25 characters.")]),
    ("platforms", [("platforms", [{"deqar_id": "DEQARINST1234"}])],
     [("non_field_errors", "An institution cannot also be a platform.")]),
    ("agency_activity", [("activities", [{"local_identifier": "pa", "agency": "AAQ"}])],
     [("non_field_errors", "Please provide at least one activity for the agency.")]),
    ("agency_activity", [("activities", [])],
     [("non_field_errors", "Please provide at least one activity for the agency.")]),
    ("activity_type_cardinality", [("institutions", [{"deqar_id": "DEQARINST1234"}, {"deqar_id": "DEQARINST0066"}])],
     [("non_field_errors", "Please provide only one institution with this particular Activity type.")]),
    ("activity_type_cardinality", [("programmes", [])],
     [("non_field_errors", "Please provide at least one programme with this particular Activity type.")]),
    ("other_providers", [("status", "part of obligatory EQA system")],
     [("non_field_errors", "Status should be 'voluntary' if all organisations are other providers.")]),
    ("other_providers", [("programmes.0.degree_outcome", "1")],
     [("non_field_errors", "Degree outcome should be '2 / no full degree' if all the organisations are other "
                           "providers")]),
    ("programme_identifiers", [("programmes.0.identifiers", [{"identifier": "A"}, {"identifier": "B"}])],
     [("programmes[0].identifiers", "You can only submit one identifier without resource.")]),
    ("programme_identifiers", [("programmes.0.identifiers", [{"identifier": "A", "resource": "local identifier"},
                                                             {"identifier": "B", "resource": "local identifier"}])],
     [("programmes[0].identifiers", "You can only submit different type of resources.")]),
    ("programme_identifiers", [("programmes.0.identifiers", [{"identifier": "I" * 51}])],
     [("programmes[0].identifiers[0].identifier", "Ensure this field has no more than 50 characters.")]),
    ("name_primary", [("programmes.0.name_primary", MISSING)],
     [("programmes[0].name_primary", "This field is required.")]),
    ("name_primary", [("programmes.0.name_primary", "N" * 256)],
     [("programmes[0].name_primary", "Ensure this field has no more than 255 characters.")]),
    ("qualification_primary", [("programmes.0.qualification_primary", "Q" * 256)],
     [("programmes[0].qualification_primary", "Ensure this field has no more than 255 characters.")]),
    ("alternative_names", [("programmes.0.alternative_names", [{"name_alternative": "A" * 201}, {}])],
     [("programmes[0].alternative_names[0].name_alternative", "Ensure this field has no more than 200 characters."),
      ("programmes[0].alternative_names[1].name_alternative", "This field is required.")]),
    ("countries", [("programmes.0.countries", ["XX", "AMERICA", 51])],
     [("programmes[0].countries[0]", "Please provide valid country code."),
      ("programmes[0].countries[1]", "Please provide valid country code."),
      ("programmes[0].countries[2]", "Incorrect type. Expected a string, but got int")]),
    ("nqf_level", [("programmes.0.nqf_level", "L" * 256)],
     [("programmes[0].nqf_level", "Ensure this field has no more than 255 characters.")]),
    ("qf_ehea_level", [("programmes.0.qf_ehea_level", "4")],
     [("programmes[0].qf_ehea_level", "Please provide valid QF EHEA ID.")]),
    ("qf_ehea_level", [("programmes.0.qf_ehea_level", "bachelor")],
     [("programmes[0].qf_ehea_level", "Please provide valid QF EHEA level.")]),
    ("qf_ehea_level", [("programmes.0.qf_ehea_level", 1)],
     [("programmes[0].qf_ehea_level", "Incorrect type. Expected a string, but got int")]),
    ("qf_ehea_level", [("programmes.0.degree_outcome", "1"), ("programmes.0.qf_ehea_level", MISSING)],
     [("programmes[0].qf_ehea_level", "This field is required.")]),
    ("degree_outcome", [("programmes.0.degree_outcome", "Yes")],
     [("programmes[0].degree_outcome", "Please provide valid degree_outcome value.")]),
    ("degree_outcome", [("programmes.0.degree_outcome", True)],
     [("programmes[0].degree_outcome", "Please provide valid degree_outcome value.")]),
    ("degree_outcome", [("programmes.0.degree_outcome", MISSING)],
     [("programmes[0].degree_outcome", "This field is required.")]),
    ("workload_ects", [("programmes.0.workload_ects", 2.5)],
     [("programmes[0].workload_ects", "A valid integer is required.")]),
    ("workload_ects", [("programmes.0.workload_ects", "six")],
     [("programmes[0].workload_ects", "A valid integer is required.")]),
    ("workload_ects", [("programmes.0.workload_ects", None)],
     [("programmes[0].workload_ects", "This field may not be null.")]),
    ("micro_credential_trio", [("programmes.0.workload_ects", MISSING)],
     [("programmes[0].workload_ects", f"ECTS credits are required, {TRIO}")]),
    ("micro_credential_trio", [("programmes.0.workload_ects", 0)],
     [("programmes[0].workload_ects", f"ECTS credits are required, {TRIO}")]),
    ("micro_credential_trio", [("programmes.0.assessment_certification", MISSING)],
     [("programmes[0].assessment_certification", f"Assessment information is required, {TRIO}.")]),
    ("micro_credential_trio", [("programmes.0.qf_ehea_level", MISSING)],
     [("programmes[0].qf_ehea_level", f"QF-EHEA Level information is required, {TRIO}.")]),
    ("assessment_certification", [("programmes.0.assessment_certification", "4")],
     [("programmes[0].assessment_certification", "Please provide valid Assessment ID.")]),
    ("assessment_certification", [("programmes.0.assessment_certification", "exam")],
     [("programmes[0].assessment_certification", "Please provide valid assessment name.")]),
    ("assessment_certification", [("programmes.0.assessment_certification", 2)],
     [("programmes[0].assessment_certification", "Incorrect type. Expected a string, but got int")]),
    ("learning_outcomes", [("programmes.0.learning_outcomes", ["https://esco.ec.europa.eu/en/skill/b1115b14"])],
     [("programmes[0].learning_outcomes[0]", "ESCO base URL is missing from the data.")]),
    ("learning_outcomes", [("programmes.0.learning_outcomes", [ESCO + "-and-more"])],
     [("programmes[0].learning_outcomes[0]", "Ensure this field has no more than 70 characters.")]),
    ("learning_outcomes", [("programmes.0.learning_outcomes", ESCO)],
     [("programmes[0].learning_outcomes", 'Expected a list of items but got type "str".')]),
    ("learning_outcome_description", [("programmes.0.learning_outcome_description", "")],
     [("programmes[0].learning_outcome_description", "This field may not be blank.")]),
    ("field_study", [("programmes.0.field_study", "07231")],
     [("programmes[0].field_study", "Either full ESCO URI or max. 4-digit ISCED-F number needed.")]),
    ("field_study", [("programmes.0.field_study", "ICT")],
     [("programmes[0].field_study", "Either full ESCO URI or max. 4-digit ISCED-F number needed.")]),
]

OTHER_PROVIDER_RULES = {"other_providers"}


def _options(rule: str) -> dict:
    """Rule 14 needs to know the provider is an other provider (DEQAR knows it from its own records)."""
    return {"other_providers": {"DEQARINST1234"}} if rule in OTHER_PROVIDER_RULES else {}


@pytest.mark.parametrize(("rule", "edits"), ACCEPTED, ids=[f"{rule}-{n}" for n, (rule, _) in enumerate(ACCEPTED)])
def test_rule_accepts_what_deqar_accepts(app, rule, edits):
    """Values DEQAR accepts for the rule give no problem at all."""
    assert problems_of(changed(*edits), **_options(rule)) == []


@pytest.mark.parametrize(("rule", "edits", "expected"), REFUSED,
                         ids=[f"{rule}-{n}" for n, (rule, _, _) in enumerate(REFUSED)])
def test_rule_refuses_what_deqar_refuses_with_its_message(app, rule, edits, expected):
    """Values DEQAR refuses give exactly its messages, at the field's path."""
    assert problems_of(changed(*edits), **_options(rule)) == expected


def test_every_rule_has_a_passing_and_a_failing_case():
    """The two tables cover the same rules: none is tested only one way."""
    assert {rule for rule, _ in ACCEPTED} == {rule for rule, _, _ in REFUSED}


def test_rule_14_applies_only_when_every_provider_is_an_other_provider(app):
    """An HEI among the providers lifts rule 14 (an obligatory status is then DEQAR's flagging business)."""
    report = changed(("status", "part of obligatory EQA system"))
    assert problems_of(report) == []
    assert problems_of(report, other_providers={"DEQARINST1234"}) == [
        ("non_field_errors", "Status should be 'voluntary' if all organisations are other providers.")]
