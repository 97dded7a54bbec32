"""A published decision as a DEQAR Submission API v2 report object (reference/deqar.md §1–§3, §6): the same field
names, DEQAR's string-typed vocabulary values, our agency and activity from settings, and one programme per public
specification version the case reviewed. Values we lack are left out, never invented, so rules.py reports them."""
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from qa_portal.core.urls import public_url
from qa_portal.decisions.models import Decision
from qa_portal.decisions.services.register import public_specifications
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, InstitutionType, SpecificationVersion
from qa_portal.registry.services.deqar.rules import Problem, report_problems
from qa_portal.registry.services.deqar.vocabulary import ASSESSMENT_OF_CERTIFICATE, QF_EHEA_LEVEL_OF_CYCLE

__all__ = ["deqar_report", "checked_report", "local_identifier", "decision_sequences", "DATE_FORMAT",
           "LATER_DECISION_MARK"]

DATE_FORMAT = "%Y-%m-%d"
LATER_DECISION_MARK = "-D"  # MC-2026-001 is a case's first decision, MC-2026-001-D2 its second, ...
REPORT_FILE_LANGUAGE = "en"  # the language the register renders both PDFs in for DEQAR's harvester


def local_identifier(decision: Decision, sequence: int) -> str:
    """Stable and unique per decision: the case reference for the case's first decision, the reference plus
    "-D<n>" for its n-th (decisions are never deleted and numbered in the order they were recorded)."""
    reference = decision.case.reference
    return reference if sequence == 1 else f"{reference}{LATER_DECISION_MARK}{sequence}"


def decision_sequences(decisions: list[Decision]) -> dict[int, int]:
    """Each decision's position among its case's recorded decisions (1 for the first), in one query for a page."""
    case_ids = {decision.case_id for decision in decisions}
    if not case_ids:
        return {}
    rows = db.session.execute(select(Decision.id, Decision.case_id).where(Decision.case_id.in_(case_ids))
                              .order_by(Decision.case_id, Decision.id))
    positions, counts = {}, {}
    for decision_id, case_id in rows:
        counts[case_id] = counts.get(case_id, 0) + 1
        positions[decision_id] = counts[case_id]
    return positions


def _report_files(decision: Decision) -> list[dict]:
    """The published panel report (when the register serves it) and the decision letter, as PDF URLs. Both PDFs are
    rendered in English for a client without a language preference (DEQAR's harvester): DEQAR reads report_language
    as the language of the file's text, so it is ["en"]; the institution's Armenian name printed on the cover (a
    score of Armenian letters) does not make an Armenian report."""
    languages = [REPORT_FILE_LANGUAGE]
    files = []
    if "decisions.register_report" in current_app.view_functions:
        files.append({"original_location": public_url("decisions.register_report", decision_id=decision.id),
                      "display_name": "Expert panel report", "report_language": languages})
    files.append({"original_location": public_url("decisions.register_letter", decision_id=decision.id),
                  "display_name": "QA decision letter", "report_language": languages})
    return files


def _institution(institution: Institution) -> dict:
    """The provider by its DEQAR id alone when it has one, else by its ETER id; with neither the object is empty
    (rule 3). DEQAR looks up both ids it is given and refuses the report when they name different institutions, so the
    ETER id is sent only in place of a DEQAR id."""
    if institution.deqar_id:
        return {"deqar_id": institution.deqar_id}
    return {"eter_id": institution.eter_id} if institution.eter_id else {}


def _workload(ects: Decimal | None) -> int | float | None:
    """Whole ECTS as an integer; fractional ECTS as the number it is, which DEQAR refuses (rule: integers only)."""
    if ects is None:
        return None
    return int(ects) if ects == ects.to_integral_value() else float(ects)


