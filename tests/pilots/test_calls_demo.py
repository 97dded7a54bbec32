"""The calls demo: an open call with a draft, a closed call with a completed selection and its review case."""
from sqlalchemy import func, select

from qa_portal.demo import load_demo
from qa_portal.demo.calls import CLOSED_TITLE, OPEN_TITLE
from qa_portal.extensions import db
from qa_portal.pilots.models import Application, ApplicationStatus, Call, CallStatus, SelectionOutcome
from qa_portal.reviews.models import Case


def _counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count(model.id))) for model in (Call, Application, Case))


def test_calls_demo_shows_both_stages_and_is_idempotent(app):
    """The demo holds an open call with HEI B's draft and a completed selection that opened HEI A's case."""
    load_demo()
    db.session.commit()
    open_call = db.session.scalar(select(Call).where(Call.title == OPEN_TITLE))
    closed_call = db.session.scalar(select(Call).where(Call.title == CLOSED_TITLE))
    assert open_call.status == CallStatus.OPEN and closed_call.status == CallStatus.SELECTION_DONE
    drafts = [a for a in open_call.applications if a.status == ApplicationStatus.DRAFT]
    assert [a.institution.short_name for a in drafts] == ["HEI-B"]
    decisions = {a.institution.short_name: a.decision.outcome for a in closed_call.applications}
    assert decisions == {"HEI-A": SelectionOutcome.SELECTED, "HEI-B": SelectionOutcome.RESERVE}
    selected = next(a for a in closed_call.applications if a.decision.outcome == SelectionOutcome.SELECTED)
    case = db.session.scalar(select(Case).where(Case.application_id == selected.id))
    assert case is not None and case.institution.short_name == "HEI-A"
    assert case.standard_version_id == closed_call.standard_version_id
    before = _counts()
    load_demo()
    db.session.commit()
    assert _counts() == before


def test_calls_demo_writes_a_complete_specification_when_an_institution_has_none(app):
    """Without the specifications demo, the calls demo writes a complete, valid specification itself."""
    from qa_portal.auth.models import Role
    from qa_portal.demo.calls import _complete, _complete_specification
    from tests.factories import make_institution, make_user

    institution = make_institution(short_name="HEI-A")
    credential = _complete_specification(make_user(Role.HEI, institution=institution), institution)
    assert credential.institution_id == institution.id and _complete(credential.latest_version)
