"""An appeal ruled inadmissible (late, unauthorised, out of scope) is dismissed in the same step: the case leaves
appeal_lodged for the state the appeal found it in (published, follow-up or closed) through the workflow, every move
audited, and the public register shows the appeal dismissed while the decision stands."""
import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.decisions.services.appeals import lodge_appeal, record_admissibility
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseAction, CaseEvent, CaseState
from qa_portal.core.workflow import TransitionRefused
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.decisions.appeal_factories import STATEMENT, admitted, lodged
from tests.decisions.factories import published_case
from tests.decisions.test_follow_up import in_follow_up
from tests.factories import login, make_user
from tests.reviews.factories import hei_user_for


def _timeline(case) -> list[tuple]:
    return db.session.execute(select(CaseEvent.action, CaseEvent.from_state, CaseEvent.to_state)
                              .where(CaseEvent.case_id == case.id).order_by(CaseEvent.at, CaseEvent.id)).all()


def test_an_inadmissible_appeal_is_dismissed_and_the_decision_stays_published(app):
    """A late appeal is dismissed with the ruling: appeal_lodged → published, with the label and reason on the
    timeline and both steps in the audit log."""
    appeal = lodged()
    officer = make_user(Role.OFFICER)
    record_admissibility(officer, appeal, "late", "Lodged 40 days after publication.")
    db.session.commit()
    case = appeal.case
    assert case.state == CaseState.PUBLISHED
    dismissal = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                          CaseEvent.action == CaseAction.DISMISS_APPEAL))
    assert (dismissal.from_state, dismissal.to_state, dismissal.actor_id) == (
        CaseState.APPEAL_LODGED, CaseState.PUBLISHED, officer.id)
    assert dismissal.comment == "Inadmissible: late: Lodged 40 days after publication."
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == officer.id)))
    assert {"appeal.rule_inadmissible", "case.dismiss_appeal"} <= actions


def test_an_admissible_appeal_is_not_dismissed(app):
    """An admissible ruling leaves the case in appeal_lodged for the appeals body."""
    appeal = admitted()
    assert appeal.case.state == CaseState.APPEAL_LODGED


def test_a_dismissed_appeal_returns_a_case_in_follow_up_to_follow_up(app):
    """An appeal lodged during follow-up and ruled out of scope takes the case back to follow_up: dismissed to
    published, then the follow-up restarted by its own action."""
    case, _decision, officer = in_follow_up()
    appeal = lodge_appeal(hei_user_for(case), case, ["process_not_followed"], STATEMENT)
    record_admissibility(officer, appeal, "out_of_scope", "It contests the panel's membership.")
    db.session.commit()
    assert case.state == CaseState.FOLLOW_UP
    assert _timeline(case)[-3:] == [
        (CaseAction.LODGE_APPEAL, CaseState.FOLLOW_UP, CaseState.APPEAL_LODGED),
        (CaseAction.DISMISS_APPEAL, CaseState.APPEAL_LODGED, CaseState.PUBLISHED),
        (CaseAction.START_FOLLOW_UP, CaseState.PUBLISHED, CaseState.FOLLOW_UP)]


def test_a_dismissed_appeal_returns_a_closed_case_to_closed(app):
    """An appeal lodged against a closed case and ruled unauthorised leaves the case closed again."""
    case, decision = published_case("positive")
    CASE_WORKFLOW.apply(case, CaseAction.CLOSE_CASE, decision.published_by)
    appeal = lodge_appeal(hei_user_for(case), case, ["evidence_misread"], STATEMENT)
    record_admissibility(make_user(Role.OFFICER), appeal, "unauthorised", "Lodged by a consultant, not the HEI.")
    db.session.commit()
    assert case.state == CaseState.CLOSED
    assert _timeline(case)[-1] == (CaseAction.CLOSE_CASE, CaseState.PUBLISHED, CaseState.CLOSED)


@pytest.mark.parametrize("ruling, message", [
    (None, "The appeal cannot be dismissed: no officer has recorded the appeal inadmissible"),
    ("admissible", "The appeal cannot be dismissed: the appeal was recorded admissible, so the appeals body decides it"),
])
def test_dismiss_appeal_is_refused_unless_the_appeal_is_recorded_inadmissible(app, ruling, message):
    """The workflow's guard: dismiss_appeal only for an appeal an officer ruled inadmissible, with the exact message."""
    appeal = admitted() if ruling else lodged()
    with pytest.raises(TransitionRefused) as refused:
        CASE_WORKFLOW.apply(appeal.case, CaseAction.DISMISS_APPEAL, make_user(Role.OFFICER), comment="Dismissed.")
    assert refused.value.message == message
    db.session.rollback()
    db.session.refresh(appeal.case)
    assert appeal.case.state == CaseState.APPEAL_LODGED


def test_officer_dismisses_from_the_appeal_page_and_the_register_shows_it(app, client):
    """The officer's inadmissible ruling on the appeal page dismisses the appeal in the same request; the appeal
    page, the case's decision page and the public register say it is dismissed and the decision stands."""
    appeal = lodged()
    login(client, make_user(Role.OFFICER))
    response = client.post(f"/appeals/{appeal.id}/admissibility",
                           data={"admissibility": "late", "reason": "Lodged after the window closed."})
    assert response.status_code == 302
    db.session.refresh(appeal.case)
    assert appeal.case.state == CaseState.PUBLISHED
    assert "Dismissed as inadmissible on" in client.get(f"/appeals/{appeal.id}").get_data(as_text=True)
    page = client.get(f"/cases/{appeal.case_id}/decision").get_data(as_text=True)
    assert "The appeal was dismissed; the decision stands." in page
    client.post("/logout")
    page = client.get(f"/register/{appeal.decision_id}").get_data(as_text=True)
    assert "Appeal dismissed as inadmissible" in page and "Inadmissible: late" in page
    assert "Under appeal" not in page


def test_the_case_page_offers_no_dismiss_button_the_admissibility_ruling_dismisses(app, client):
    """While an appeal awaits its admissibility ruling the officer's case page has no 'Dismiss' button that could
    only be refused: the ruling on the appeal page dismisses an inadmissible appeal itself."""
    appeal = lodged()
    officer = make_user(Role.OFFICER)
    appeal.case.coordinator_id = officer.id
    db.session.commit()
    login(client, officer)
    response = client.get(f"/cases/{appeal.case_id}")
    assert response.status_code == 200
    assert "Dismiss the inadmissible appeal" not in response.get_data(as_text=True)
