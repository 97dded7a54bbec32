"""Publication (ESG 2.6, rule D6): decided cases wait in a ready-to-publish list; officers publish one or several
at once, each through the workflow's `publish`, which stamps the decision's published_at."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import OutcomeKind, QaStatus
from qa_portal.pilots.services.specifications import publish_reviewed_version, set_qa_status
from qa_portal.decisions.models import Decision
from qa_portal.decisions.services.rules import final_report_of, pending_decision
from qa_portal.reviews.models import Case, CaseAction, CaseState, PanelReport, PanelReportVersion
from qa_portal.reviews.workflow import CASE_WORKFLOW

__all__ = ["ready_to_publish", "publish_problems", "on_published", "publish_cases", "final_version_of"]


def ready_to_publish(case_ids: list[int] | None = None) -> list[Decision]:
    """The unpublished decisions of decided cases (optionally only these cases), oldest first, cases loaded."""
    query = (select(Decision).join(Decision.case).options(contains_eager(Decision.case))
             .where(Case.state == CaseState.DECIDED, Decision.published_at.is_(None))
             .order_by(Decision.decided_at, Decision.id))
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    return list(db.session.scalars(query).unique())


def final_version_of(case: Case) -> PanelReportVersion | None:
    """The frozen final version of the case's panel report (what the register shows)."""
    return db.session.scalar(select(PanelReportVersion).join(PanelReport).where(
        PanelReport.case_id == case.id, PanelReportVersion.is_final.is_(True))
        .order_by(PanelReportVersion.number.desc()).limit(1))


def publish_problems(case: Case) -> list[str]:
    """D6: a recorded decision and the final panel report's frozen version are published together."""
    problems = []
    if pending_decision(case) is None:
        problems.append(_("The case has no recorded decision waiting for publication."))
    if final_report_of(case) is None or final_version_of(case) is None:
        problems.append(_("The final panel report has no frozen final version to publish with the decision."))
    return problems


def on_published(case: Case, actor) -> None:
    """Stamp the decision as published (once) and audit the publication."""
    decision = pending_decision(case)
    decision.published_at, decision.published_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "decision.publish", decision, f"{case.reference}: decision and panel report published",
           {"decision": decision.id})
    _mark_specifications(case, decision, actor)


def _mark_specifications(case: Case, decision: Decision, actor) -> None:
    """The reviewed specification versions become public with the decision (any outcome); the catalogue shows
    the micro-credentials as quality-assured once a positive or conditional decision is published (pilots'
    set_qa_status; a negative one leaves their status as it was)."""
    for link in case.specification_links:
        publish_reviewed_version(actor, link.specification_version)
    if decision.outcome.kind == OutcomeKind.NEGATIVE:
        return
    for link in case.specification_links:
        set_qa_status(actor, link.specification_version.micro_credential, QaStatus.QUALITY_ASSURED)


def publish_cases(actor, case_ids: list[int]) -> list[Decision]:
    """Publish the decided cases named (all or nothing): each moves through the workflow's `publish`."""
    decisions = ready_to_publish(sorted(set(case_ids)))
    if not case_ids or len(decisions) != len(set(case_ids)):
        raise DomainError(_("Choose decided cases from the ready-to-publish list."))
    for decision in decisions:
        CASE_WORKFLOW.apply(decision.case, CaseAction.PUBLISH, actor)
    return decisions
