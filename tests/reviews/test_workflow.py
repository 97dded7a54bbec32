"""The case workflow on the core engine: one transition table (reviews' rows, decisions' rows registered at app start),
walked for every (state, action) pair, and the engine's rules for a case."""
import pytest
from sqlalchemy import func, select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.workflow import ActionForbidden, TransitionRefused
from qa_portal.decisions.subscribers import CASE_TRANSITIONS
from qa_portal.extensions import db
from qa_portal.reviews import workflow
from qa_portal.reviews.models import Case, CaseAction, CaseEvent, CaseState, SerSubmission
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.factories import login, make_institution, make_user
from tests.reviews.walk_setups import GUARD_SETUPS
from tests.reviews.factories import complete_ser, criteria_of, hei_user_for, make_case, write_entry


def _everyone_for(case):
    """A user holding every role and belonging to the case's institution, so only the table decides."""
    return make_user(Role.OFFICER, Role.HEI, Role.COUNCIL, Role.APPEALS, institution=case.institution)


def _events(case) -> int:
    return db.session.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.case_id == case.id))


@pytest.mark.parametrize("action", list(CaseAction), ids=str)
@pytest.mark.parametrize("state", list(CaseState), ids=str)
def test_transition_table_decides_every_state_action_pair(app, state, action):
    """An action moves the case to its target from its source states only; from any other state it is a 409."""
    case = make_case(standards=1, criteria=1)
    actor = _everyone_for(case)
    complete_ser(case)
    case.state = state  # set up directly: the walk starts from every state
    db.session.commit()
    if action in (CaseAction.RETURN_SER, CaseAction.ACCEPT_SER) and state == CaseState.SER_SUBMITTED:
        db.session.add(SerSubmission(case_id=case.id, number=1, content={}, submitted_by_id=actor.id))
        db.session.commit()
    transition = CASE_WORKFLOW.transitions[action]
    if state in transition.sources:
        GUARD_SETUPS.get(action, lambda _case, _actor: None)(case, actor)
        event = CASE_WORKFLOW.apply(case, action, actor, comment="Reasons given.")
        db.session.commit()
        assert case.state == transition.target
        assert (event.from_state, event.to_state, event.action) == (state, transition.target, action)
    else:
        with pytest.raises(TransitionRefused):
            CASE_WORKFLOW.apply(case, action, actor, comment="Reasons given.")
        db.session.rollback()
        db.session.refresh(case)
        assert case.state == state
        assert _events(case) == 0


def test_transition_table_covers_every_action_and_withdraw_stops_at_decision(app):
    """Every action has a row; withdrawal is possible from exactly the states before a decision."""
    assert set(CASE_WORKFLOW.transitions) == set(CaseAction)
    before = set(workflow.LIFECYCLE[:workflow.LIFECYCLE.index(CaseState.DECIDED)])
    assert CASE_WORKFLOW.transitions[CaseAction.WITHDRAW].sources == before


def test_transition_table_decisions_rows_are_registered_by_decisions(app):
    """decisions defines its own rows (decide, publish, follow-up, appeals, re-decision) at app start; reviews' own
    rows end at decision_pending and withdrawal."""
    decisions_actions = {CaseAction.DECIDE, CaseAction.PUBLISH, CaseAction.START_FOLLOW_UP,
                         CaseAction.REQUIRE_REDECISION, CaseAction.CLOSE_CASE, CaseAction.LODGE_APPEAL,
                         CaseAction.UPHOLD_DECISION, CaseAction.RETURN_FOR_RECONSIDERATION, CaseAction.DISMISS_APPEAL}
    assert set(CASE_TRANSITIONS) == decisions_actions
    assert all(CASE_WORKFLOW.transitions[action] is CASE_TRANSITIONS[action] for action in decisions_actions)
    reviews_targets = {row.target for action, row in CASE_WORKFLOW.transitions.items()
                       if action not in decisions_actions}
    assert CaseState.DECIDED not in reviews_targets and CaseState.DECISION_PENDING in reviews_targets


