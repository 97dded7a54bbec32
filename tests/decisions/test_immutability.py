"""D7: a recorded decision is never edited (409); only its publication stamp is set, once. A later decision on the
same case links to the one it replaces."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from qa_portal.core.models import utcnow
from qa_portal.decisions.services.council import DecisionImmutable, record_decision
from qa_portal.decisions.models import Decision
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.decisions.factories import council_member, decided_case, published_case, valid_input
from tests.decisions.test_follow_up import met_all_conditions
from tests.factories import login

MESSAGE = "A recorded decision cannot be changed; a change is a new decision linked to the old one."


def test_d7_editing_a_recorded_decision_is_refused(app):
    """D7: changing any field of a recorded decision is refused with 409."""
    _case, decision = decided_case()
    decision.reasons = "Rewritten afterwards."
    with pytest.raises(DecisionImmutable) as caught:
        db.session.flush()
    assert (caught.value.status_code, caught.value.message) == (409, MESSAGE)
    db.session.rollback()


def test_d7_editing_conditions_or_cited_criteria_is_refused(app):
    """D7: a recorded decision's conditions and cited criteria do not change either."""
    _case, decision = decided_case("positive_with_conditions")
    decision.conditions[0].due_on = decision.conditions[0].due_on + timedelta(days=1)
    with pytest.raises(DecisionImmutable):
        db.session.flush()
    db.session.rollback()
    decision = db.session.get(Decision, decision.id)
    decision.criteria = []
    with pytest.raises(DecisionImmutable):
        db.session.flush()
    db.session.rollback()


def test_d7_deleting_a_decision_is_refused(app):
    """D7: a decision is never deleted."""
    _case, decision = decided_case()
    db.session.delete(decision)
    with pytest.raises(DecisionImmutable):
        db.session.flush()
    db.session.rollback()


def test_d7_publication_stamp_is_set_once(app):
    """D7: publication stamps published_at once; re-stamping it is an edit and refused."""
    _case, decision = published_case()
    assert decision.published_at is not None
    decision.published_at = utcnow() + timedelta(days=1)
    with pytest.raises(DecisionImmutable):
        db.session.flush()
    db.session.rollback()


def test_d7_deciding_again_on_a_decided_case_is_refused(app):
    """D7: recording a second decision while one stands is an edit: 409, the first one unchanged."""
    case, decision = decided_case()
    with pytest.raises(DecisionImmutable) as caught:
        record_decision(council_member(case, declared=False), case, valid_input(case, "negative"))
    assert caught.value.message == MESSAGE
    db.session.rollback()
    assert db.session.scalars(select(Decision.id).where(Decision.case_id == case.id)).all() == [decision.id]


def test_d7_posting_the_decision_form_after_the_decision_answers_409(app, client):
    """D7: the decision form answers 409 with the message once a decision is recorded."""
    case, _decision = decided_case()
    member = council_member()
    login(client, member)
    response = client.post(f"/cases/{case.id}/decision", data={"reasons": "Changed."})
    assert response.status_code == 409
    assert MESSAGE in response.get_data(as_text=True)


def test_d7_a_later_decision_links_to_the_one_it_replaces(app):
    """D7: a new decision on the same case (after the case returned to decision_pending) links to the old one,
    which stays unchanged."""
    case, first = published_case("positive_with_conditions")
    case.state = CaseState.FOLLOW_UP
    db.session.commit()
    officer = first.published_by
    met_all_conditions(case, officer)  # REQUIRE_REDECISION needs every condition verified (decisions.follow_up)
    CASE_WORKFLOW.apply(case, CaseAction.REQUIRE_REDECISION, officer, comment="Conditions met; upgrade requested.")
    db.session.commit()
    member = council_member(case)
    second = record_decision(member, case, valid_input(case, "positive"))
    db.session.commit()
    assert second.supersedes_id == first.id
    assert db.session.get(Decision, first.id).outcome.code == "positive_with_conditions"
