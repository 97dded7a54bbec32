"""The call workflow: every (status, action) pair, guards, and the single writer of call.status."""
import ast
import pathlib

import pytest

from qa_portal.auth.models import Role
from qa_portal.core.errors import DomainError
from qa_portal.extensions import db
from qa_portal.pilots.workflow import TRANSITIONS, CallAction, apply_call_action, available_actions
from qa_portal.pilots.models import CallStatus
from tests.factories import make_user
from tests.pilots.calls_factories import make_call


@pytest.fixture(autouse=True)
def _request_context(app):
    """Services translate their messages, which needs a request context."""
    with app.test_request_context():
        yield


EXPECTED = {
    (CallStatus.DRAFT, CallAction.OPEN): CallStatus.OPEN,
    (CallStatus.OPEN, CallAction.CLOSE): CallStatus.CLOSED,
    (CallStatus.CLOSED, CallAction.COMPLETE_SELECTION): CallStatus.SELECTION_DONE,
}


@pytest.mark.parametrize("status", list(CallStatus))
@pytest.mark.parametrize("action", list(CallAction))
def test_call_workflow_every_status_action_pair(app, status, action):
    """Each (status, action) pair either moves to the table's target or is refused with 409, changing nothing."""
    officer = make_user(Role.OFFICER)
    call = make_call(status)
    target = EXPECTED.get((status, action))
    if target is None:
        with pytest.raises(DomainError) as refused:
            apply_call_action(call, action, officer)
        assert refused.value.status_code == 409
        assert "cannot be changed this way" in refused.value.message
        db.session.rollback()
        assert db.session.get(type(call), call.id).status == status
    else:
        apply_call_action(call, action, officer)
        db.session.commit()
        assert call.status == target
        stamp = TRANSITIONS[action].stamp
        assert getattr(call, stamp) is not None


def test_call_workflow_table_matches_expected():
    """The transition table holds exactly the three documented moves."""
    assert {(source, action): t.target for action, t in TRANSITIONS.items() for source in t.sources} == EXPECTED


def test_call_open_refused_without_criteria(app):
    """A call without selection criteria cannot be opened."""
    call = make_call(CallStatus.DRAFT, criteria=())
    with pytest.raises(DomainError, match="Add at least one selection criterion before opening the call."):
        apply_call_action(call, CallAction.OPEN, make_user(Role.OFFICER))


def test_call_open_refused_when_its_version_is_no_longer_approved(app):
    """A draft call whose standard-set version was superseded meanwhile cannot be opened."""
    from qa_portal.standards.models import VersionStatus
    from tests.pilots.calls_factories import make_standard_version

    call = make_call(CallStatus.DRAFT, version=make_standard_version(VersionStatus.SUPERSEDED))
    with pytest.raises(DomainError, match="is no longer approved; bind the call to an approved version"):
        apply_call_action(call, CallAction.OPEN, make_user(Role.OFFICER))


def test_call_available_actions_follow_status(app):
    """The offered actions are those whose source is the call's status."""
    assert available_actions(make_call(CallStatus.DRAFT)) == [CallAction.OPEN]
    assert available_actions(make_call(CallStatus.SELECTION_DONE)) == []


def test_only_call_workflow_assigns_call_status():
    """No module of the app but pilots/workflow.py assigns `.status` on a call."""
    root = pathlib.Path(__file__).resolve().parents[2] / "qa_portal"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "workflow.py" and path.parent.name == "pilots":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if (isinstance(target, ast.Attribute) and target.attr == "status"
                            and isinstance(target.value, ast.Name) and target.value.id == "call"):
                        offenders.append(str(path))
    assert offenders == []
