"""JSON shape of a published decision: what the public register's decision page shows, as data.

Public, as on the register: institution, reviewed specification versions the public may read, outcome (code, labels,
DEQAR value), validity, council meeting, whether the institution was heard, the council's reasons and criteria cited, conditions
with their status (open / reported / met / not met, overdue), the appeal's status and dates, the decision it replaced
and the one replacing it, the letter and panel-report PDFs. Never: the institution's condition reports, the officer's
verdict reasons, the appeal's grounds, statement, documents or admissibility reasons, or who decided or published.

Each function reads only what published_decisions() loaded: no function here runs a query."""
from datetime import date, datetime, timedelta

from flask import current_app, g, has_request_context, request

from qa_portal.core.urls import public_url
from qa_portal.decisions.services.follow_up import condition_status, is_overdue
from qa_portal.decisions.models import Admissibility, Appeal, AppealOutcome, Decision, DecisionCondition
from qa_portal.pilots.models import Outcome, SpecificationStatus, SpecificationVersion
from qa_portal.registry.services.serializers.catalogue import institution_json, iso_time

__all__ = ["decision_json", "outcome_json", "decision_updated_at_of", "appeal_status", "DecisionUrls", "REPORT_ENDPOINT"]

# The register's panel-report PDF (decisions/views/register.py).
REPORT_ENDPOINT = "decisions.register_report"


