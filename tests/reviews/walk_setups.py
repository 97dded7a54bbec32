"""What each guarded panel-stage action needs before the transition-table walk may take it: action -> setup(case,
actor), where actor holds every staff role. Each stage adds the setup for its own guard here."""
from qa_portal.reviews.models import CaseAction

GUARD_SETUPS: dict = {}


# --- panel report (H4): a report ready to send, and a sent report ready to finalise -----------------------

def give_consensus(case, level_index: int = 0, actor=None) -> None:
    """Record a consensus judgement for every criterion of the case still without one (level by scale index)."""
    from qa_portal.extensions import db
    from qa_portal.reviews.models import ConsensusJudgement

    levels = [level for level in case.standard_version.levels if not level.not_applicable]
    done = {judgement.criterion_id for judgement in db.session.query(ConsensusJudgement).filter_by(case_id=case.id)}
    for standard in case.standard_version.standards:
        for criterion in standard.criteria:
            if criterion.id not in done:
                db.session.add(ConsensusJudgement(
                    case_id=case.id, criterion_id=criterion.id, level_id=levels[level_index].id,
                    rationale=f"The panel agrees on {criterion.code}.", recorded_by_id=getattr(actor, "id", None)))
    db.session.commit()


def drafted_report(case, actor=None, outcome_code: str = "positive"):
    """A generated report with every section judged, a conclusion and a recommended outcome: ready to send."""
    from qa_portal.extensions import db
    from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes
    from qa_portal.reviews.services import report as reports

    load_outcome_schemes()
    give_consensus(case, actor=actor)
    reports.on_drafting_started(case, actor)
    report = reports.report_of(case)
    report.overall_conclusion = "The panel concludes that the micro-credential meets the standards."
    report.recommended_outcome = next(o for o in reports.outcome_choices(case) if o.code == outcome_code)
    db.session.commit()
    return report


def sent_report(case, actor=None, window_passed: bool = True):
    """A report sent to the institution (version 1 frozen); its window already passed unless told otherwise."""
    from datetime import timedelta

    from qa_portal.core.models import utcnow
    from qa_portal.extensions import db
    from qa_portal.reviews.services import report as reports

    report = drafted_report(case, actor)
    reports.on_sent(case, actor)
    if window_passed:
        report.factual_check_due_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    return report


GUARD_SETUPS[CaseAction.SEND_FOR_FACTUAL_CHECK] = drafted_report
GUARD_SETUPS[CaseAction.FINALISE_REPORT] = sent_report


# --- panel formation (H2): a panel that meets the composition rules, every member cleared -------------------

def _cleared_valid_panel(case, actor) -> None:
    """start_review needs a panel that meets the composition rules with every member cleared."""
    from tests.reviews.panel_factories import cleared_panel

    cleared_panel(case)


GUARD_SETUPS[CaseAction.START_REVIEW] = _cleared_valid_panel


# --- desk review and site visit (H3): every scoring member submitted; the skip justified; the visit recorded ---

def scored_panel(case, actor=None) -> dict:
    """A cleared panel whose scoring members all judged every criterion and submitted: {role: member}."""
    from qa_portal.core.models import utcnow
    from qa_portal.extensions import db
    from qa_portal.reviews.models import Judgement, PanelRole
    from tests.reviews.panel_factories import cleared_panel

    panel = cleared_panel(case)
    level = next(level for level in case.standard_version.levels if not level.not_applicable)
    criteria = [criterion for standard in case.standard_version.standards for criterion in standard.criteria]
    for role, member in panel.items():
        if role == PanelRole.SECRETARY:
            continue
        db.session.add_all(Judgement(member_id=member.id, criterion_id=criterion.id, level_id=level.id,
                                     rationale=f"{criterion.code} is shown by the evidence.") for criterion in criteria)
        member.scores_submitted_at = utcnow()
    db.session.commit()
    return panel


def justified_skip(case, actor=None) -> None:
    """A scored desk review and the chair's written justification for skipping the visit."""
    from qa_portal.extensions import db
    from qa_portal.reviews.models import PanelRole, SiteVisit

    panel = scored_panel(case, actor)
    db.session.add(SiteVisit(case_id=case.id, skip_justification="The faculty was visited in May 2026.",
                             skip_requested_by_id=panel[PanelRole.CHAIR].user_id))
    db.session.commit()


def recorded_visit(case, actor=None) -> None:
    """A visit with dates and one session with notes: ready to close."""
    from datetime import date, datetime

    from qa_portal.extensions import db
    from qa_portal.reviews.models import SiteVisit, StakeholderGroup, VisitMode, VisitSession

    visit = SiteVisit(case_id=case.id, mode=VisitMode.ONSITE, starts_on=date(2027, 3, 10), ends_on=date(2027, 3, 10))
    visit.sessions.append(VisitSession(starts_at=datetime(2027, 3, 10, 10), duration_minutes=60,
                                       stakeholder_group=StakeholderGroup.STUDENTS, attendees="Five learners",
                                       notes="Learners described the assessed project."))
    db.session.add(visit)
    db.session.commit()


GUARD_SETUPS[CaseAction.START_SITE_VISIT] = scored_panel
GUARD_SETUPS[CaseAction.SKIP_SITE_VISIT] = justified_skip
GUARD_SETUPS[CaseAction.CLOSE_SITE_VISIT] = recorded_visit


# --- decisions (H5): a final panel report and a council decision recorded on the form's rules -------------------

