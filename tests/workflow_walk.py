"""One step of a transition-table walk on the core engine, for the machines that keep their moves in core's
StateChange timeline: the action moves the object from a source state, or is a 409 that changes nothing."""
import pytest
from sqlalchemy import func, select

from qa_portal.core.models import StateChange
from qa_portal.core.workflow import TransitionRefused
from qa_portal.extensions import db


def state_changes(workflow, obj) -> int:
    """How many timeline rows the object has in core's StateChange table."""
    return db.session.scalar(select(func.count(StateChange.id)).where(
        StateChange.workflow == workflow.name, StateChange.object_id == obj.id))


def walk_step(workflow, obj, action, actor, comment: str = "Reasons given.", *, system: bool = False, **data) -> bool:
    """Take `action` on obj from its current state: from a source state it reaches the row's target with one timeline
    row (True); from any other it is refused with a 409, the state and timeline unchanged (False)."""
    state = workflow.state_of(obj)
    row = workflow.transitions[workflow.actions(action)]
    if state in row.sources:
        workflow.apply(obj, action, actor, comment, system=system, **data)
        db.session.commit()
        assert workflow.state_of(obj) == row.target and state_changes(workflow, obj) == 1
        return True
    with pytest.raises(TransitionRefused):
        workflow.apply(obj, action, actor, comment, system=system, **data)
    db.session.rollback()
    db.session.refresh(obj)
    assert workflow.state_of(obj) == state and state_changes(workflow, obj) == 0
    return False
