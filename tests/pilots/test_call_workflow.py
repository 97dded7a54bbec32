"""The call workflow: every (status, action) pair, its guards, effects and permissions on the core engine."""
import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.models import StateChange
from qa_portal.core.workflow import ActionForbidden, TransitionRefused
from qa_portal.extensions import db
from qa_portal.pilots.models import ApplicationStatus, CallAction, CallStatus, SelectionOutcome
from qa_portal.pilots.signals import selection_completed
from qa_portal.pilots.workflow import CALL_WORKFLOW
from qa_portal.standards.models import VersionStatus
from tests.factories import make_institution, make_user
from tests.pilots.calls_factories import (
    make_application, make_call, make_decision, make_specification, make_standard_version,
)

TRANSITIONS = CALL_WORKFLOW.transitions


@pytest.fixture(autouse=True)
def _request_context(app):
    """Guards translate their messages, which needs a request context."""
    with app.test_request_context():
        yield


# What each action does from each status: the target status, or None when refused ("not now", 409).
EXPECTED = {
    (CallStatus.DRAFT, CallAction.OPEN): CallStatus.OPEN,
    (CallStatus.OPEN, CallAction.CLOSE): CallStatus.CLOSED,
    (CallStatus.CLOSED, CallAction.COMPLETE_SELECTION): CallStatus.SELECTION_DONE,
}
# The column each move stamps.
STAMPS = {CallAction.OPEN: "opened_at", CallAction.CLOSE: "closed_at",
          CallAction.COMPLETE_SELECTION: "selection_completed_at"}

PAIRS = [(status, action) for status in CallStatus for action in CallAction]


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s.value}-{a.value}" for s, a in PAIRS])
def test_call_workflow_every_status_action_pair(app, status, action):
    """An officer's action moves the call exactly as the table says, stamping its time; any other pair is a 409
    that changes nothing."""
    officer = make_user(Role.OFFICER)
    call = make_call(status)
    if action == CallAction.OPEN:
        call.opened_at = None  # the stamp is the move's own
        db.session.commit()
    target = EXPECTED.get((status, action))
    if target is None:
        with pytest.raises(TransitionRefused) as refused:
            CALL_WORKFLOW.apply(call, action, officer)
        assert refused.value.status_code == 409
        db.session.rollback()
        assert db.session.get(type(call), call.id).status == status
    else:
        CALL_WORKFLOW.apply(call, action, officer)
        db.session.commit()
        assert db.session.get(type(call), call.id).status == target
        assert getattr(call, STAMPS[action]) is not None


def test_call_workflow_table_matches_expected():
    """The table holds exactly the three documented moves, each an officer's."""
    assert {(source, action): row.target for action, row in TRANSITIONS.items() for source in row.sources} == EXPECTED


@pytest.mark.parametrize("role", [Role.HEI, Role.EXPERT, Role.COUNCIL, Role.ADMIN, Role.APPEALS])
def test_call_workflow_refuses_everyone_but_officers(app, role):
    """Users without the officer role are refused every move ("not yours", 403) and see no buttons."""
    user = make_user(role, institution=make_institution()) if role == Role.HEI else make_user(role)
    call = make_call(CallStatus.DRAFT)
    assert CALL_WORKFLOW.available(user, call) == []
    for action in CallAction:
        with pytest.raises(ActionForbidden) as refused:
            CALL_WORKFLOW.apply(call, action, user)
        assert refused.value.status_code == 403
    assert call.status == CallStatus.DRAFT


def test_call_available_actions_follow_status_and_user(app):
    """An officer is offered the moves whose source is the call's status; nobody else is offered any."""
    officer = make_user(Role.OFFICER)
    assert CALL_WORKFLOW.available(officer, make_call(CallStatus.DRAFT)) == [CallAction.OPEN]
    assert CALL_WORKFLOW.available(officer, make_call(CallStatus.CLOSED)) == [CallAction.COMPLETE_SELECTION]
    assert CALL_WORKFLOW.available(officer, make_call(CallStatus.SELECTION_DONE)) == []


def test_call_open_refused_without_criteria(app):
    """A call without selection criteria cannot be opened."""
    call = make_call(CallStatus.DRAFT, criteria=())
    with pytest.raises(TransitionRefused, match="Add at least one selection criterion before opening the call."):
        CALL_WORKFLOW.apply(call, CallAction.OPEN, make_user(Role.OFFICER))


