"""Validation of a DEQAR report object as DEQAR's Submission API v2 would validate it (reference/deqar.md §3),
so that QA Portal never serves as valid a report DEQAR would refuse with 400 — or save with a high-level flag.

Mirrored (with DEQAR's or DRF's own messages): field types, lengths and required fields of every object; rule 1
(agency, status, decision, QF-EHEA level, assessment, language and country values; string-typed ids); 2 (activity:
exactly one of id / local_identifier / group); 3 (institution identified by DEQAR id, ETER id or identifier); 4 (dates
parse with date_format); 5 (programme identifiers); 6 (degree_outcome 2 needs workload_ects, assessment_certification
and qf_ehea_level); 7 (report files: exactly one of file / original_location); 8 (every agency has an activity); 9 (a
programme-type activity: one institution, at least one programme); 11 (valid_from before valid_to); 13 (no provider
also a platform); 14 (other providers only: voluntary status and degree_outcome 2); integer workload_ects; ESCO and
ISCED-F values; the high-level flag for a report without a file.
Not mirrored, because they need DEQAR's database: whether an agency, activity, DEQAR or ETER id exists (we check the
agency against our settings and the DEQAR id's format), rule 10 (report_id), 12 (registration and activity validity
windows) and 15 (duplicate local_identifier). Every activity is taken to be programme-type, as
QA_DEQAR_ACTIVITY_ID is."""
import re
from dataclasses import asdict, dataclass
from datetime import datetime

from flask import current_app

from qa_portal.pilots.models.reference import countries
from qa_portal.registry.services.deqar import fields as f
from qa_portal.registry.services.deqar.vocabulary import (ASSESSMENTS, QF_EHEA_LEVELS, REPORT_DECISIONS, REPORT_STATUSES,
                                                 is_language_code)

__all__ = ["Problem", "report_problems", "NON_FIELD"]

NON_FIELD = "non_field_errors"  # DEQAR's key for errors of the whole report
DEQAR_INSTITUTION_ID = re.compile(r"^DEQARINST[0-9]{4,}$")  # 'DEQARINST%04d' % pk


@dataclass(frozen=True)
class Problem:
    """One reason DEQAR would refuse (or flag) the report: the field's path and DEQAR's message."""

    field: str
    message: str

    def to_json(self) -> dict:
        """{"field", "message"} for the API."""
        return asdict(self)


class _Checks:
    """Collects problems while the report is walked."""

    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, field: str, message: str | None) -> None:
        if message:
            self.problems.append(Problem(field, message))

    def char(self, obj: dict, key: str, path: str, max_length: int | None = None, required: bool = False,
             allow_null: bool = False, allow_blank: bool = False) -> None:
        """A CharField: absent is fine unless required."""
        if key not in obj:
            self.add(f"{path}{key}", f.REQUIRED if required else None)
        else:
            self.add(f"{path}{key}", f.char_problem(obj[key], max_length, allow_null, allow_blank))

    def items(self, obj: dict, key: str, path: str, required: bool = False, allow_empty: bool = True) -> list:
        """A list field: its items (an empty list when absent or refused)."""
        if key not in obj:
            self.add(f"{path}{key}", f.REQUIRED if required else None)
            return []
        value = obj[key]
        if not isinstance(value, list):
            self.add(f"{path}{key}", f.not_a_list(value))
            return []
        if not value and not allow_empty:
            self.add(f"{path}{key}", f.EMPTY_LIST)
        return value

    def objects(self, obj: dict, key: str, path: str, **options) -> list[tuple[str, dict]]:
        """A list of nested objects: (path prefix, object) for each item that is an object."""
        found = []
        for index, item in enumerate(self.items(obj, key, path, **options)):
            if isinstance(item, dict):
                found.append((f"{path}{key}[{index}].", item))
            else:
                self.add(f"{path}{key}[{index}]", f.not_a_dict(item))
        return found