def recorded_decision(case, actor=None) -> None:
    """A final panel report with its frozen version, the actor's council declaration, and a valid recorded
    (unpublished) decision: what `decide` and `publish` check."""
    from qa_portal.decisions.models import CouncilDeclaration, Decision
    from qa_portal.extensions import db
    from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes
    from tests.decisions.factories import final_report, valid_input

    load_outcome_schemes()
    final_report(case)
    db.session.add(CouncilDeclaration(case_id=case.id, user_id=actor.id))
    data = valid_input(case)
    db.session.add(Decision(case_id=case.id, outcome_id=data.outcome_id, valid_from=data.valid_from,
                            valid_to=data.valid_to, reasons=data.reasons, meeting_date=data.meeting_date,
                            hei_heard=True, decided_by_id=actor.id, criteria=[
                                criterion for standard in case.standard_version.standards
                                for criterion in standard.criteria if criterion.id in data.criterion_ids]))
    db.session.commit()


GUARD_SETUPS[CaseAction.DECIDE] = recorded_decision
GUARD_SETUPS[CaseAction.PUBLISH] = recorded_decision


# --- appeals (H8): a published decision with an appeal lodged in time; an admissible one decided independently ---

def lodged_appeal(case, actor=None, outcome=None):
    """A published decision on the case and the institution's appeal against it, lodged today with grounds; with
    `outcome`, admitted and decided that way by an appeals-body member who took no part in the case."""
    from datetime import timedelta

    from qa_portal.auth.models import Role
    from qa_portal.core.models import utcnow
    from qa_portal.decisions.models import Admissibility, Appeal, AppealStatus, Decision
    from qa_portal.extensions import db
    from tests.factories import make_user

    recorded_decision(case, actor)
    decision = db.session.query(Decision).filter_by(case_id=case.id).one()
    decision.published_at, decision.published_by_id = utcnow(), actor.id
    now = utcnow()
    appeal = Appeal(case_id=case.id, decision_id=decision.id, lodged_by_id=actor.id, lodged_at=now,
                    grounds=["criteria_misapplied"], statement="The criteria were misapplied.",
                    decision_due_on=now.date() + timedelta(days=90))
    if outcome is not None:
        member = make_user(Role.APPEALS)
        appeal.status = AppealStatus.UPHELD if outcome == "uphold" else AppealStatus.RETURNED
        appeal.admissibility, appeal.admissibility_reason = Admissibility.ADMISSIBLE, "In time, by the institution."
        appeal.admissibility_by_id, appeal.admissibility_at = actor.id, now
        appeal.outcome, appeal.outcome_reasons, appeal.decided_by_id, appeal.decided_at = (
            outcome, "The appeals body's reasons.", member.id, now)
    db.session.add(appeal)
    db.session.commit()
    return appeal


def _decided_appeal(outcome: str):
    """A setup for uphold/return: an appeal admitted and decided with this outcome."""
    return lambda case, actor: lodged_appeal(case, actor, outcome)


def inadmissible_appeal(case, actor=None):
    """A lodged appeal an officer ruled late (inadmissible): what dismiss_appeal checks."""
    from qa_portal.core.models import utcnow
    from qa_portal.decisions.models import Admissibility, AppealStatus
    from qa_portal.extensions import db

    appeal = lodged_appeal(case, actor)
    appeal.status = AppealStatus.INADMISSIBLE
    appeal.admissibility, appeal.admissibility_reason = Admissibility.LATE, "Lodged after the appeal window."
    appeal.admissibility_by_id, appeal.admissibility_at = actor.id, utcnow()
    db.session.commit()
    return appeal


GUARD_SETUPS[CaseAction.LODGE_APPEAL] = lodged_appeal
GUARD_SETUPS[CaseAction.UPHOLD_DECISION] = _decided_appeal("uphold")
GUARD_SETUPS[CaseAction.RETURN_FOR_RECONSIDERATION] = _decided_appeal("return_for_reconsideration")
GUARD_SETUPS[CaseAction.DISMISS_APPEAL] = inadmissible_appeal


# --- follow-up (H9): a published decision with a condition (verified when asked), or one without conditions ------

def published_decision(case, actor=None, outcome_code: str = "positive", verdict: str | None = None):
    """A final report and a published decision on the case (one condition when conditional); with `verdict`, the
    condition reported on and verified that way."""
    from qa_portal.core.models import utcnow
    from qa_portal.decisions.models import ConditionFollowUp, CouncilDeclaration, Decision, DecisionCondition
    from qa_portal.extensions import db
    from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes
    from tests.decisions.factories import final_report, valid_input

    load_outcome_schemes()
    final_report(case)
    db.session.add(CouncilDeclaration(case_id=case.id, user_id=actor.id))
    data = valid_input(case, outcome_code)
    decision = Decision(case_id=case.id, outcome_id=data.outcome_id, valid_from=data.valid_from,
                        valid_to=data.valid_to, reasons=data.reasons, meeting_date=data.meeting_date, hei_heard=True,
                        decided_by_id=actor.id, published_at=utcnow(), published_by_id=actor.id,
                        conditions=[DecisionCondition(text=text, due_on=due_on) for text, due_on in data.conditions])
    db.session.add(decision)
    if verdict is not None:
        for condition in decision.conditions:
            db.session.add(ConditionFollowUp(condition=condition, report="Done.", reported_by_id=actor.id,
                                             verdict=verdict, verdict_reason="Checked.", verified_by_id=actor.id,
                                             verified_at=utcnow()))
    db.session.commit()
    return decision


GUARD_SETUPS[CaseAction.START_FOLLOW_UP] = lambda case, actor: published_decision(case, actor,
                                                                                  "positive_with_conditions")
GUARD_SETUPS[CaseAction.REQUIRE_REDECISION] = lambda case, actor: published_decision(
    case, actor, "positive_with_conditions", verdict="not_met")
GUARD_SETUPS[CaseAction.CLOSE_CASE] = published_decision