def test_call_open_refused_when_its_version_is_no_longer_approved(app):
    """A draft call whose standard-set version was superseded meanwhile cannot be opened."""
    call = make_call(CallStatus.DRAFT, version=make_standard_version(VersionStatus.SUPERSEDED))
    with pytest.raises(TransitionRefused, match="is no longer approved; bind the call to an approved version"):
        CALL_WORKFLOW.apply(call, CallAction.OPEN, make_user(Role.OFFICER))


def test_call_open_refused_once_the_closing_date_passed(app):
    """A draft call whose closing date is already past cannot be opened."""
    from datetime import timedelta

    call = make_call(CallStatus.DRAFT)
    call.opens_at, call.closes_at = call.opens_at - timedelta(days=30), call.opens_at - timedelta(days=20)
    db.session.commit()
    with pytest.raises(TransitionRefused, match="The closing date has passed"):
        CALL_WORKFLOW.apply(call, CallAction.OPEN, make_user(Role.OFFICER))


def test_call_complete_selection_refused_while_an_application_is_undecided(app):
    """The selection completes only once every submitted application has a decision."""
    institution = make_institution()
    call = make_call(CallStatus.CLOSED)
    make_application(call, institution, [make_specification(institution)], status=ApplicationStatus.SUBMITTED)
    with pytest.raises(TransitionRefused, match=r"needs a selection decision first \(1 without one\)"):
        CALL_WORKFLOW.apply(call, CallAction.COMPLETE_SELECTION, make_user(Role.OFFICER))
    assert CALL_WORKFLOW.blocker(make_user(Role.OFFICER), call, CallAction.COMPLETE_SELECTION).startswith("Every")


def test_call_complete_selection_refused_with_more_selected_than_pilots(app):
    """No more applications may be selected than the call allows pilots."""
    call = make_call(CallStatus.CLOSED, max_pilots=1)
    for _ in range(2):
        institution = make_institution()
        application = make_application(call, institution, [make_specification(institution)],
                                       status=ApplicationStatus.SUBMITTED)
        make_decision(application, SelectionOutcome.SELECTED)
    with pytest.raises(TransitionRefused, match="At most 1 applications may be selected; 2 are."):
        CALL_WORKFLOW.apply(call, CallAction.COMPLETE_SELECTION, make_user(Role.OFFICER))


def test_call_complete_selection_signals_the_selected_applications(app):
    """Completing the selection sends selection_completed with exactly the selected applications."""
    call = make_call(CallStatus.CLOSED)
    chosen, reserve = [], []
    for outcome, into in ((SelectionOutcome.SELECTED, chosen), (SelectionOutcome.RESERVE, reserve)):
        institution = make_institution()
        application = make_application(call, institution, [make_specification(institution)],
                                       status=ApplicationStatus.SUBMITTED)
        make_decision(application, outcome)
        into.append(application)
    heard = []

    def listener(sender, actor=None, applications=(), **_extra):
        heard.append((sender, list(applications)))

    selection_completed.connect(listener)
    try:
        CALL_WORKFLOW.apply(call, CallAction.COMPLETE_SELECTION, make_user(Role.OFFICER))
    finally:
        selection_completed.disconnect(listener)
    assert heard == [(call, chosen)]


def test_call_moves_are_audited_and_leave_a_timeline_row(app):
    """Every move writes an audit entry "call.<action>" and a generic timeline row with from and to."""
    officer = make_user(Role.OFFICER)
    call = make_call(CallStatus.OPEN)
    CALL_WORKFLOW.apply(call, CallAction.CLOSE, officer)
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "call.close"))
    assert entry.data == {"from": "open", "to": "closed"} and entry.actor_id == officer.id
    change = db.session.scalar(select(StateChange).where(StateChange.workflow == "call",
                                                         StateChange.object_id == call.id))
    assert (change.action, change.from_state, change.to_state) == ("close", "open", "closed")


def test_only_the_engine_assigns_pilot_statuses():
    """No module of the app assigns `.status` on a call, an application or a specification version: their
    workflows (core.workflow.Workflow.apply) are the only writers."""
    import ast
    import pathlib

    names = {"call", "application", "version", "specification", "spec", "link"}
    root = pathlib.Path(__file__).resolve().parents[2] / "qa_portal"
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, ast.AugAssign | ast.AnnAssign) else []
            for target in targets:
                if (isinstance(target, ast.Attribute) and target.attr == "status"
                        and isinstance(target.value, ast.Name) and target.value.id in names):
                    offenders.append(f"{path}:{node.lineno}")
    assert offenders == []