def _programme(version: SpecificationVersion, provider_country: str | None) -> dict:
    """One reviewed specification version as a DEQAR micro-credential programme (degree_outcome "2")."""
    outcomes = version.outcomes
    uris = list(dict.fromkeys(uri for outcome in outcomes for uri in outcome.esco_uris or []))
    programme = {
        "identifiers": [{"identifier": f"MC{version.micro_credential_id}-v{version.number}",
                         "resource": "local identifier"}],
        "name_primary": version.title_en,
        "alternative_names": [{"name_alternative": version.title_hy}] if version.title_hy else None,
        "countries": (list(version.issuer_countries)
                      if version.issuer_countries and version.issuer_countries != [provider_country] else None),
        "qf_ehea_level": QF_EHEA_LEVEL_OF_CYCLE.get(version.qf_ehea_cycle),
        "nqf_level": f"level {version.nqf_level}" if version.nqf_level else None,
        "degree_outcome": "2",
        "workload_ects": _workload(version.ects),
        "assessment_certification": ASSESSMENT_OF_CERTIFICATE.get(version.certificate_type),
        "learning_outcomes": uris or None,
        "learning_outcome_description": "\n".join(outcome.statement for outcome in outcomes) or None,
        "field_study": version.isced_f_code or None,
    }
    return {key: value for key, value in programme.items() if value is not None}


def _summary(decision: Decision) -> str:
    """The outcome, the conditions set and the council's reasons, as the public register shows them."""
    parts = [f"{decision.outcome.label_en}."]
    if decision.conditions:
        parts.append(f"Conditions: {len(decision.conditions)}.")
    parts.append(decision.reasons.strip())
    return " ".join(parts)


def _valid_to(decision: Decision) -> date | None:
    """The end of the decision's validity in DEQAR: its own, or — once a published decision replaced it — the day the
    replacement takes effect (its validity start, or its council meeting for a negative one), whichever is earlier.
    A replacement effective on or before the decision's own start leaves it no valid period: DEQAR's rule 4 then
    refuses the object, so it is never served as current."""
    replacing = decision.superseded_by
    if replacing is None or replacing.published_at is None:
        return decision.valid_to
    takes_effect = replacing.valid_from or replacing.meeting_date
    return min(decision.valid_to, takes_effect) if decision.valid_to else takes_effect


def deqar_report(decision: Decision, sequence: int | None = None) -> dict:
    """The DEQAR v2 report object of a published decision; sequence is its position in its case (queried when
    omitted). A negative decision has no validity: it is valid from its council meeting, with no end date until a
    later decision replaces it."""
    if sequence is None:
        sequence = decision_sequences([decision])[decision.id]
    config = current_app.config
    institution, valid_to = decision.case.institution, _valid_to(decision)
    report = {
        "agency": config["QA_DEQAR_AGENCY"],
        "local_identifier": local_identifier(decision, sequence),
        "activities": [{"id": config["QA_DEQAR_ACTIVITY_ID"]}],
        "status": config["QA_DEQAR_REPORT_STATUS"],
        "decision": str(decision.outcome.deqar_decision),
        "summary": _summary(decision),
        "valid_from": (decision.valid_from or decision.meeting_date).strftime(DATE_FORMAT),
        "valid_to": valid_to.strftime(DATE_FORMAT) if valid_to else None,
        "date_format": DATE_FORMAT,
        "institutions": [_institution(institution)],
        "report_files": _report_files(decision),
        "report_links": [{"link": public_url("decisions.register_decision", decision_id=decision.id),
                          "link_display_name": "Decision record on agency website"}],
        "programmes": [_programme(version, institution.country) for version in public_specifications(decision.case)],
    }
    return report


def checked_report(decision: Decision, sequence: int | None = None) -> tuple[dict, list[Problem]]:
    """The report and every problem DEQAR would raise with it (rule 14 knows whether the provider is an HEI)."""
    report = deqar_report(decision, sequence)
    institution = decision.case.institution
    others = ({institution.deqar_id or institution.eter_id}
              if institution.institution_type == InstitutionType.OTHER_PROVIDER else set())
    return report, report_problems(report, other_providers=others - {None})
