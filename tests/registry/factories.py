"""Factories for the registry API's tests: realistic published decisions (an institution with DEQAR and ETER ids,
published specification versions reviewed by the case, conditions, follow-up, appeals, linked decisions) built
through the decisions services of tests/decisions/factories.py, and a recorded but unpublished one.

Other registry helpers may ADD functions here; keep the existing signatures stable."""
import itertools
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app, has_request_context

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.decisions.services.council import declare_interests, record_decision
from qa_portal.decisions.models import (Admissibility, Appeal, AppealOutcome, AppealStatus, ConditionFollowUp,
                                        ConditionVerdict, Decision)
from qa_portal.decisions.services.publication import publish_cases
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, InstitutionType
from qa_portal.reviews.models import CaseSpecification, CaseState
from qa_portal.registry.services.records import refresh_records
from tests.decisions.factories import pending_case, valid_input
from tests.factories import make_user
from tests.pilots.factories import make_specification

_counter = itertools.count(1)

SPECIFICATION_TITLES = ("Data literacy for public administration", "Computer-aided design for footwear",
                        "Sustainable tourism management", "Cybersecurity essentials for SMEs")


@contextmanager
def _request_context():
    """The decisions services translate their messages: run them inside a request context when none is active."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context():
        yield


def registry_institution(name_en: str | None = None, *, deqar_id: str | None = "auto", eter_id: str | None = "auto",
                         country: str | None = "AM", name_hy: str | None = None) -> Institution:
    """An Armenian university with English and Armenian names and (unless None is given) DEQAR and ETER ids."""
    n = next(_counter)
    institution = Institution(
        short_name=f"REG-{n}", name_en=name_en or f"Registry University {n}",
        name_hy=name_hy if name_hy is not None else f"Ռեգիստրի համալսարան {n}", country=country,
        deqar_id=f"DEQARINST{9000 + n:04d}" if deqar_id == "auto" else deqar_id,
        eter_id=f"AM{n:04d}" if eter_id == "auto" else eter_id,
        website=f"https://university-{n}.example.am", institution_type=InstitutionType.UNIVERSITY)
    db.session.add(institution)
    db.session.commit()
    return institution


def reviewed_specifications(case, count: int = 1, titles: tuple[str, ...] | None = None) -> list:
    """`count` published, frozen specification versions of the case's institution, linked to the case."""
    versions = []
    for index in range(count):
        title = (titles or SPECIFICATION_TITLES)[index % len(titles or SPECIFICATION_TITLES)]
        version = make_specification(case.institution, published=True, frozen=True, title_en=title)
        db.session.add(CaseSpecification(case_id=case.id, specification_version_id=version.id))
        versions.append(version)
    db.session.commit()
    return versions


def recorded_decision(outcome_code: str = "positive", *, institution: Institution | None = None,
                      specifications: int = 1, titles: tuple[str, ...] | None = None,
                      conditions: list[tuple[str, int]] | None = None, version=None) -> Decision:
    """A decision the council recorded (case decided) but nobody published. conditions: (text, days from today to
    the due date) for a conditional outcome (default: two conditions due in 6 and 9 months)."""
    with _request_context():
        extra = {"version": version} if version is not None else {}
        case = pending_case(institution=institution or registry_institution(), **extra)
        reviewed_specifications(case, specifications, titles)
        member = make_user(Role.COUNCIL, password=None)
        declare_interests(member, case, has_conflict=False, recuse=False, details="")
        data = valid_input(case, outcome_code)
        if data.conditions:
            today = utcnow().date()
            data.conditions = [(text, today + timedelta(days=days)) for text, days in
                               (conditions or [("Publish the assessment rubric to learners.", 180),
                                               ("Document identity checks in online assessment.", 270)])]
        decision = record_decision(member, case, data)
        db.session.commit()
    return decision


def publish(decision: Decision, officer=None) -> Decision:
    """Publish the decision's case through the publication service (stamps published_at)."""
    with _request_context():
        publish_cases(officer or make_user(Role.OFFICER, password=None), [decision.case_id])
        db.session.commit()
    return decision


def published_decision(outcome_code: str = "positive", **kwargs) -> Decision:
    """A published decision (positive by default; `positive_with_conditions` gets two conditions) on a case of an
    institution with DEQAR and ETER ids reviewing `specifications` published specification versions."""
    return publish(recorded_decision(outcome_code, **kwargs))


def unpublished_decision(outcome_code: str = "positive", **kwargs) -> Decision:
    """A recorded decision that is not published: the API must never serve it."""
    return recorded_decision(outcome_code, **kwargs)


def condition_reported(condition, verdict: ConditionVerdict | None = None, at=None) -> ConditionFollowUp:
    """The institution's report on a condition (internal text), and the officer's verdict when given (stored
    directly, at `at` or now)."""
    at = at or utcnow()
    follow_up = ConditionFollowUp(condition_id=condition.id, report="INTERNAL REPORT: rubric now online.",
                                  reported_at=at, verdict=verdict,
                                  verdict_reason="INTERNAL VERDICT REASON: checked the site." if verdict else "",
                                  verified_at=at if verdict else None)
    db.session.add(follow_up)
    db.session.commit()
    db.session.expire_all()
    refresh_records([condition.decision_id])  # what the services' condition_followed_up signal does
    db.session.commit()
    return follow_up


def appeal_against(decision: Decision, *, admissibility: Admissibility | None = None,
                   outcome: AppealOutcome | None = None, lodged_at=None) -> Appeal:
    """An appeal against the published decision (stored directly) in the state given; decided ones are admissible."""
    now = lodged_at or utcnow()
    if outcome is not None:
        admissibility = Admissibility.ADMISSIBLE
    status = ({AppealOutcome.UPHOLD: AppealStatus.UPHELD, AppealOutcome.RETURN: AppealStatus.RETURNED}[outcome]
              if outcome is not None else AppealStatus.LODGED if admissibility is None
              else AppealStatus.ADMISSIBLE if admissibility == Admissibility.ADMISSIBLE else AppealStatus.INADMISSIBLE)
    appeal = Appeal(case_id=decision.case_id, decision_id=decision.id, lodged_at=now, status=status,
                    grounds=["criteria_misapplied"], statement="INTERNAL GROUNDS: the council misread the evidence.",
                    decision_due_on=now.date() + timedelta(days=90), admissibility=admissibility,
                    admissibility_reason="INTERNAL: lodged in time." if admissibility else "",
                    admissibility_at=now if admissibility else None, outcome=outcome,
                    outcome_reasons="INTERNAL APPEAL REASONS." if outcome else "",
                    decided_at=now if outcome else None)
    db.session.add(appeal)
    db.session.commit()
    db.session.expire_all()
    refresh_records([decision.id])  # what the appeal workflow's moves do through the registry's subscribers
    db.session.commit()
    return appeal


def superseding_decision(decision: Decision, outcome_code: str = "positive", published: bool = True) -> Decision:
    """D7: every condition of the conditional decision met, the council upgrades it by a new decision linked to it
    (published unless told otherwise)."""
    for condition in decision.conditions:
        if condition.follow_up is None:
            condition_reported(condition, ConditionVerdict.MET)
    decision = db.session.get(Decision, decision.id)
    case = decision.case
    case.state = CaseState.DECISION_PENDING  # the follow-up's require_redecision, without its guard's paperwork
    db.session.commit()
    with _request_context():
        member = make_user(Role.COUNCIL, password=None)
        declare_interests(member, case, has_conflict=False, recuse=False, details="")
        later = record_decision(member, case, valid_input(case, outcome_code))
        db.session.commit()
    return publish(later) if published else later
