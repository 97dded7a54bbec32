"""JSON Schema (2020-12) of every body the API serves, as OpenAPI 3.1 components.

Each object schema lists exactly the keys its serializer writes (all required, no others allowed), so a field
added to or dropped from a serializer without its schema fails the tests that check real responses."""
from qa_portal.decisions.models import AppealOutcome
from qa_portal.pilots.models import (
    PUBLIC_SPECIFICATION_STATUSES, AssessmentType, CertificateType, DeqarDecision, InstitutionType, LearningMode,
    OutcomeKind, ParticipationForm, PublicQaStatus, QfEheaCycle, SpecificationStatus, Stackability, Supervision,
)
from qa_portal.registry.services.deqar.vocabulary import ASSESSMENTS, QF_EHEA_LEVELS, REPORT_STATUSES
from qa_portal.standards.models import PUBLISHED_STATUSES, VersionStatus


def ref(name: str) -> dict:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """The schema, or null."""
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    kind = schema["type"]
    result = dict(schema, type=[kind, "null"] if isinstance(kind, str) else [*kind, "null"])
    if "enum" in result:
        result["enum"] = [*result["enum"], None]
    return result


def string(description: str = "", **keywords) -> dict:
    """A string, with optional format/pattern/enum keywords."""
    return {"type": "string", **({"description": description} if description else {}), **keywords}


def integer(description: str = "", **keywords) -> dict:
    """An integer schema, with its description and any further keywords (minimum, …)."""
    return {"type": "integer", **({"description": description} if description else {}), **keywords}


def boolean(description: str = "") -> dict:
    """A boolean schema with its description."""
    return {"type": "boolean", **({"description": description} if description else {})}


def array(items: dict, description: str = "") -> dict:
    """An array schema of the given items with its description."""
    return {"type": "array", "items": items, **({"description": description} if description else {})}


def values(enum_class, description: str = "", only=None) -> dict:
    """A string restricted to an enum's stored values (or the subset `only`)."""
    members = only if only is not None else list(enum_class)
    return string(description, enum=[member.value for member in members])


def obj(properties: dict, description: str = "", optional: tuple = ()) -> dict:
    """A closed object: every property required (unless named in optional), no others allowed."""
    schema = {"type": "object", "additionalProperties": False,
              "required": [name for name in properties if name not in optional], "properties": properties}
    if description:
        schema["description"] = description
    return schema


URL = string(format="uri")
DATE = string("ISO date, YYYY-MM-DD.", format="date")
TIME = string("ISO 8601 time in UTC ending in Z, to the second.", format="date-time")
ID = integer(minimum=1)
NULLABLE_TEXT = nullable(string())

ERROR = obj({
    "error": obj({
        "code": string("Stable machine-readable code, e.g. invalid_cursor, invalid_date, not_found, rate_limited."),
        "message": string("A readable explanation (English)."),
        "details": {"type": "object", "description": "What was refused: the parameter and value, the allowed ones."},
    }),
}, "The one error shape of every 4xx and 5xx answer.")

INDEX = obj({
    "api": string(),
    "version": string(enum=["v1"]),
    "self": URL,
    "resources": array(URL, "The URL of every collection the API serves."),
})


def list_page(item: str) -> dict:
    """A page of a cursor-paginated list of `item` objects."""
    return obj({
        "data": array(ref(item)),
        "limit": integer("The page size used.", minimum=1, maximum=500),
        "next": nullable(string("Opaque cursor of the next page; null on the last page.")),
        "next_url": nullable(string("This request's URL with the next page's cursor; null on the last page.",
                                    format="uri")),
    }, f"One page of {item} objects in ascending id order.")


INSTITUTION_PROPERTIES = {
    "id": ID,
    "url": URL,
    "name_en": string(),
    "name_hy": NULLABLE_TEXT,
    "acronym": string(),
    "type": nullable(values(InstitutionType)),
    "country": nullable(string("ISO 3166-1 alpha-2.", pattern="^[A-Z]{2}$")),
    "national_id": NULLABLE_TEXT,
    "website": NULLABLE_TEXT,
    "deqar_id": nullable(string("DEQAR institution id.", pattern="^DEQARINST[0-9]+$")),
    "eter_id": NULLABLE_TEXT,
}
INSTITUTION = obj(INSTITUTION_PROPERTIES,
                  "An institution's public facts (embedded in decisions and micro-credentials).")