def test_transition_table_stages_register_their_guards_and_effects(app):
    """Each reviews stage registers the rules of its moves: the SER, the panel, the desk review, the visit, the report."""
    rows = CASE_WORKFLOW.transitions
    assert rows[CaseAction.SUBMIT_SER].guards and rows[CaseAction.SUBMIT_SER].effects
    assert rows[CaseAction.START_REVIEW].guards and rows[CaseAction.START_REVIEW].effects
    assert len(rows[CaseAction.SKIP_SITE_VISIT].guards) == 2  # desk review finished, then the justification
    assert rows[CaseAction.SEND_FOR_FACTUAL_CHECK].effects and rows[CaseAction.FINALISE_REPORT].guards


def test_case_move_records_event_and_audit_entry(app):
    """A transition writes a timeline event (from, to, action, actor, comment) and an audit entry."""
    case = make_case()
    hei = hei_user_for(case)
    CASE_WORKFLOW.apply(case, CaseAction.WITHDRAW, hei, comment="We are merging the programme.")
    db.session.commit()
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id))
    assert (event.from_state, event.to_state, event.actor_id) == (CaseState.SER_IN_PREPARATION,
                                                                   CaseState.WITHDRAWN, hei.id)
    assert event.comment == "We are merging the programme."
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case.withdraw"))
    assert entry.object_id == str(case.id) and entry.data["to"] == "withdrawn"


def test_case_move_refuses_users_without_permission_with_403(app):
    """An HEI user cannot accept its own SER; a user of another institution cannot submit it."""
    case = make_case(state=CaseState.SER_SUBMITTED)
    with pytest.raises(ActionForbidden) as refused:
        CASE_WORKFLOW.apply(case, CaseAction.ACCEPT_SER, hei_user_for(case))
    assert refused.value.status_code == 403
    other = make_user(Role.HEI, institution=make_institution())
    with pytest.raises(ActionForbidden):
        CASE_WORKFLOW.apply(make_case(), CaseAction.SUBMIT_SER, other)


@pytest.mark.parametrize("action,state", [
    (CaseAction.RETURN_SER, CaseState.SER_SUBMITTED),
    (CaseAction.WITHDRAW, CaseState.DESK_REVIEW),
    (CaseAction.SKIP_SITE_VISIT, CaseState.DESK_REVIEW),
])
def test_actions_needing_reasons_refuse_a_blank_comment(app, action, state):
    """Returning an SER, withdrawing a case and skipping the site visit each need written reasons."""
    case = make_case(state=state)
    with pytest.raises(TransitionRefused) as refused:
        CASE_WORKFLOW.apply(case, action, _everyone_for(case), comment="   ")
    assert refused.value.field == "comment"
    assert case.state == state


def test_submit_ser_guard_lists_what_is_missing(app):
    """Submitting needs every mandatory criterion answered and backed by evidence or a justification."""
    case = make_case(standards=1, criteria=2)
    first, second = criteria_of(case)
    write_entry(case, first, justification="No document exists; the practice is described above.")
    with pytest.raises(TransitionRefused) as refused:
        CASE_WORKFLOW.apply(case, CaseAction.SUBMIT_SER, hei_user_for(case))
    assert second.code in refused.value.message
    assert first.code not in refused.value.message.split(":", 1)[1].split("evidence")[0]
    write_entry(case, second, justification="Described in the narrative.")
    CASE_WORKFLOW.apply(case, CaseAction.SUBMIT_SER, hei_user_for(case))
    assert case.state == CaseState.SER_SUBMITTED


def test_unknown_action_is_refused_with_409(app):
    """An action name outside the enum is refused as a conflict."""
    case = make_case()
    with pytest.raises(TransitionRefused):
        CASE_WORKFLOW.apply(case, "approve_everything", _everyone_for(case))


def test_available_actions_follow_state_and_relationship(app):
    """The buttons: the HEI may submit or withdraw its SER in preparation; the officer screens a submitted one."""
    case = make_case()
    hei, officer = hei_user_for(case), make_user(Role.OFFICER)
    assert CASE_WORKFLOW.available(hei, case) == [CaseAction.SUBMIT_SER, CaseAction.WITHDRAW]
    assert CASE_WORKFLOW.available(officer, case) == []
    submitted = make_case(state=CaseState.SER_SUBMITTED)
    assert CASE_WORKFLOW.available(officer, submitted) == [CaseAction.ACCEPT_SER, CaseAction.RETURN_SER]
    stranger = make_user(Role.HEI, institution=make_institution())
    assert CASE_WORKFLOW.available(stranger, case) == []


