"""A small pilot whose every dashboard figure is computed by hand in test_dashboard.py:

Call A: case 1 (HEI 1, micro-credential 1, published positive decision), case 2 (HEI 2, micro-credential 2, desk
review). Call B: case 3 (HEI 1, micro-credential 1, self-evaluation overdue), case 4 (HEI 2, no specification,
published: a conditional decision superseded by a negative one). Timeline of call A's cases (days after t0):
case 1 ser_submitted 0 → panel_formation 2 → desk_review 5 → published 20; case 2 ser_submitted 0 →
panel_formation 4 → desk_review 6. Offerings: micro-credential 1: 20 enrolled/16 completed (satisfaction 4.0 from
10, 12 employed after) and 10/5 (3.0 from 10, outcomes not yet known); micro-credential 2: 10/10 (5 employed)."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.decisions.models import Decision
from qa_portal.extensions import db
from qa_portal.reviews.models import Case, CaseAction, CaseEvent, CaseSpecification, CaseState, ConsensusJudgement
from qa_portal.reviews.models.panel import MemberStatus, PanelMember, PanelRole
from qa_portal.standards.models import VersionStatus
from tests.decisions.factories import outcome
from tests.factories import make_institution, make_user
from tests.monitoring.factories import make_offering, published_credential
from tests.pilots.calls_factories import make_application, make_call
from tests.standards.factories import make_version


@dataclass
class World:
    call_a: object
    call_b: object
    hei_1: object
    hei_2: object
    cases: list
    credentials: list
    t0: object


def _case(reference, institution, call, version, state, specification=None, **fields) -> Case:
    application = make_application(call, institution, [specification.micro_credential] if specification else [])
    case = Case(reference=reference, institution_id=institution.id, application_id=application.id,
                standard_version_id=version.id, state=state, **fields)
    db.session.add(case)
    db.session.flush()
    if specification is not None:
        db.session.add(CaseSpecification(case_id=case.id, specification_version_id=specification.id))
    return case


def _events(case, t0, moves) -> None:
    previous = CaseState.SER_IN_PREPARATION
    for day, state in moves:
        db.session.add(CaseEvent(case_id=case.id, action=CaseAction.SUBMIT_SER, from_state=previous, to_state=state,
                                 at=t0 + timedelta(days=day)))
        previous = state


def _decision(case, code, published_at, officer, supersedes=None) -> Decision:
    decision = Decision(case_id=case.id, outcome_id=outcome(code).id, reasons="Reasons.", meeting_date=date(2026, 1, 5),
                        hei_heard=True, published_at=published_at, published_by_id=officer.id,
                        supersedes_id=getattr(supersedes, "id", None))
    if outcome(code).max_validity_years:
        decision.valid_from, decision.valid_to = date(2026, 1, 6), date(2029, 1, 6)
    db.session.add(decision)
    db.session.flush()
    return decision


def build_world() -> World:
    """The pilot described in the module docstring, committed."""
    t0 = utcnow() - timedelta(days=100)
    version = make_version(VersionStatus.APPROVED, standards=1, criteria=2)
    levels = {level.code: level.id for level in version.levels}
    criteria = {criterion.code: criterion.id for criterion in version.standards[0].criteria}
    call_a, call_b = make_call(title="Call A", version=version), make_call(title="Call B", version=version)
    hei_1, hei_2 = make_institution("HEI-A"), make_institution("HEI-B")
    credential_1 = published_credential(hei_1, isced_f_code="0613", eqf_level=6)
    credential_2 = published_credential(hei_2, isced_f_code="0413", eqf_level=5, qf_ehea_cycle="short",
                                        title_en="Green finance")
    officer = make_user(Role.OFFICER)
    created = t0 - timedelta(days=10)
    case_1 = _case("W-1", hei_1, call_a, version, CaseState.PUBLISHED, credential_1, created_at=created)
    case_2 = _case("W-2", hei_2, call_a, version, CaseState.DESK_REVIEW, credential_2, created_at=created)
    case_3 = _case("W-3", hei_1, call_b, version, CaseState.SER_IN_PREPARATION, credential_1,
                   ser_due_at=utcnow() - timedelta(days=1))
    case_4 = _case("W-4", hei_2, call_b, version, CaseState.PUBLISHED, created_at=created)
    _events(case_1, t0, [(0, CaseState.SER_SUBMITTED), (2, CaseState.PANEL_FORMATION), (5, CaseState.DESK_REVIEW),
                         (20, CaseState.PUBLISHED)])
    _events(case_2, t0, [(0, CaseState.SER_SUBMITTED), (4, CaseState.PANEL_FORMATION), (6, CaseState.DESK_REVIEW)])
    _decision(case_1, "positive", t0 + timedelta(days=20), officer)
    old = _decision(case_4, "positive_with_conditions", t0 + timedelta(days=50), officer)
    _decision(case_4, "negative", t0 + timedelta(days=70), officer, supersedes=old)
    for case, code, level in ((case_1, "C1.1", "fully_compliant"), (case_1, "C1.2", "partially_compliant"),
                              (case_2, "C1.1", "fully_compliant"), (case_4, "C1.1", "partially_compliant"),
                              (case_4, "C1.2", "non_compliant")):
        db.session.add(ConsensusJudgement(case_id=case.id, criterion_id=criteria[code], level_id=levels[level],
                                          rationale="Agreed."))
    expert_1 = make_user(Role.EXPERT, full_name="Expert One")
    expert_2 = make_user(Role.EXPERT, full_name="Expert Two")
    for user, case, status, due in ((expert_1, case_1, MemberStatus.CLEARED, None),
                                    (expert_1, case_2, MemberStatus.CLEARED, utcnow() - timedelta(days=2)),
                                    (expert_2, case_2, MemberStatus.CLEARED, None),
                                    (expert_2, case_1, MemberStatus.REMOVED, None)):
        removed = status == MemberStatus.REMOVED
        db.session.add(PanelMember(case_id=case.id, user_id=user.id, role=PanelRole.ACADEMIC, status=status,
                                   scoring_due_at=due, removed_at=utcnow() if removed else None,
                                   removal_reason="Conflict found." if removed else ""))
    db.session.commit()
    make_offering(credential_1, satisfaction_mean=Decimal("4.0"), satisfaction_respondents=10, employed_after=12)
    make_offering(credential_1, enrolled=10, completed=5, age_under_25=0, age_25_34=3, gender_female=1,
                  prior_bachelor=2, employed_at_enrolment=6, satisfaction_mean=Decimal("3.0"),
                  satisfaction_respondents=10)
    make_offering(credential_2, enrolled=10, completed=10, age_under_25=0, age_25_34=3, gender_female=1,
                  prior_bachelor=2, employed_at_enrolment=6, employed_after=5)
    return World(call_a, call_b, hei_1, hei_2, [case_1, case_2, case_3, case_4], [credential_1, credential_2], t0)
