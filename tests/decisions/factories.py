"""Factories for decision tests: a case in decision_pending with a final panel report (pending_case), council
members with or without a declaration, a valid decision input per outcome, and decided or published cases."""
from datetime import timedelta

from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.decisions.services.council import declare_interests, record_decision
from qa_portal.decisions.services.publication import publish_cases
from qa_portal.decisions.services.rules import DecisionInput, add_months, add_years
from qa_portal.extensions import db
from qa_portal.pilots.models import Outcome, OutcomeScheme
from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes
from qa_portal.reviews.models import CaseState, PanelReport, PanelReportVersion, ReportStatus
from tests.factories import make_user
from tests.reviews.factories import criteria_of, make_case

REPORT_CONTENT = {
    "case": {}, "number": 1, "final": True, "panel": [{"name": "Chair Person", "role": "chair"}],
    "sections": [{"section_id": 1, "code": "S1", "title": "Learning outcomes", "findings": "Outcomes are clear.",
                  "strengths": "Employer input.", "areas_for_improvement": "Feedback analysis.",
                  "recommendations": "Analyse feedback yearly.",
                  "level": {"code": "full", "label": "Fully compliant"}}],
    "overall_conclusion": "The panel finds the micro-credential sound.",
    "recommended_outcome": {"code": "positive", "label_en": "Positive", "label_hy": "Դրական", "kind": "positive"},
    "recommendation_reason": "",
}


def final_report(case, content: dict | None = None, final: bool = True) -> PanelReport:
    """The case's panel report, final (hashed, dated) with a frozen final version, unless final=False."""
    report = PanelReport(case_id=case.id, status=ReportStatus.FINAL if final else ReportStatus.SENT,
                         overall_conclusion="The panel finds the micro-credential sound.",
                         final_sha256="0" * 64 if final else None, finalised_at=utcnow() if final else None)
    db.session.add(report)
    db.session.flush()
    db.session.add(PanelReportVersion(report_id=report.id, number=1, content=content or REPORT_CONTENT,
                                      sha256="0" * 64, is_final=final))
    db.session.commit()
    return report


def pending_case(report: bool = True, **fields):
    """A case in decision_pending on the pilot scheme with (by default) a final panel report."""
    load_outcome_schemes()
    db.session.commit()
    case = make_case(state=CaseState.DECISION_PENDING, standards=1, criteria=2, **fields)
    if report:
        final_report(case)
    return case


def council_member(case=None, declared: bool = True, **kwargs):
    """A council user, with a "no conflict" declaration on the case when declared."""
    user = make_user(Role.COUNCIL, **kwargs)
    if case is not None and declared:
        declare_interests(user, case, has_conflict=False, recuse=False, details="")
        db.session.commit()
    return user


def outcome(code: str, scheme: str = "pilot") -> Outcome:
    """An outcome of a shipped scheme by code."""
    return db.session.scalar(select(Outcome).join(OutcomeScheme).where(OutcomeScheme.code == scheme,
                                                                       Outcome.code == code))


def valid_input(case, outcome_code: str = "positive", **overrides) -> DecisionInput:
    """A decision input that keeps every rule for the outcome (one condition when conditional)."""
    chosen = outcome(outcome_code)
    today = utcnow().date()
    meeting = today - timedelta(days=2)
    negative = chosen.max_validity_years is None
    data = DecisionInput(
        outcome_id=chosen.id, valid_from=None if negative else today,
        valid_to=None if negative else add_years(today, chosen.max_validity_years),
        reasons="The final report shows the criteria met.", criterion_ids=[criteria_of(case)[0].id],
        meeting_date=meeting, hei_heard=True,
        conditions=[("Document identity checks.", add_months(meeting, 6))] if chosen.conditions_required else [])
    for name, value in overrides.items():
        setattr(data, name, value)
    return data


def decided_case(outcome_code: str = "positive", **fields):
    """A case with a recorded decision (state decided) and the council member who took it."""
    case = pending_case(**fields)
    member = council_member(case)
    decision = record_decision(member, case, valid_input(case, outcome_code))
    db.session.commit()
    return case, decision


def published_case(outcome_code: str = "positive", **fields):
    """A case whose decision an officer published (state published)."""
    case, decision = decided_case(outcome_code, **fields)
    publish_cases(make_user(Role.OFFICER), [case.id])
    db.session.commit()
    return case, decision


def statements_for(client, url: str) -> int:
    """How many SQL statements one GET of the page runs (asserting it answers 200)."""
    from sqlalchemy import event

    statements = []

    def listener(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)
