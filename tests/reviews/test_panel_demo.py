"""The demo shows a case in every panel stage, each reached through the real services and workflow."""
import hashlib
import json

from sqlalchemy import func, select

from qa_portal.decisions.models import Complaint, Decision
from qa_portal.demo import load_demo
from qa_portal.extensions import db
from qa_portal.reviews.models import (
    Case, CaseState, FactualComment, MemberStatus, ObjectionRuling, PanelMember, PanelObjection, PanelReport,
    ReportStatus, SiteVisit,
)


def _case_in(state: CaseState) -> Case:
    cases = db.session.scalars(select(Case).where(Case.state == state)).all()
    assert cases, f"no demo case in {state}"
    return cases[-1]


def test_demo_has_a_case_in_every_panel_stage(app):
    """Every panel stage holds a case, and so do decided (awaiting publication), published (in the register) and
    appeal lodged (a negative decision under appeal), follow-up, and an upgrade linked to its earlier decision."""
    load_demo()
    db.session.commit()
    for state in (CaseState.PANEL_FORMATION, CaseState.DESK_REVIEW, CaseState.SITE_VISIT, CaseState.REPORT_DRAFTING,
                  CaseState.FACTUAL_ACCURACY, CaseState.DECISION_PENDING, CaseState.DECIDED, CaseState.PUBLISHED,
                  CaseState.APPEAL_LODGED, CaseState.FOLLOW_UP):
        _case_in(state)
    seats = db.session.scalar(select(func.count(PanelMember.id)))
    load_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(PanelMember.id))) == seats  # loads once
    upgraded = db.session.scalar(select(Decision).where(Decision.supersedes_id.is_not(None)))
    assert upgraded is not None and upgraded.published_at is not None  # the linked positive decision
    answered = db.session.scalars(select(Complaint.answer)).all()
    assert len(answered) == 2 and sum(bool(answer) for answer in answered) == 1


def _demo_panel_formation_shows_a_flagged_conflict_and_an_open_objection():
    """The case in panel formation has a conflicted member (detected), a member still to declare, and an objection
    awaiting a ruling."""
    case = _case_in(CaseState.PANEL_FORMATION)
    members = db.session.scalars(select(PanelMember).where(PanelMember.case_id == case.id)).all()
    assert any(member.status == MemberStatus.CONFLICTED and member.detected_conflict for member in members)
    assert any(member.status == MemberStatus.PROPOSED and member.declaration is None for member in members)
    objection = db.session.scalar(select(PanelObjection).join(PanelMember).where(PanelMember.case_id == case.id))
    assert objection is not None and objection.ruling == ObjectionRuling.PENDING


def _demo_desk_review_is_partly_scored():
    """In desk review one member has submitted and one still holds a draft."""
    case = _case_in(CaseState.DESK_REVIEW)
    members = db.session.scalars(select(PanelMember).where(PanelMember.case_id == case.id,
                                                           PanelMember.status == MemberStatus.CLEARED)).all()
    submitted = [member for member in members if member.scores_submitted_at is not None]
    assert 0 < len(submitted) < len(members)


def _demo_site_visit_and_skipped_visit():
    """The visit case has an agenda; the report-drafting case skipped its visit with a written justification."""
    visit = db.session.scalar(select(SiteVisit).where(SiteVisit.case_id == _case_in(CaseState.SITE_VISIT).id))
    assert visit is not None and visit.sessions
    skipped = db.session.scalar(select(SiteVisit).where(SiteVisit.case_id == _case_in(CaseState.REPORT_DRAFTING).id))
    assert skipped is not None and skipped.skip_justification.strip()


def _demo_factual_check_has_comments_and_the_final_report_is_hashed():
    """The institution commented on the sent draft; the decision-pending case's final report matches its hash."""
    checking = db.session.scalar(select(PanelReport).where(
        PanelReport.case_id == _case_in(CaseState.FACTUAL_ACCURACY).id))
    assert db.session.scalar(select(func.count(FactualComment.id)).where(FactualComment.report_id == checking.id))
    final = db.session.scalar(select(PanelReport).where(
        PanelReport.case_id == _case_in(CaseState.DECISION_PENDING).id))
    assert final.status == ReportStatus.FINAL
    frozen = [version for version in final.versions if version.is_final]
    assert len(frozen) == 1 and frozen[0].sha256 == final.final_sha256
    canonical = json.dumps(frozen[0].content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert hashlib.sha256(canonical.encode()).hexdigest() == final.final_sha256


def test_demo_stages_show_what_each_stage_is_about(app):
    """Conflict and objection in formation, partial scoring, an agenda, a justified skip, comments, a hashed report."""
    load_demo()
    db.session.commit()
    _demo_panel_formation_shows_a_flagged_conflict_and_an_open_objection()
    _demo_desk_review_is_partly_scored()
    _demo_site_visit_and_skipped_visit()
    _demo_factual_check_has_comments_and_the_final_report_is_hashed()
