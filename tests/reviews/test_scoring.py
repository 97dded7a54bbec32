"""Desk review scoring rules: drafts, complete submission, locking, who sees whose judgements, divergence,
consensus, deadlines and the desk-review guard. (Helpers here are reused by the other scoring/visit tests.)"""
from datetime import timedelta

import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.reviews.services import scoring
from qa_portal.reviews.models import CaseState, ConsensusJudgement, PanelRole
from qa_portal.reviews.services.self_evaluation import version_levels
from qa_portal.core.workflow import TransitionRefused
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.factories import make_user
from tests.reviews.factories import complete_ser, criteria_of, make_case, make_evidence
from tests.reviews.panel_factories import cleared_panel, seat

ROLES = (PanelRole.CHAIR, PanelRole.ACADEMIC, PanelRole.STUDENT)


def desk_review_case(standards: int = 2, criteria: int = 2, roles=ROLES):
    """A case in desk review: complete SER with one evidence file, a cleared panel with scoring deadlines."""
    case = make_case(standards=standards, criteria=criteria)
    complete_ser(case)
    panel = cleared_panel(case, roles)
    for member in panel.values():
        member.scoring_due_at = utcnow() + timedelta(days=21)
    case.state = CaseState.DESK_REVIEW
    db.session.commit()
    return case, panel


def scale(case) -> list:
    """The case's levels in order, not-applicable left out."""
    return [level for level in version_levels(case) if not level.not_applicable]


def judge_all(member, level_index: int = 0, rationale: str = "Shown by the policy and the minutes.",
              submit: bool = False) -> None:
    """Judge every criterion of the member's case at one level, optionally submit; commits."""
    case = member.case
    level = scale(case)[level_index]
    for criterion in criteria_of(case):
        scoring.save_judgement(member.user, member, criterion.id, level.id, rationale, [])
    if submit:
        scoring.submit_judgements(member.user, member)
    db.session.commit()


def test_save_judgement_keeps_incomplete_drafts(app):
    """A member may save a draft without a level or rationale; it simply does not count as complete."""
    case, panel = desk_review_case()
    member, criterion = panel[PanelRole.ACADEMIC], criteria_of(case)[0]
    judgement = scoring.save_judgement(member.user, member, criterion.id, None, "", [])
    db.session.commit()
    assert judgement.id and not judgement.is_complete
    assert criterion in scoring.missing_judgements(case, member)


def test_save_judgement_records_level_rationale_and_evidence(app):
    """A judgement holds a level of the case's scale, the rationale and the case's evidence relied on."""
    case, panel = desk_review_case()
    member, criterion = panel[PanelRole.ACADEMIC], criteria_of(case)[0]
    evidence = case.evidence[0]
    scoring.save_judgement(member.user, member, criterion.id, scale(case)[1].id, "  The minutes show it. ",
                           [evidence.id])
    db.session.commit()
    judgement = scoring.judgements_of(member)[criterion.id]
    assert (judgement.level_id, judgement.rationale, judgement.evidence) == (scale(case)[1].id,
                                                                             "The minutes show it.", [evidence])


def test_save_judgement_refuses_other_cases_level_or_evidence(app):
    """Levels of another version and evidence of another case are refused (409, at the field)."""
    case, panel = desk_review_case()
    other = make_case()
    complete_ser(other)
    member, criterion = panel[PanelRole.ACADEMIC], criteria_of(case)[0]
    with pytest.raises(scoring.ScoringRefused) as refused:
        scoring.save_judgement(member.user, member, criterion.id, scale(other)[0].id, "x", [])
    assert refused.value.field == "level"
    with pytest.raises(scoring.ScoringRefused) as refused:
        scoring.save_judgement(member.user, member, criterion.id, None, "x", [other.evidence[0].id])
    assert refused.value.field == "evidence"
    with pytest.raises(scoring.ScoringRefused):
        scoring.save_judgement(member.user, member, criteria_of(other)[0].id, None, "x", [])


def test_judgements_only_during_desk_review(app):
    """Judgements cannot be written outside the desk review."""
    case, panel = desk_review_case()
    case.state = CaseState.SITE_VISIT
    db.session.commit()
    member = panel[PanelRole.ACADEMIC]
    with pytest.raises(scoring.ScoringRefused):
        scoring.save_judgement(member.user, member, criteria_of(case)[0].id, None, "", [])