def report_problems(report: dict, *, other_providers: frozenset[str] | set[str] = frozenset()) -> list[Problem]:
    """Every problem DEQAR would raise for the report; empty when it would accept it. other_providers holds the DEQAR
    (or ETER) ids of institutions that are other providers, for rule 14 (DEQAR knows them from its own records)."""
    checks = _Checks()
    if not isinstance(report, dict):
        checks.add(NON_FIELD, f.not_a_dict(report))
        return checks.problems
    _check_agency(checks, report)
    checks.char(report, "local_identifier", "", max_length=255)
    activities = checks.objects(report, "activities", "", required=True)
    for path, activity in activities:
        _check_activity(checks, path, activity)
    _check_vocabulary(checks, report, "status", "", REPORT_STATUSES, "Please provide valid Report Status ID.",
                      "Please provide valid Report Status.", required=True)
    _check_vocabulary(checks, report, "decision", "", REPORT_DECISIONS, "Please provide valid Report Decision ID.",
                      "Please provide valid Report Decision.", required=True)
    checks.char(report, "summary", "")
    checks.char(report, "valid_from", "", max_length=20, required=True)
    checks.char(report, "valid_to", "", max_length=20, allow_null=True)
    checks.char(report, "date_format", "", max_length=20, required=True)
    checks.char(report, "other_comment", "", allow_null=True, allow_blank=True)
    for path, link in checks.objects(report, "report_links", ""):
        _check_link(checks, path, link)
    files = checks.objects(report, "report_files", "")
    if "report_files" not in report or not report["report_files"]:
        checks.add("report_files", "No report file is available for this report.")  # DEQAR's high-level flag
    for path, report_file in files:
        _check_report_file(checks, path, report_file)
    institutions = checks.objects(report, "institutions", "", required=True, allow_empty=False)
    for path, institution in institutions:
        _check_institution(checks, path, institution)
    platforms = checks.objects(report, "platforms", "", allow_empty=False)
    for path, platform in platforms:
        _check_institution(checks, path, platform)
    programmes = checks.objects(report, "programmes", "")
    for path, programme in programmes:
        _check_programme(checks, path, programme)
    _check_root(checks, report, [item for _, item in institutions], [item for _, item in platforms],
                [item for _, item in programmes], other_providers)
    return checks.problems


def _check_vocabulary(checks: _Checks, obj: dict, key: str, path: str, vocabulary: dict, bad_id: str, bad_name: str,
                      required: bool = False) -> None:
    if key not in obj:
        checks.add(f"{path}{key}", f.REQUIRED if required else None)
    else:
        checks.add(f"{path}{key}", f.vocabulary_problem(obj[key], vocabulary, bad_id, bad_name))


def _check_agency(checks: _Checks, report: dict) -> None:
    """Rule 1: the agency is a string naming our agency by acronym (case-insensitive) or DEQAR agency id."""
    if "agency" not in report:
        checks.add("agency", f.REQUIRED)
        return
    agency = report["agency"]
    checks.add("agency", f.string_typed_problem(agency))
    if not isinstance(agency, str):
        return
    config = current_app.config
    if agency.isdigit() and agency != config["QA_DEQAR_AGENCY_ID"]:
        checks.add("agency", "Please provide valid Agency DEQAR ID.")
    elif not agency.isdigit() and agency.lower() not in {config["QA_DEQAR_AGENCY"].lower()}:
        checks.add("agency", "Please provide valid Agency Acronym.")
    for index, contributing in enumerate(checks.items(report, "contributing_agencies", "")):
        checks.add(f"contributing_agencies[{index}]", f.string_typed_problem(contributing))


def _check_activity(checks: _Checks, path: str, activity: dict) -> None:
    """Rule 2: exactly one of id, local_identifier or group; an id is digits (a JSON string or integer)."""
    given = [key for key in ("id", "local_identifier", "group") if activity.get(key) is not None]
    item = path.rstrip(".")
    if not given:
        checks.add(item, "Either ESG Activity ID, ESG Activity local identifier or ESG Activity Group is needed.")
    pairs = {("id", "local_identifier"): "You cannot submit both ESG Activity ID and ESG Activity local identifier.",
             ("id", "group"): "You cannot submit both ESG Activity ID and ESG Activity Group.",
             ("local_identifier", "group"): "You cannot submit both ESG Activity local identifier and ESG Activity "
                                            "Group."}
    for (first, second), message in pairs.items():
        if first in given and second in given:
            checks.add(item, message)
            break
    if "id" in given and (isinstance(activity["id"], bool) or not str(activity["id"]).isdigit()):
        checks.add(f"{path}id", "Please provide ESG Activity ID as an integer or string.")
    if "agency" in activity:
        checks.add(f"{path}agency", f.string_typed_problem(activity["agency"]))


def _check_link(checks: _Checks, path: str, link: dict) -> None:
    if "link" not in link:
        checks.add(f"{path}link", f.REQUIRED)
    else:
        checks.add(f"{path}link", f.url_problem(link["link"], 255))
    checks.char(link, "link_display_name", path, max_length=200)


def _check_report_file(checks: _Checks, path: str, report_file: dict) -> None:
    """Rule 7 and the file fields: exactly one of file / original_location, a file name with a file, languages."""
    if "original_location" in report_file:
        checks.add(f"{path}original_location", f.url_problem(report_file["original_location"], 500))
    checks.char(report_file, "display_name", path, max_length=255)
    checks.char(report_file, "file_name", path, max_length=255, allow_blank=True)
    for index, language in enumerate(checks.items(report_file, "report_language", path, required=True)):
        problem = f.string_typed_problem(language)
        if problem is None and not is_language_code(language):
            problem = "Please provide valid language code."
        checks.add(f"{path}report_language[{index}]", problem)
    item = path.rstrip(".")
    has_file, has_location = bool(report_file.get("file")), bool(report_file.get("original_location"))
    if has_file and not report_file.get("file_name"):
        checks.add(item, "Please provide a file name for the uploaded file.")
    if has_file and has_location:
        checks.add(item, "You cannot submit both a file and an original_location URL.")
    if not has_file and not has_location:
        checks.add(item, "Either file or original_location URL is required.")
    if has_file:
        checks.add(f"{path}file", f.pdf_base64_problem(report_file["file"]))


