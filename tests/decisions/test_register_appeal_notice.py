"""The register announces the appeal deadline only while an appeal can still be lodged against that decision."""
from datetime import timedelta

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState
from tests.decisions.appeal_factories import lodged
from tests.decisions.factories import decided_case, published_case
from tests.factories import make_user

NOTICE = "The institution may appeal against this decision until"


def test_a_freshly_published_decision_announces_its_appeal_deadline(app, client):
    _case, decision = published_case()
    assert NOTICE in client.get(f"/register/{decision.id}").get_data(as_text=True)


def test_no_deadline_is_announced_once_an_appeal_is_lodged(app, client):
    appeal = lodged()
    page = client.get(f"/register/{appeal.decision_id}").get_data(as_text=True)
    assert NOTICE not in page


def test_no_deadline_is_announced_after_the_window_closed(app, client):
    case, decision = decided_case()
    officer = make_user(Role.OFFICER)
    long_ago = utcnow() - timedelta(days=app.config["QA_APPEAL_WINDOW_DAYS"] + 1)
    decision.published_at, decision.published_by_id = long_ago, officer.id
    case.state = CaseState.PUBLISHED  # published long ago (set directly: the clock cannot be turned back)
    db.session.commit()
    assert NOTICE not in client.get(f"/register/{decision.id}").get_data(as_text=True)
