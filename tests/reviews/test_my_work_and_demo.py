"""My work lists review cases for HEI users and officers; the demo loader builds the three SER stages."""
from datetime import timedelta

from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.core.storage import sniff_kind, stored_path
from qa_portal.demo import load_demo
from qa_portal.extensions import db
from qa_portal.reviews.models import Case, CaseState, Evidence, SerSubmission
from qa_portal.reviews.services.self_evaluation import ser_overview
from tests.factories import login, make_user
from tests.reviews.factories import hei_user_for, make_case


def test_my_work_shows_hei_cases_with_overdue_deadline(app, client):
    """An HEI user's My work lists the institution's case with its SER deadline, flagged when overdue."""
    case = make_case(ser_due_at=utcnow() - timedelta(days=2))
    login(client, hei_user_for(case))
    page = client.get("/my-work").get_data(as_text=True)
    assert case.reference in page and "overdue" in page


def test_my_work_shows_officer_the_submitted_sers_to_screen(app, client):
    """Officers see every submitted SER waiting for screening and the cases they coordinate."""
    officer = make_user(Role.OFFICER)
    waiting = make_case(state=CaseState.SER_SUBMITTED)
    mine = make_case(coordinator_id=officer.id)
    other = make_case()
    login(client, officer)
    page = client.get("/my-work").get_data(as_text=True)
    assert waiting.reference in page and "Screen the submitted self-evaluation" in page
    assert mine.reference in page and other.reference not in page


def test_demo_has_cases_in_each_ser_stage_with_real_evidence(app):
    """The demo: one SER partly written, one submitted, one returned with reasons; real files; loads once."""
    load_demo()
    db.session.commit()
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    states = [case.state for case in cases]
    assert states.count(CaseState.SER_SUBMITTED) == 1
    returned = db.session.scalar(select(SerSubmission).where(SerSubmission.returned_at.is_not(None)))
    assert returned is not None and returned.return_reasons
    partial = next(case for case in cases if case.application_id is not None)
    overview = ser_overview(partial)
    assert 0 < overview.overall.answered < overview.overall.total
    for evidence in db.session.scalars(select(Evidence)):
        assert sniff_kind(stored_path(evidence.storage_name)) == evidence.kind
    evidence_count = db.session.scalar(select(db.func.count(Evidence.id)))
    load_demo()
    db.session.commit()
    assert db.session.scalar(select(db.func.count(Case.id))) == len(cases)
    assert db.session.scalar(select(db.func.count(Evidence.id))) == evidence_count
