"""The demo steps of the panel report, run on a demo case with the shipped standards: drafted, sent, commented
twice, answered (one accepted with a revision), finalised with its hash."""
from sqlalchemy import select

from qa_portal.demo import load_demo
from qa_portal.demo import panel_report as demo
from qa_portal.extensions import db
from qa_portal.reviews.services import factual
from qa_portal.reviews.services import report as reports
from qa_portal.reviews.models import Case, CaseState, CommentResponseKind, PanelRole, ReportStatus
from tests.factories import login
from tests.reviews.factories import criteria_of, hei_user_for
from tests.reviews.panel_factories import cleared_panel
from tests.reviews.walk_setups import give_consensus


def _demo_case_in_drafting():
    """A demo case with real evidence, moved to report drafting with a cleared panel and a mixed consensus."""
    load_demo()
    db.session.commit()
    case = next(case for case in db.session.scalars(select(Case).order_by(Case.id)) if case.evidence)
    panel = cleared_panel(case)
    give_consensus(case, level_index=0)
    partial = criteria_of(case)[1]
    judgement = next(j for j in db.session.scalars(select(reports.ConsensusJudgement).where(
        reports.ConsensusJudgement.case_id == case.id)) if j.criterion_id == partial.id)
    judgement.level_id = [level for level in case.standard_version.levels if not level.not_applicable][2].id
    case.state = CaseState.REPORT_DRAFTING
    db.session.commit()
    return case, panel


def test_demo_steps_take_a_real_case_from_draft_to_final(app, client):
    """draft_report, send_report, comment_on_report, answer_comments and finalise leave a final report with two
    answered comments, a revised version after the accepted one, and a matching hash."""
    case, panel = _demo_case_in_drafting()
    chair, hei = panel[PanelRole.CHAIR], hei_user_for(case)
    demo.draft_report(case, chair)
    report = reports.report_of(case)
    assert report.sections and all(section.strengths and section.recommendations for section in report.sections)
    assert report.recommended_outcome.code == "positive_with_conditions"  # one standard judged partially compliant
    assert reports.send_problems(case) == []
    demo.send_report(case, chair)
    demo.comment_on_report(case, hei)
    comments = factual.comments_of(report)
    assert len(comments) == 2 and comments[0].evidence is not None
    demo.answer_comments(case, chair)
    assert [c.response for c in comments] == [CommentResponseKind.ACCEPTED, CommentResponseKind.REJECTED]
    demo.no_further_comments(case, hei)
    demo.finalise(case, chair)
    db.session.commit()
    assert case.state == CaseState.DECISION_PENDING and report.status == ReportStatus.FINAL
    final = factual.latest_version(report)
    assert final.is_final and final.number == 3 and final.sha256 == report.final_sha256
    assert reports.content_sha256(final.content) == final.sha256
    login(client, hei)
    page = client.get(f"/cases/{case.id}/report").get_data(as_text=True)
    assert demo.ANSWER_REJECTED[:19] in page and report.final_sha256 in page
