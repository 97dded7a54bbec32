"""The desk-review demo helpers on a real case: partly or fully scored with one divergent criterion, the chair's
consensus, a visit ready to close, and a justified skip the officer can approve."""
from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.demo import desk_review as demo
from qa_portal.reviews.services import scoring
from qa_portal.reviews.services import site_visit as visits
from qa_portal.reviews.models import CaseState, PanelRole
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.factories import make_user
from tests.reviews.test_scoring import desk_review_case

ROLES = (PanelRole.CHAIR, PanelRole.ACADEMIC, PanelRole.STUDENT, PanelRole.SECRETARY)


def test_score_partly_leaves_a_draft_and_one_divergent_criterion(app):
    """Without submit_all the last scorer keeps a draft; the first two scorers diverge by two levels once."""
    case, panel = desk_review_case(roles=ROLES)
    demo.score(case, panel, submit_all=False)
    db.session.commit()
    officer = make_user(Role.OFFICER)
    summary = scoring.scoring_summary(case, officer)
    assert [m.role for m in summary.waiting_for] == [PanelRole.STUDENT]
    assert len(summary.divergent_rows) == 1
    assert scoring.missing_judgements(case, panel[PanelRole.STUDENT]) == []  # complete, just not submitted
    assert all(len(j.rationale) > 80 for row in summary.rows.values() for j in row.judgements.values() if j)
    assert scoring.desk_review_problems(case)


def test_score_leave_unscored_and_no_divergence(app):
    """leave_unscored keeps a member's page empty; without divergence no criterion is flagged."""
    case, panel = desk_review_case()
    demo.score(case, panel, divergent_criterion=False, leave_unscored=PanelRole.STUDENT)
    db.session.commit()
    assert scoring.judgements_of(panel[PanelRole.STUDENT]) == {}
    assert scoring.scoring_summary(case, make_user(Role.OFFICER)).divergent_rows == []


def test_full_demo_path_consensus_visit_and_close(app):
    """Scored, consensus recorded on every criterion, visit planned with notes: the case reaches report drafting."""
    case, panel = desk_review_case()
    demo.score(case, panel)
    demo.record_consensus(case, panel[PanelRole.CHAIR])
    db.session.commit()
    officer = make_user(Role.OFFICER)
    summary = scoring.scoring_summary(case, officer)
    assert all(row.consensus is not None for row in summary.rows.values())
    CASE_WORKFLOW.apply(case, CaseAction.START_SITE_VISIT, officer)
    demo.plan_visit(case, actor=officer)
    db.session.commit()
    assert visits.close_problems(case) == []
    assert len(visits.visit_of(case).sessions) == 5
    CASE_WORKFLOW.apply(case, CaseAction.CLOSE_SITE_VISIT, officer)
    assert case.state == CaseState.REPORT_DRAFTING


def test_plan_without_notes_and_skip_request(app):
    """A visit planned without notes cannot close; the chair's skip request lets the officer skip instead."""
    case, panel = desk_review_case()
    demo.score(case, panel)
    demo.plan_visit(case, with_notes=False)
    db.session.commit()
    assert visits.close_problems(case)
    demo.request_visit_skip(case, panel[PanelRole.CHAIR].user)
    db.session.commit()
    CASE_WORKFLOW.apply(case, CaseAction.SKIP_SITE_VISIT, make_user(Role.OFFICER), comment="Approved: recent visit.")
    assert case.state == CaseState.REPORT_DRAFTING