INSTITUTION_DETAIL = obj(INSTITUTION_PROPERTIES | {
    "updated_at": TIME,
    "micro_credentials": obj({"count": integer(minimum=0), "url": URL},
                             "How many published micro-credentials it has, and the list of them."),
    "decisions": obj({"count": integer(minimum=0), "url": URL},
                     "How many published decisions it has, and the list of them."),
}, "An institution with links to its published micro-credentials and decisions.")

# A published decision's standing today, derived from the decisions and appeals (never stored): superseded by a later
# published decision, under appeal, in force negative (not_quality_assured), expired, or in force (quality_assured).
STANDING = string("The decision's standing today, derived from the decisions, appeals and validity.",
                  enum=["superseded", "under_appeal", "not_quality_assured", "expired", "quality_assured"])

QA_DECISION = obj({
    "id": ID,
    "url": URL,
    "page_url": URL,
    "outcome": string("The outcome's code in its scheme."),
    "outcome_kind": values(OutcomeKind),
    "published_at": TIME,
    "status": STANDING,
    "superseded_by": nullable(string("The API URL of the published decision that replaced it.", format="uri")),
})

SPECIFICATION_ELEMENTS = obj({
    "title_en": string(),
    "title_hy": NULLABLE_TEXT,
    "awarding_bodies": array(string()),
    "issuer_countries": array(string()),
    "short_description": NULLABLE_TEXT,
    "learning_outcomes": array(obj({
        "position": integer(),
        "statement": string(),
        "esco_uris": array(string(format="uri")),
    })),
    "ects": nullable({"type": "number", "minimum": 0}),
    "ects_override_reason": NULLABLE_TEXT,
    "notional_hours": nullable(integer()),
    "eqf_level": nullable(integer(minimum=1, maximum=8)),
    "eqf_not_applicable": nullable(boolean()),
    "nqf_level": nullable(integer()),
    "qf_ehea_cycle": nullable(values(QfEheaCycle)),
    "isced_f": nullable(obj({"code": string(pattern="^[0-9]{2,4}$"), "name": NULLABLE_TEXT})),
    "assessment_type": nullable(values(AssessmentType)),
    "assessment_details": NULLABLE_TEXT,
    "participation_form": nullable(values(ParticipationForm)),
    "learning_mode": nullable(values(LearningMode)),
    "supervision": nullable(values(Supervision)),
    "grading_scale": NULLABLE_TEXT,
    "certificate_type": nullable(values(CertificateType)),
    "prerequisites": NULLABLE_TEXT,
    "stackability": nullable(values(Stackability)),
    "stackable_towards": NULLABLE_TEXT,
    "further_learning": NULLABLE_TEXT,
    "languages": array(string()),
    "quality_assurance": NULLABLE_TEXT,
    "valid_from": nullable(DATE),
    "valid_to": nullable(DATE),
}, "Every element of the EU Council Recommendation (Annex I) one published version holds.")

MICRO_CREDENTIAL = obj({
    "id": ID,
    "url": URL,
    "page_url": URL,
    "institution": ref("Institution"),
    "version": integer("Number of the latest published version.", minimum=1),
    "elements": ref("SpecificationElements"),
    "versions": array(obj({
        "number": integer(minimum=1),
        "status": values(SpecificationStatus, only=PUBLIC_SPECIFICATION_STATUSES),
        "published_at": nullable(TIME),
        "withdrawn_at": nullable(TIME),
        "page_url": URL,
    }), "Public versions, oldest first (drafts never)."),
    "qa_status": obj({
        "status": values(PublicQaStatus, "Derived, never stored: the standing of the latest published decision on it "
                                         "(quality-assured, not quality-assured, expired, under appeal), else how "
                                         "far its review has come."),
        "decision": nullable(ref("QaDecision")),
        "history": array(ref("QaDecision"), "Its published decisions, oldest first, each with its standing and "
                                            "the decision that replaced it."),
    }),
    "decisions": array(URL, "API URLs of its published decisions, oldest first."),
    "updated_at": TIME,
}, "A published micro-credential: its latest published version's elements, versions and QA status.")