def test_submit_refused_until_every_criterion_has_level_and_rationale(app):
    """Submitting with a criterion lacking its level or rationale is a 409 listing the missing criteria."""
    case, panel = desk_review_case()
    member = panel[PanelRole.ACADEMIC]
    first, second, *rest = criteria_of(case)
    scoring.save_judgement(member.user, member, first.id, scale(case)[0].id, "Fine.", [])
    scoring.save_judgement(member.user, member, second.id, scale(case)[0].id, "   ", [])
    with pytest.raises(scoring.ScoringRefused) as refused:
        scoring.submit_judgements(member.user, member)
    assert refused.value.status_code == 409
    assert second.code in refused.value.message and first.code not in refused.value.message
    assert all(criterion.code in refused.value.message for criterion in rest)
    assert member.scores_submitted_at is None


def test_submitted_judgements_are_locked_and_audited(app):
    """After submitting, the member's judgements cannot change (409); the submission is in the audit log."""
    case, panel = desk_review_case()
    member = panel[PanelRole.ACADEMIC]
    judge_all(member, submit=True)
    assert member.scores_submitted_at is not None
    with pytest.raises(scoring.ScoringRefused) as refused:
        scoring.save_judgement(member.user, member, criteria_of(case)[0].id, scale(case)[2].id, "Changed.", [])
    assert refused.value.status_code == 409
    with pytest.raises(scoring.ScoringRefused):
        scoring.submit_judgements(member.user, member)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "scoring.submitted"))


def test_member_sees_others_judgements_only_after_submitting(app):
    """Before submitting their own, a member (the chair too) sees no other member's judgement; after, all."""
    case, panel = desk_review_case()
    judge_all(panel[PanelRole.ACADEMIC], rationale="Academic reasons.", submit=True)
    chair, student = panel[PanelRole.CHAIR], panel[PanelRole.STUDENT]
    for member in (chair, student):
        assert not scoring.can_see_others_judgements(member.user, case)
        assert scoring.others_judgements(case, member) == {}
        summary = scoring.scoring_summary(case, member.user)
        assert not summary.reveals
        assert all(j is None for row in summary.rows.values() for j in row.judgements.values())
    judge_all(chair, submit=True)
    assert scoring.can_see_others_judgements(chair.user, case)
    seen = scoring.others_judgements(case, chair)
    assert {j.rationale for group in seen.values() for _m, j in group} == {"Academic reasons."}
    assert scoring.scoring_summary(case, chair.user).reveals


def test_officer_sees_submitted_judgements_but_never_drafts(app):
    """Officers see every submitted judgement at any time; unsubmitted drafts stay private to their writer."""
    case, panel = desk_review_case()
    judge_all(panel[PanelRole.ACADEMIC], rationale="Submitted text.", submit=True)
    judge_all(panel[PanelRole.STUDENT], rationale="Draft text.")
    summary = scoring.scoring_summary(case, make_user(Role.OFFICER))
    rationales = {j.rationale for row in summary.rows.values() for j in row.judgements.values() if j}
    assert rationales == {"Submitted text."}
    assert [m.id for m in summary.waiting_for] == [panel[PanelRole.CHAIR].id, panel[PanelRole.STUDENT].id]


def test_secretary_does_not_score(app):
    """The panel secretary is no scoring member and does not hold up the desk review."""
    case, panel = desk_review_case(roles=ROLES + (PanelRole.SECRETARY,))
    assert panel[PanelRole.SECRETARY] not in scoring.scoring_members(case)
    assert scoring.scoring_seat(panel[PanelRole.SECRETARY].user, case) is None


def test_spread_of_two_levels_is_flagged_not_applicable_excluded(app):
    """A criterion whose members' levels are two or more steps apart is divergent; not-applicable is ignored."""
    case, panel = desk_review_case(standards=1, criteria=2)
    first, second = criteria_of(case)
    levels = version_levels(case)
    not_applicable = next(level for level in levels if level.not_applicable)
    plan = {PanelRole.CHAIR: (scale(case)[0], scale(case)[0]), PanelRole.ACADEMIC: (scale(case)[2], not_applicable),
            PanelRole.STUDENT: (scale(case)[1], scale(case)[1])}
    for role, (level_a, level_b) in plan.items():
        member = panel[role]
        scoring.save_judgement(member.user, member, first.id, level_a.id, "Because.", [])
        scoring.save_judgement(member.user, member, second.id, level_b.id, "Because.", [])
        scoring.submit_judgements(member.user, member)
    db.session.commit()
    summary = scoring.scoring_summary(case, make_user(Role.OFFICER))
    assert summary.rows[first.id].spread == 2 and summary.rows[first.id].divergent
    assert summary.rows[second.id].spread == 1 and not summary.rows[second.id].divergent
    assert [row.criterion for row in summary.divergent_rows] == [first]