def _iso_date(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _template(endpoint: str, *names: str) -> str:
    """public_url(endpoint, ...) as a str.format template over the named integer arguments."""
    placeholders = {name: 9_000_000_001 + index for index, name in enumerate(names)}
    template = public_url(endpoint, **placeholders).replace("{", "{{").replace("}", "}}")
    for name, placeholder in placeholders.items():
        template = template.replace(str(placeholder), "{%s}" % name)
    return template


class DecisionUrls:
    """The URLs a decision's JSON gives, formatted from templates built once per request: building a URL costs tens of
    microseconds, and an export builds about ten URLs for each of 100k decisions."""

    def __init__(self) -> None:
        self.detail = _template("registry.decision_detail", "decision_id")
        self.page = _template("decisions.register_decision", "decision_id")
        self.letter = _template("decisions.register_letter", "decision_id")
        # The register's panel-report PDF; every published decision has one (publication needs the final report's
        # frozen version, rule D6).
        self.report = (_template(REPORT_ENDPOINT, "decision_id") if REPORT_ENDPOINT in current_app.view_functions
                       else None)
        self.micro_credential = _template("registry.micro_credential_detail", "specification_id")
        self.catalogue = _template("pilots.catalogue_version", "credential_id", "number")
        self.appeal_window = timedelta(days=current_app.config["QA_APPEAL_WINDOW_DAYS"])

    @classmethod
    def current(cls) -> "DecisionUrls":
        """This request's templates, built on first use and kept in the request's WSGI environ (which lives exactly
        as long as the request, whatever app context surrounds it)."""
        if not has_request_context():
            return cls()
        urls = request.environ.get("qa_portal.decision_urls")
        if urls is None:
            urls = request.environ["qa_portal.decision_urls"] = cls()
        return urls


def _institution_json(institution) -> dict:
    """institution_json, memoised by id for the length of an export when the exporter asks for it
    (g.registry_institutions; one entry per institution, however many decisions)."""
    memo = g.get("registry_institutions")
    if memo is None:
        return institution_json(institution)
    found = memo.get(institution.id)
    if found is None:
        found = memo[institution.id] = institution_json(institution)
    return found


def decision_updated_at_of(decision: Decision) -> datetime:
    """The latest change to the decision's public record, from what is loaded: publication, a condition's status
    (reported, verified), the appeal's status (lodged, ruled on, decided), a later decision's publication.
    Mirrors queries.decision_updated_at(), which `updated_since` filters on."""
    moments = [decision.published_at]
    for condition in decision.conditions:
        if condition.follow_up is not None:
            moments.append(condition.follow_up.verified_at or condition.follow_up.reported_at)
    if decision.appeal is not None:
        appeal = decision.appeal
        moments.append(appeal.decided_at or appeal.admissibility_at or appeal.lodged_at)
    if decision.superseded_by is not None and decision.superseded_by.published_at is not None:
        moments.append(decision.superseded_by.published_at)
    return max(moments)


def appeal_status(appeal: Appeal) -> str:
    """As the register words it: returned_for_reconsideration, upheld, inadmissible or under_appeal."""
    if appeal.outcome == AppealOutcome.RETURN:
        return "returned_for_reconsideration"
    if appeal.outcome == AppealOutcome.UPHOLD:
        return "upheld"
    if appeal.admissibility is not None and appeal.admissibility != Admissibility.ADMISSIBLE:
        return "inadmissible"
    return "under_appeal"


def _appeal_json(appeal: Appeal | None) -> dict | None:
    """The appeal's status, outcome and dates; never its grounds, statement, documents or the reasons given."""
    if appeal is None:
        return None
    return {
        "status": appeal_status(appeal),
        "outcome": appeal.outcome.value if appeal.outcome else None,
        "lodged_on": _iso_date(appeal.lodged_at.date()),
        "decided_on": _iso_date(appeal.decided_at.date()) if appeal.decided_at else None,
    }


def _condition_json(number: int, condition: DecisionCondition) -> dict:
    """A condition's text and due date (as the council set them) and its follow-up status, not the follow-up's texts."""
    return {
        "number": number,
        "text": condition.text,
        "due_date": _iso_date(condition.due_on),
        "status": condition_status(condition),
        "overdue": is_overdue(condition),
    }


def _specification_json(version: SpecificationVersion, urls: DecisionUrls) -> dict:
    """A reviewed specification version: its micro-credential's id and API URL (while published), version number,
    titles and permanent catalogue page."""
    credential_id = version.micro_credential_id
    return {
        "id": credential_id,
        "version": version.number,
        "title_en": version.title_en,
        "title_hy": version.title_hy or None,
        "status": version.status.value,
        "url": (urls.micro_credential.format(specification_id=credential_id)
                if version.status == SpecificationStatus.PUBLISHED else None),
        "page_url": urls.catalogue.format(credential_id=credential_id, number=version.number),
    }


def _linked(decision: Decision | None, urls: DecisionUrls) -> dict | None:
    """A linked decision's id and URLs, when it is published (an unpublished one is not mentioned)."""
    if decision is None or decision.published_at is None:
        return None
    return {
        "id": decision.id,
        "url": urls.detail.format(decision_id=decision.id),
        "page_url": urls.page.format(decision_id=decision.id),
        "published_at": iso_time(decision.published_at),
    }


def outcome_json(outcome: Outcome) -> dict:
    """The outcome part of decision_json (its code, labels, kind, scheme and DEQAR decision value)."""
    return {
        "code": outcome.code,
        "label_en": outcome.label_en,
        "label_hy": outcome.label_hy or None,
        "kind": outcome.kind.value,
        "scheme": outcome.scheme.code,
        "deqar_decision": outcome.deqar_decision.value,
    }


def decision_json(decision: Decision) -> dict:
    """A published decision as the API serves it (the shape is documented in the OpenAPI document). `decision` is
    a Decision loaded by published_decisions(), or the exporter's lighter record with the same attributes."""
    case, outcome, urls = decision.case, decision.outcome, DecisionUrls.current()
    self_url = urls.detail.format(decision_id=decision.id)
    return {
        "id": decision.id,
        "url": self_url,
        "case_reference": case.reference,
        "institution": _institution_json(case.institution),
        "specifications": [_specification_json(link.specification_version, urls)
                           for link in case.specification_links if link.specification_version.is_public],
        "outcome": outcome_json(outcome),
        "status": decision.standing,
        "valid_from": _iso_date(decision.valid_from),
        "valid_to": _iso_date(decision.valid_to),
        "meeting_date": _iso_date(decision.meeting_date),
        "institution_heard": decision.hei_heard,
        "reasons": decision.reasons,
        "criteria_cited": [criterion.code for criterion in decision.criteria],
        "conditions": [_condition_json(number, condition)
                       for number, condition in enumerate(decision.conditions, 1)],
        "appeal": _appeal_json(decision.appeal),
        "appeal_deadline": _iso_date(decision.published_at.date() + urls.appeal_window),
        "supersedes": _linked(decision.supersedes, urls),
        "superseded_by": _linked(decision.superseded_by, urls),
        "urls": {
            "self": self_url,
            "public_page": urls.page.format(decision_id=decision.id),
            "letter_pdf": urls.letter.format(decision_id=decision.id),
            "report_pdf": urls.report.format(decision_id=decision.id) if urls.report else None,
        },
        "published_at": iso_time(decision.published_at),
        "updated_at": iso_time(decision_updated_at_of(decision)),
    }