def _check_institution(checks: _Checks, path: str, institution: dict) -> None:
    """Rule 3: identified by a DEQAR id (DEQARINSTnnnn), an ETER id or an identifier."""
    for key, max_length in (("deqar_id", 25), ("eter_id", 15), ("identifier", 50), ("resource", 200)):
        checks.char(institution, key, path, max_length=max_length)
    deqar_id = institution.get("deqar_id")
    if isinstance(deqar_id, str) and not DEQAR_INSTITUTION_ID.match(deqar_id):
        checks.add(f"{path}deqar_id", "Please provide valid DEQAR ID.")
    if not any(institution.get(key) not in (None, "") for key in ("deqar_id", "eter_id", "identifier")):
        checks.add(path.rstrip("."), "This report cannot be linked to an institution. It is missing either a valid "
                                     "ETER ID, DEQAR ID, or local identifier.")


def _check_programme(checks: _Checks, path: str, programme: dict) -> None:
    """The programme's fields, rule 5 (identifiers) and rule 6 (the micro-credential trio)."""
    identifiers = checks.objects(programme, "identifiers", path)
    for item_path, identifier in identifiers:
        checks.char(identifier, "identifier", item_path, max_length=50, required=True)
        checks.char(identifier, "resource", item_path, max_length=200)
    without_resource = sum(1 for _, identifier in identifiers if "resource" not in identifier)
    resources = [identifier["resource"] for _, identifier in identifiers if "resource" in identifier]
    if without_resource > 1:
        checks.add(f"{path}identifiers", "You can only submit one identifier without resource.")
    elif len(resources) != len(set(map(str, resources))):
        checks.add(f"{path}identifiers", "You can only submit different type of resources.")
    checks.char(programme, "name_primary", path, max_length=255, required=True)
    checks.char(programme, "qualification_primary", path, max_length=255)
    for item_path, name in checks.objects(programme, "alternative_names", path):
        checks.char(name, "name_alternative", item_path, max_length=200, required=True)
        checks.char(name, "qualification_alternative", item_path, max_length=200)
    for index, country in enumerate(checks.items(programme, "countries", path)):
        checks.add(f"{path}countries[{index}]", _country_problem(country))
    checks.char(programme, "nqf_level", path, max_length=255)
    checks.char(programme, "learning_outcome_description", path)
    for index, uri in enumerate(checks.items(programme, "learning_outcomes", path)):
        checks.add(f"{path}learning_outcomes[{index}]", f.esco_problem(uri))
    if "field_study" in programme:
        checks.add(f"{path}field_study", f.isced_problem(programme["field_study"]))
    degree_outcome = programme.get("degree_outcome")
    checks.add(f"{path}degree_outcome", f.REQUIRED if "degree_outcome" not in programme
               else f.degree_outcome_problem(degree_outcome))
    for key in ("workload_ects", "assessment_certification", "qf_ehea_level"):
        if key in programme and programme[key] is None:
            checks.add(f"{path}{key}", f.NOT_NULL)
    if programme.get("workload_ects") is not None:
        checks.add(f"{path}workload_ects", f.integer_problem(programme["workload_ects"]))
    if programme.get("assessment_certification") is not None:
        _check_vocabulary(checks, programme, "assessment_certification", path, ASSESSMENTS,
                          "Please provide valid Assessment ID.", "Please provide valid assessment name.")
    micro_credential = f.is_no_full_degree(degree_outcome)
    if programme.get("qf_ehea_level") is not None:
        _check_vocabulary(checks, programme, "qf_ehea_level", path, QF_EHEA_LEVELS,
                          "Please provide valid QF EHEA ID.", "Please provide valid QF EHEA level.")
    elif "qf_ehea_level" not in programme and not micro_credential:
        checks.add(f"{path}qf_ehea_level", f.REQUIRED)  # required for every programme since v2
    if micro_credential:
        _check_micro_credential_trio(checks, path, programme)