def test_crafted_post_of_an_invalid_action_is_refused_and_changes_nothing(app, client):
    """An officer posting accept_ser on an SER still in preparation is sent back to the case page with the reason
    (not left on the action's URL); state and timeline are unchanged."""
    case = make_case()
    login(client, make_user(Role.OFFICER))
    response = client.post(f"/cases/{case.id}/actions/accept_ser", data={"comment": ""})
    assert response.status_code == 303
    assert "not possible" in client.get(response.location).get_data(as_text=True)
    response = client.post(f"/cases/{case.id}/actions/teleport", data={})
    assert response.status_code == 303
    db.session.refresh(case)
    assert case.state == CaseState.SER_IN_PREPARATION
    assert _events(case) == 0


def test_post_of_a_forbidden_action_gets_403(app, client):
    """An HEI user posting accept_ser on its own submitted SER is refused with 403."""
    case = make_case(state=CaseState.SER_SUBMITTED)
    login(client, hei_user_for(case))
    assert client.post(f"/cases/{case.id}/actions/accept_ser", data={}).status_code == 403
    db.session.refresh(case)
    assert case.state == CaseState.SER_SUBMITTED


def test_refused_reason_keeps_the_typed_text_out_and_shows_the_error(app, client):
    """Returning without reasons re-renders the case page with 409 and the field error."""
    case = make_case(state=CaseState.SER_SUBMITTED)
    login(client, make_user(Role.OFFICER))
    response = client.post(f"/cases/{case.id}/actions/return_ser", data={"comment": " "})
    assert response.status_code == 409
    assert "Give the reasons" in response.get_data(as_text=True)


def test_case_page_shows_timeline_and_the_viewers_buttons(app, client):
    """The case page lists the timeline and a button for each of the viewer's actions: one a guard would refuse now
    is disabled with the reason; nothing of the agency's is offered; who acts next is said once nothing is left."""
    case = make_case()
    hei = hei_user_for(case)
    CASE_WORKFLOW.apply(case, CaseAction.WITHDRAW, hei, comment="Programme closed.")
    db.session.commit()
    other = make_case(institution=case.institution)
    login(client, hei)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Programme closed." in page and "Withdrawn" in page
    assert "The case was withdrawn." in page
    page = client.get(f"/cases/{other.id}").get_data(as_text=True)
    assert 'disabled aria-describedby="blocked-submit_ser"' in page and "cannot be submitted yet" in page
    assert f"/cases/{other.id}/actions/accept_ser" not in page
    complete_ser(other)
    page = client.get(f"/cases/{other.id}").get_data(as_text=True)
    assert f"/cases/{other.id}/actions/submit_ser" in page and "blocked-submit_ser" not in page
    CASE_WORKFLOW.apply(other, CaseAction.SUBMIT_SER, hei)
    db.session.commit()
    page = client.get(f"/cases/{other.id}").get_data(as_text=True)
    assert "Waiting for the agency to screen the submitted self-evaluation." in page
    assert "Screen the submitted copy" not in page


def test_lifecycle_progress_places_states_on_the_main_line(app):
    """The progress bar: first step for a new case, appeal states sit with published, withdrawn is 0."""
    total = len(workflow.LIFECYCLE)
    assert workflow.lifecycle_progress(CaseState.SER_IN_PREPARATION) == (1, total)
    assert workflow.lifecycle_progress("appeal_lodged") == workflow.lifecycle_progress(CaseState.PUBLISHED)
    assert workflow.lifecycle_progress(CaseState.WITHDRAWN) == (0, total)


def test_only_the_engine_assigns_case_state():
    """No module of the app assigns `.state =` on a case: the engine (core/workflow.py) sets it by its state_attr."""
    import pathlib
    import re

    root = pathlib.Path(workflow.__file__).parents[1]
    offenders = []
    for path in root.rglob("*.py"):
        if re.search(r"\bcase\.state\s*=[^=]", path.read_text()):
            offenders.append(str(path))
    assert offenders == []
    assert Case.__tablename__ == "cases"