def test_chair_records_consensus_with_required_rationale(app):
    """The chair records the consensus level and rationale per criterion (audited); a blank rationale is a 409."""
    case, panel = desk_review_case()
    chair, criterion = panel[PanelRole.CHAIR], criteria_of(case)[0]
    judge_all(chair, submit=True)
    with pytest.raises(scoring.ScoringRefused) as refused:
        scoring.record_consensus(chair.user, case, criterion.id, scale(case)[1].id, "  ")
    assert refused.value.field == "rationale"
    scoring.record_consensus(chair.user, case, criterion.id, scale(case)[1].id, "Agreed after discussion.")
    scoring.record_consensus(chair.user, case, criterion.id, scale(case)[0].id, "Revised after the visit.")
    db.session.commit()
    rows = db.session.scalars(select(ConsensusJudgement).where(ConsensusJudgement.case_id == case.id)).all()
    assert [(row.level_id, row.rationale, row.recorded_by_id) for row in rows] == [
        (scale(case)[0].id, "Revised after the visit.", chair.user_id)]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "scoring.consensus"))


def test_consensus_allowed_from_desk_review_to_drafting_only(app):
    """Consensus may be recorded in desk review, site visit and report drafting, not after."""
    case, panel = desk_review_case()
    chair, criterion = panel[PanelRole.CHAIR], criteria_of(case)[0]
    judge_all(chair, submit=True)
    for state in (CaseState.SITE_VISIT, CaseState.REPORT_DRAFTING):
        case.state = state
        scoring.record_consensus(chair.user, case, criterion.id, scale(case)[0].id, "Agreed.")
    case.state = CaseState.FACTUAL_ACCURACY
    with pytest.raises(scoring.ScoringRefused):
        scoring.record_consensus(chair.user, case, criterion.id, scale(case)[0].id, "Agreed.")


def test_chair_must_submit_before_recording_consensus(app):
    """The chair is a member like any other: no consensus before their own judgements are submitted."""
    case, panel = desk_review_case()
    with pytest.raises(scoring.ScoringRefused):
        scoring.record_consensus(panel[PanelRole.CHAIR].user, case, criteria_of(case)[0].id, scale(case)[0].id,
                                 "Agreed.")


def test_overdue_member_is_flagged(app):
    """A member whose scoring deadline passed without a submission is overdue; submitting clears it."""
    case, panel = desk_review_case()
    member = panel[PanelRole.STUDENT]
    member.scoring_due_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert member.scoring_overdue
    judge_all(member, submit=True)
    assert not member.scoring_overdue


def test_desk_review_problems_name_who_has_not_submitted(app):
    """Leaving the desk review needs every scoring member's submission; the refusal names who is missing."""
    case, panel = desk_review_case()
    judge_all(panel[PanelRole.CHAIR], submit=True)
    problems = scoring.desk_review_problems(case)
    assert len(problems) == 1
    assert panel[PanelRole.STUDENT].user.full_name in problems[0]
    assert panel[PanelRole.CHAIR].user.full_name not in problems[0]
    officer = make_user(Role.OFFICER)
    with pytest.raises(TransitionRefused):
        CASE_WORKFLOW.apply(case, CaseAction.START_SITE_VISIT, officer)
    for role in (PanelRole.ACADEMIC, PanelRole.STUDENT):
        judge_all(panel[role], submit=True)
    assert scoring.desk_review_problems(case) == []
    CASE_WORKFLOW.apply(case, CaseAction.START_SITE_VISIT, officer)
    assert case.state == CaseState.SITE_VISIT


def test_desk_review_problems_without_scoring_members(app):
    """A case with no cleared scoring member cannot leave the desk review."""
    case = make_case()
    seat(case, PanelRole.SECRETARY)
    assert scoring.desk_review_problems(case)


def test_evidence_relied_on_may_be_any_case_file(app):
    """Members choose among all the case's evidence files, not only those the HEI linked to the criterion."""
    case, panel = desk_review_case()
    case.state = CaseState.SER_IN_PREPARATION  # files are uploaded while the SER is written
    extra = make_evidence(case, (), title="Minutes of the faculty council")
    case.state = CaseState.DESK_REVIEW
    member = panel[PanelRole.ACADEMIC]
    judgement = scoring.save_judgement(member.user, member, criteria_of(case)[0].id, None, "", [extra.id])
    assert judgement.evidence == [extra]