STANDARD_VERSION = obj({
    "id": ID,
    "url": URL,
    "page_url": URL,
    "pdf_url": URL,
    "set": obj({"code": string(), "title_en": string(), "title_hy": NULLABLE_TEXT, "description": NULLABLE_TEXT}),
    "number": integer(minimum=1),
    "status": values(VersionStatus, only=sorted(PUBLISHED_STATUSES | {VersionStatus.WITHDRAWN})),
    "approved_at": nullable(TIME),
    "superseded_at": nullable(TIME),
    "withdrawn_at": nullable(TIME),
    "withdrawn_reason": NULLABLE_TEXT,
    "change_note": NULLABLE_TEXT,
    "decision_rule": NULLABLE_TEXT,
    "standards": array(obj({
        "code": string(),
        "title": string(),
        "statement": NULLABLE_TEXT,
        "guidelines": NULLABLE_TEXT,
        "esg_refs": array(string(), "ESG 2015 Part 1 references."),
        "principle_refs": array(integer(), "Council Recommendation Annex II principles."),
        "criteria": array(obj({
            "code": string(), "text": string(), "expected_evidence": NULLABLE_TEXT, "mandatory": boolean(),
        })),
    })),
    "compliance_scale": array(obj({
        "code": string(), "label": string(), "description": NULLABLE_TEXT, "not_applicable": boolean(),
    })),
    "updated_at": TIME,
}, "An approved (or later superseded or withdrawn) standard-set version with its standards and criteria.")

LINKED_DECISION = obj({"id": ID, "url": URL, "page_url": URL, "published_at": TIME},
                      "A published decision this one replaces or is replaced by.")

DECISION = obj({
    "id": ID,
    "url": URL,
    "case_reference": string("The review case's reference (also the DEQAR local identifier of its first decision)."),
    "institution": ref("Institution"),
    "specifications": array(obj({
        "id": integer("The micro-credential's id.", minimum=1),
        "version": integer("The reviewed version's number.", minimum=1),
        "title_en": string(),
        "title_hy": NULLABLE_TEXT,
        "status": values(SpecificationStatus, only=PUBLIC_SPECIFICATION_STATUSES),
        "url": nullable(string("The micro-credential's API URL while it is published.", format="uri")),
        "page_url": URL,
    }), "The public specification versions the review covered."),
    "outcome": obj({
        "code": string("The outcome's code in its scheme."),
        "label_en": string(),
        "label_hy": NULLABLE_TEXT,
        "kind": values(OutcomeKind),
        "scheme": string("The outcome scheme's code."),
        "deqar_decision": values(DeqarDecision, "The DEQAR decision value."),
    }),
    "status": STANDING,
    "valid_from": nullable(DATE),
    "valid_to": nullable(DATE),
    "meeting_date": DATE,
    "institution_heard": boolean("Whether the institution was heard before the decision."),
    "reasons": string("The council's reasons."),
    "criteria_cited": array(string(), "Codes of the criteria the reasons cite."),
    "conditions": array(obj({
        "number": integer(minimum=1),
        "text": string(),
        "due_date": DATE,
        "status": string("Follow-up status.", enum=["open", "reported", "met", "not_met"]),
        "overdue": boolean("Past its due date and not met."),
    })),
    "appeal": nullable(obj({
        "status": string(enum=["under_appeal", "inadmissible", "upheld", "returned_for_reconsideration"]),
        "outcome": nullable(values(AppealOutcome)),
        "lodged_on": DATE,
        "decided_on": nullable(DATE),
    }, "An appeal's status and dates (never its grounds, statement or documents).")),
    "appeal_deadline": DATE,
    "supersedes": nullable(ref("LinkedDecision")),
    "superseded_by": nullable(ref("LinkedDecision")),
    "urls": obj({
        "self": URL,
        "public_page": URL,
        "letter_pdf": URL,
        "report_pdf": nullable(URL),
    }),
    "published_at": TIME,
    "updated_at": string("Latest change to the public record (publication, a condition's status, the appeal, a "
                         "later decision); updated_since filters on it.", format="date-time"),
}, "A published decision of the council, as its public register page shows it.")