def _check_micro_credential_trio(checks: _Checks, path: str, programme: dict) -> None:
    """Rule 6 (validate_programmes.py): degree_outcome 2 needs workload_ects, assessment_certification and
    qf_ehea_level; DEQAR tests each with `not value`, so 0 and "" count as missing (null is refused before)."""
    messages = {
        "workload_ects": "ECTS credits are required, when degree_outcome field is '2 / no full degree'",
        "assessment_certification": "Assessment information is required, when degree_outcome field is "
                                    "'2 / no full degree'.",
        "qf_ehea_level": "QF-EHEA Level information is required, when degree_outcome field is '2 / no full degree'.",
    }
    for key, message in messages.items():
        value = programme.get(key)
        if key in programme and value is None:
            continue
        missing = not value or (key == "workload_ects" and f.integer_value(value) == 0)
        checks.add(f"{path}{key}", message if missing else None)


def _country_problem(value):
    """CountryField: a string of two (ISO 3166 alpha-2) or three (alpha-3) letters naming a country."""
    problem = f.string_typed_problem(value)
    if problem:
        return problem
    code = value.upper()
    if len(code) == 2 and code in countries():
        return None
    if len(code) == 3 and code.isalpha():  # no alpha-3 list ships with us: any three letters pass
        return None
    return "Please provide valid country code."


def _parsed_dates(report: dict) -> tuple[datetime | None, datetime | None, bool]:
    """valid_from and valid_to parsed with date_format, and whether the format fitted (rule 4)."""
    date_format, valid_from, valid_to = (report.get(key) for key in ("date_format", "valid_from", "valid_to"))
    if not all(isinstance(value, str) for value in (date_format, valid_from)):
        return None, None, True  # already reported as a field problem
    try:
        start = datetime.strptime(valid_from, date_format)
        end = datetime.strptime(valid_to, date_format) if isinstance(valid_to, str) and valid_to else None
    except ValueError:
        return None, None, False
    return start, end, True


def _check_root(checks: _Checks, report: dict, institutions: list[dict], platforms: list[dict],
                programmes: list[dict], other_providers) -> None:
    """Rules 4, 8, 9, 11, 13 and 14, reported under non_field_errors as DEQAR does."""
    start, end, format_fits = _parsed_dates(report)
    if not format_fits:
        checks.add(NON_FIELD, "Date format string is not applicable to the submitted date.")
    if start and end and start >= end:
        checks.add(NON_FIELD, "Report's validity start should be earlier then validity end.")
    activities = [item for item in report.get("activities") or [] if isinstance(item, dict)]
    _check_agency_activities(checks, report, activities)
    if activities:  # every activity we submit to is programme-type (QA_DEQAR_ACTIVITY_ID)
        if len(institutions) > 1:
            checks.add(NON_FIELD, "Please provide only one institution with this particular Activity type.")
        if not programmes:
            checks.add(NON_FIELD, "Please provide at least one programme with this particular Activity type.")
    keys = {_institution_key(item) for item in institutions} - {None}
    if any(_institution_key(platform) in keys for platform in platforms):
        checks.add(NON_FIELD, "An institution cannot also be a platform.")
    if institutions and all(_institution_key(item) in other_providers for item in institutions):
        if not isinstance(report.get("status"), str) or report["status"].lower() not in ("2", "voluntary"):
            checks.add(NON_FIELD, "Status should be 'voluntary' if all organisations are other providers.")
        if any(not f.is_no_full_degree(programme.get("degree_outcome")) for programme in programmes):
            checks.add(NON_FIELD, "Degree outcome should be '2 / no full degree' if all the organisations are other "
                                  "providers")


def _check_agency_activities(checks: _Checks, report: dict, activities: list[dict]) -> None:
    """Rule 8: the agency and each contributing agency have an activity (an activity without `agency` is the main
    agency's; a group without `agency` expands to every agency's activities of the group)."""
    def covers(activity: dict, agency_key: str | None, default=None) -> bool:
        if activity.get("group") is not None and "agency" not in activity:
            return True
        return _agency_key(activity.get("agency", default)) == agency_key

    main = report.get("agency")
    if isinstance(report.get("activities"), list) and not any(
            covers(activity, _agency_key(main), default=main) for activity in activities):
        checks.add(NON_FIELD, "Please provide at least one activity for the agency.")
    contributing = report.get("contributing_agencies")
    for agency in contributing if isinstance(contributing, list) else []:
        if isinstance(agency, str) and not any(covers(activity, _agency_key(agency)) for activity in activities):
            checks.add(NON_FIELD, "Please provide at least one activity for the contributing agency.")


def _agency_key(agency) -> str | None:
    """One key per agency however it is named: our acronym (any case) and our DEQAR id are the same agency."""
    if not isinstance(agency, str):
        return None
    config = current_app.config
    if agency.lower() == config["QA_DEQAR_AGENCY"].lower() or agency == config["QA_DEQAR_AGENCY_ID"]:
        return "main"
    return agency.lower()


def _institution_key(institution: dict) -> str | None:
    """The id DEQAR would resolve the institution by: its DEQAR id, else its ETER id."""
    return institution.get("deqar_id") or institution.get("eter_id")
