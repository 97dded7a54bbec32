"""The calls demo: an open call with a draft, a closed call with a completed selection and its review case."""
from sqlalchemy import func, select

from qa_portal.demo import load_demo
from qa_portal.extensions import db
from qa_portal.pilots.models import Application, ApplicationStatus, Call, CallStatus, SelectionOutcome
from qa_portal.reviews.models import Case, CaseState


def test_calls_demo_shows_both_stages_and_is_idempotent(app):
    """The demo holds an open call with HEI B's draft and a completed selection that opened one case."""
    load_demo()
    db.session.commit()
    calls = {call.status: call for call in db.session.scalars(select(Call))}
    assert set(calls) == {CallStatus.OPEN, CallStatus.SELECTION_DONE}
    drafts = [a for a in calls[CallStatus.OPEN].applications if a.status == ApplicationStatus.DRAFT]
    assert [a.institution.short_name for a in drafts] == ["HEI-B"]
    done = calls[CallStatus.SELECTION_DONE].applications
    assert sorted(a.decision.outcome for a in done) == [SelectionOutcome.RESERVE, SelectionOutcome.SELECTED]
    case = db.session.scalar(select(Case))
    assert case.state == CaseState.SER_IN_PREPARATION and case.institution.short_name == "HEI-A"
    load_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(Call.id))) == 2
    assert db.session.scalar(select(func.count(Application.id))) == 3
    assert db.session.scalar(select(func.count(Case.id))) == 1