DEQAR_PROGRAMME = obj({
    "identifiers": array(obj({"identifier": string(maxLength=50), "resource": string(maxLength=200)},
                             optional=("resource",)), ""),
    "name_primary": string(maxLength=255),
    "alternative_names": array(obj({"name_alternative": string(maxLength=200),
                                    "qualification_alternative": string(maxLength=200)},
                                   optional=("qualification_alternative",))),
    "countries": array(string(pattern="^[A-Z]{2,3}$")),
    "qf_ehea_level": string(enum=list(QF_EHEA_LEVELS.values())),
    "nqf_level": string(maxLength=255),
    "degree_outcome": string("2: no full degree (a micro-credential).", enum=["2"]),
    "workload_ects": integer("Whole ECTS credits.", minimum=0),
    "assessment_certification": string(enum=list(ASSESSMENTS)),
    "learning_outcomes": array(string("An ESCO skill URI.", pattern="http://data.europa.eu/esco/")),
    "learning_outcome_description": string(),
    "field_study": string("ISCED-F 2013 code.", pattern="^[0-9]{1,4}$"),
}, "A reviewed micro-credential as a DEQAR programme; a value we lack is left out.",
    optional=("alternative_names", "countries", "qf_ehea_level", "nqf_level", "workload_ects",
              "assessment_certification", "learning_outcomes", "learning_outcome_description", "field_study"))

DEQAR_REPORT = obj({
    "agency": string("The agency's DEQAR acronym or id."),
    "local_identifier": string(maxLength=255),
    "activities": array(obj({"id": string(pattern="^[0-9]+$")}), ""),
    "status": string(enum=list(REPORT_STATUSES.values())),
    "decision": values(DeqarDecision),
    "summary": string(),
    "valid_from": string(maxLength=20, format="date"),
    "valid_to": nullable(string(maxLength=20, format="date")),
    "date_format": string(enum=["%Y-%m-%d"]),
    "institutions": array(obj({"deqar_id": string(maxLength=25), "eter_id": string(maxLength=15)},
                              optional=("deqar_id", "eter_id")), ""),
    "report_files": array(obj({"original_location": string(maxLength=500, format="uri"),
                               "display_name": string(maxLength=255),
                               "report_language": array(string(pattern="^[a-z]{2,3}$"))})),
    "report_links": array(obj({"link": string(maxLength=255, format="uri"),
                               "link_display_name": string(maxLength=200)})),
    "programmes": array(ref("DeqarProgramme")),
}, "A DEQAR Submission API v2 report object (POST /submissionapi/v2/submit/report), exactly as DEQAR accepts it.")

DEQAR_PROBLEM = obj({"field": string("The field's path in the report, or non_field_errors."),
                     "message": string("DEQAR's message.")})

DEQAR_REPORT_ENTRY = obj({
    "local_identifier": string(),
    "decision_id": ID,
    "valid": boolean("Whether DEQAR's rules accept the report."),
    "report": nullable(ref("DeqarReport")),
    "problems": array(ref("DeqarProblem"), "Why DEQAR would refuse it (empty when valid)."),
}, "A published decision's DEQAR report when valid, else null and the problems.")

SCHEMAS = {
    "Error": ERROR,
    "Index": INDEX,
    "Institution": INSTITUTION,
    "InstitutionDetail": INSTITUTION_DETAIL,
    "InstitutionList": list_page("InstitutionDetail"),
    "QaDecision": QA_DECISION,
    "SpecificationElements": SPECIFICATION_ELEMENTS,
    "MicroCredential": MICRO_CREDENTIAL,
    "MicroCredentialList": list_page("MicroCredential"),
    "StandardVersion": STANDARD_VERSION,
    "StandardVersionList": list_page("StandardVersion"),
    "LinkedDecision": LINKED_DECISION,
    "Decision": DECISION,
    "DecisionList": list_page("Decision"),
    "DeqarProgramme": DEQAR_PROGRAMME,
    "DeqarReport": DEQAR_REPORT,
    "DeqarProblem": DEQAR_PROBLEM,
    "DeqarReportEntry": DEQAR_REPORT_ENTRY,
    "DeqarReportList": list_page("DeqarReportEntry"),
}

# Bodies that are not JSON objects of our own: the OpenAPI document itself, the HTML docs page and the streams.
SCHEMAS |= {
    "OpenApiDocument": {"type": "object", "required": ["openapi", "info", "paths", "components"],
                        "properties": {"openapi": {"const": "3.1.0"}},
                        "description": "This document (OpenAPI 3.1)."},
    "HtmlPage": string("An HTML page."),
    "NdjsonStream": string("Newline-delimited JSON: one Decision object per line (x-line-schema), UTF-8."),
    "CsvStream": string("UTF-8 CSV with a header row; one row per decision and specification covered."),
}
