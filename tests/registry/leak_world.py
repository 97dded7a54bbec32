"""Data in every state for tests/registry/test_no_leak.py, each secret carrying a unique marker string.

What is secret: staff and institution users (emails, names), draft and in-consultation standards and their
consultation comments, draft specifications (also a draft version of a published micro-credential), applications
and selection scores, everything of a review (SER, evidence, panel scores and consensus, conflicts, objections,
site-visit notes, factual-accuracy comments, timeline comments, a draft report), council declarations, a recorded but
unpublished decision (also an unpublished later decision on a published case), condition follow-up reports and
verdict reasons, appeal grounds and reasons, complaints. What is published: decisions of each outcome, their
conditions, reviewed specification versions, their institutions and the approved standards."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.decisions.services.council import declare_interests, record_decision
from qa_portal.decisions.models import (Admissibility, AppealOutcome, Complaint, ComplaintStatus, ConditionFollowUp,
                                        ConditionVerdict, Decision)
from qa_portal.extensions import db
from qa_portal.pilots.models import ApplicationStatus, SelectionOutcome, SelectionScore
from qa_portal.pilots.services import specifications as specification_services
from qa_portal.reviews.models import (CaseAction, CaseEvent, CaseState, Confidentiality, ConsensusJudgement, Judgement,
                                      PanelObjection, SelfEvaluation, SiteVisit, StakeholderGroup, VisitSession)
from qa_portal.reviews.models.report import FactualComment, PanelReport
from qa_portal.standards.models import VersionStatus
from tests.decisions.factories import final_report, pending_case, valid_input
from tests.factories import make_user
from tests.pilots.calls_factories import make_application, make_call, make_decision
from tests.pilots.factories import complete_data, make_specification
from tests.registry.factories import (appeal_against, published_decision, registry_institution,
                                      reviewed_specifications, superseding_decision)
from tests.reviews.factories import criteria_of, first_level, make_case, make_evidence, write_entry
from tests.reviews.panel_factories import cleared_panel
from tests.standards.factories import make_comment, make_version

MARK = "7f3a"
# Internal texts tests/registry/factories.py writes (condition reports, verdicts, appeals): secret as well.
FACTORY_INTERNAL_TEXTS = ["INTERNAL REPORT", "INTERNAL VERDICT REASON", "INTERNAL GROUNDS", "INTERNAL APPEAL REASONS",
                          "INTERNAL: lodged in time"]


class World:
    """The markers planted, and the ids the API must answer 404 for."""

    def __init__(self):
        self.markers: list[str] = []
        self.unpublished_decision_ids: list[int] = []

    def secret(self, name: str) -> str:
        """A new unique marker, e.g. SECRET-SCORE-RATIONALE-3-7f3a."""
        marker = f"SECRET-{name}-{len(self.markers) + 1}-{MARK}"
        self.markers.append(marker)
        return marker


def _staff(world: World) -> dict:
    """One user per role with a distinctive email and a marked name."""
    return {role: make_user(role, email=f"secret.{role.value}.{MARK}@leak.example",
                            full_name=world.secret(f"NAME-{role.value.upper()}"))
            for role in (Role.ADMIN, Role.OFFICER, Role.COUNCIL, Role.EXPERT, Role.APPEALS)}


def _standards(world: World, staff: dict) -> None:
    """A draft and an in-consultation version with marked standards, and consultation comments everywhere."""
    approved = make_version(VersionStatus.APPROVED)
    for status in (VersionStatus.DRAFT, VersionStatus.CONSULTATION):
        version = make_version(status)
        standard = version.standards[0]
        standard.title, standard.statement = world.secret(f"{status.upper()}-STANDARD"), world.secret("STATEMENT")
        standard.criteria[0].text = world.secret(f"{status.upper()}-CRITERION")
        version.decision_rule = world.secret(f"{status.upper()}-DECISION-RULE")
        make_comment(version, staff[Role.EXPERT], standard, text=world.secret("CONSULTATION-COMMENT"))
    comment = make_comment(approved, staff[Role.EXPERT], approved.standards[0],
                           text=world.secret("COMMENT-ON-APPROVED"))
    comment.answer_text = world.secret("COMMENT-ANSWER")
    db.session.commit()


def _catalogue(world: World, staff: dict) -> None:
    """Drafts only at one institution; a published micro-credential with a newer draft; applications with scores."""
    hidden = registry_institution(world.secret("INSTITUTION-WITH-DRAFTS-ONLY"), deqar_id=None, eter_id=None)
    make_user(Role.HEI, institution=hidden, email=f"hei.drafts.{MARK}@leak.example",
              full_name=world.secret("NAME-HEI"))
    draft = make_specification(hidden, title_en=world.secret("DRAFT-SPECIFICATION"),
                               short_description=world.secret("DRAFT-DESCRIPTION"))
    shown = registry_institution()
    published = make_specification(shown, published=True, frozen=True)
    specification_services.update_specification(None, published.micro_credential, complete_data(
        title_en=world.secret("DRAFT-VERSION-OF-PUBLISHED"), prerequisites=world.secret("DRAFT-PREREQUISITES")))
    call = make_call(version=make_version(VersionStatus.APPROVED))  # set codes of its own factory would clash
    application = make_application(call, hidden, [draft.micro_credential], status=ApplicationStatus.SUBMITTED,
                                   motivation=world.secret("APPLICATION-MOTIVATION"))
    db.session.add(SelectionScore(application=application, criterion_id=call.criteria[0].id,
                                  officer_id=staff[Role.OFFICER].id, score=2,
                                  comment=world.secret("SELECTION-SCORE-COMMENT")))
    db.session.commit()
    make_decision(application, SelectionOutcome.SELECTED, rationale=world.secret("SELECTION-RATIONALE"))


def _review_secrets(world: World, case, staff: dict) -> None:
    """Everything a review writes about the case, each text marked: SER, evidence, scores, consensus, conflicts, an
    objection, visit notes, a timeline comment (and factual-accuracy comments when the case has a report)."""
    criteria = criteria_of(case)
    db.session.add(SelfEvaluation(case_id=case.id, summary=world.secret("SER-SUMMARY"),
                                  strengths=world.secret("SER-STRENGTHS"), weaknesses=world.secret("SER-WEAKNESSES"),
                                  improvement_plan=world.secret("SER-PLAN")))
    db.session.commit()
    write_entry(case, criteria[0], narrative=world.secret("SER-NARRATIVE"),
                justification=world.secret("SER-JUSTIFICATION"))
    state, case.state = case.state, CaseState.SER_IN_PREPARATION  # uploads are taken while the SER is open
    db.session.commit()
    make_evidence(case, criteria, title=world.secret("PANEL-ONLY-EVIDENCE"), confidentiality=Confidentiality.PANEL_ONLY)
    make_evidence(case, criteria[:1], title=world.secret("PUBLIC-EVIDENCE-TITLE"))
    case.state = state
    db.session.commit()
    panel = cleared_panel(case)
    level = first_level(case)
    for member in panel.values():
        for criterion in criteria:
            db.session.add(Judgement(member_id=member.id, criterion_id=criterion.id, level_id=level.id,
                                     rationale=world.secret("SCORE-RATIONALE")))
        member.conflict_ruling_reason = world.secret("CONFLICT-RULING")
        member.detected_conflict = world.secret("DETECTED-CONFLICT")
    for criterion in criteria:
        db.session.add(ConsensusJudgement(case_id=case.id, criterion_id=criterion.id, level_id=level.id,
                                          rationale=world.secret("CONSENSUS-RATIONALE")))
    member = next(iter(panel.values()))
    db.session.add(PanelObjection(member_id=member.id, reasons=world.secret("OBJECTION-REASONS")))
    visit = SiteVisit(case_id=case.id, location=world.secret("VISIT-LOCATION"),
                      skip_justification=world.secret("VISIT-SKIP-JUSTIFICATION"))
    visit.sessions = [VisitSession(starts_at=utcnow(), stakeholder_group=StakeholderGroup.STUDENTS,
                                   attendees=world.secret("VISIT-ATTENDEES"), notes=world.secret("VISIT-NOTES"))]
    db.session.add(visit)
    db.session.add(CaseEvent(case_id=case.id, action=CaseAction.SUBMIT_SER, from_state=CaseState.SER_IN_PREPARATION,
                              to_state=CaseState.SER_SUBMITTED, actor_id=staff[Role.OFFICER].id,
                              comment=world.secret("TIMELINE-COMMENT")))
    report = db.session.scalar(select(PanelReport).where(PanelReport.case_id == case.id))
    if report is not None:
        db.session.add(FactualComment(report_id=report.id, version_number=1, section_label="Overall conclusion",
                                      comment=world.secret("FACTUAL-COMMENT"), answer=world.secret("FACTUAL-ANSWER")))
    db.session.commit()


def _unpublished_decision(world: World, staff: dict, case=None) -> Decision:
    """A decision the council recorded with marked reasons and conditions, and a recused member's marked
    declaration; nobody published it."""
    with current_app.test_request_context():
        case = case or pending_case(institution=registry_institution())
        if not case.specification_links:
            reviewed_specifications(case)
        recused = make_user(Role.COUNCIL, email=f"recused.{MARK}@leak.example", full_name=world.secret("NAME-RECUSED"))
        declare_interests(recused, case, has_conflict=True, recuse=True, details=world.secret("COUNCIL-CONFLICT"))
        declare_interests(staff[Role.COUNCIL], case, has_conflict=False, recuse=False, details="")
        data = valid_input(case, "positive_with_conditions", reasons=world.secret("UNPUBLISHED-REASONS"))
        data.conditions = [(world.secret("UNPUBLISHED-CONDITION"), utcnow().date() + timedelta(days=90))]
        decision = record_decision(staff[Role.COUNCIL], case, data)
        db.session.commit()
    world.unpublished_decision_ids.append(decision.id)
    return decision


def _decisions(world: World, staff: dict) -> None:
    """Published decisions of each outcome with internal follow-up and appeal texts; unpublished decisions."""
    conditional = published_decision("positive_with_conditions", specifications=2)
    _review_secrets(world, conditional.case, staff)
    reviewed = conditional.case.specification_links[0].specification_version.micro_credential
    specification_services.update_specification(None, reviewed, complete_data(  # a newer draft of a reviewed one
        title_en=world.secret("DRAFT-OF-REVIEWED"), assessment_details=world.secret("DRAFT-ASSESSMENT")))
    make_specification(conditional.case.institution, title_en=world.secret("DRAFT-BESIDE-PUBLISHED"))
    db.session.commit()
    first, second = conditional.conditions
    db.session.add(ConditionFollowUp(condition_id=first.id, report=world.secret("CONDITION-REPORT"),
                                     reported_at=utcnow(), verdict=ConditionVerdict.MET,
                                     verdict_reason=world.secret("VERDICT-REASON"), verified_at=utcnow()))
    db.session.add(ConditionFollowUp(condition_id=second.id, report=world.secret("CONDITION-REPORT"),
                                     reported_at=utcnow()))
    db.session.commit()
    upgraded = published_decision("positive_with_conditions")
    later = superseding_decision(upgraded, published=False)  # met conditions; the upgrade is recorded, unpublished
    world.unpublished_decision_ids.append(later.id)
    world.markers += FACTORY_INTERNAL_TEXTS

    negative = published_decision("negative")
    appeal = appeal_against(negative, admissibility=Admissibility.ADMISSIBLE, outcome=AppealOutcome.UPHOLD)
    appeal.statement, appeal.admissibility_reason = world.secret("APPEAL-GROUNDS"), world.secret("ADMISSIBILITY")
    appeal.outcome_reasons = world.secret("APPEAL-REASONS")
    appealed = published_decision("positive")
    appeal_against(appealed).statement = world.secret("PENDING-APPEAL-GROUNDS")
    hei = make_user(Role.HEI, institution=negative.case.institution, email=f"hei.{MARK}@leak.example",
                    full_name=world.secret("NAME-HEI"))
    db.session.add_all([
        Complaint(lodged_by_id=hei.id, case_id=negative.case_id, subject=world.secret("COMPLAINT-SUBJECT"),
                  text=world.secret("COMPLAINT-TEXT")),
        Complaint(lodged_by_id=hei.id, case_id=appealed.case_id, subject=world.secret("COMPLAINT-SUBJECT"),
                  text=world.secret("COMPLAINT-TEXT"), status=ComplaintStatus.ANSWERED,
                  answer=world.secret("COMPLAINT-ANSWER"), answered_by_id=staff[Role.OFFICER].id,
                  answered_at=utcnow()),
    ])
    db.session.commit()

    _unpublished_decision(world, staff)
    undecided_report = pending_case(report=False, institution=registry_institution())
    reviewed_specifications(undecided_report)
    content = {"overall_conclusion": world.secret("DRAFT-REPORT-CONCLUSION"), "sections": []}
    final_report(undecided_report, content=content, final=False)
    _review_secrets(world, undecided_report, staff)


def _cases_in_every_stage(world: World, staff: dict) -> None:
    """A case in each review state before a decision, each with the review's marked texts."""
    for state in (CaseState.SER_IN_PREPARATION, CaseState.SER_SUBMITTED, CaseState.PANEL_FORMATION,
                  CaseState.DESK_REVIEW, CaseState.SITE_VISIT, CaseState.REPORT_DRAFTING, CaseState.FACTUAL_ACCURACY,
                  CaseState.WITHDRAWN):
        case = make_case(state=state, institution=registry_institution(), standards=1, criteria=2)
        reviewed_specifications(case)
        _review_secrets(world, case, staff)


def build_world() -> World:
    """Every state at once: published results beside every kind of secret."""
    world = World()
    staff = _staff(world)
    _standards(world, staff)
    _catalogue(world, staff)
    _decisions(world, staff)
    _cases_in_every_stage(world, staff)
    return world
