"""The audit log hears every lifecycle move the engine makes: one chained entry per move."""
from qa_portal.audit.services import record
from qa_portal.core.workflow import transitioned


@transitioned.connect
def record_transition(workflow, obj=None, action=None, actor=None, source=None, target=None, comment="", **_extra):
    """Record '<workflow>.<action>' with the object's name, the move and the reason given."""
    data = {"from": source.value, "to": target.value}
    if comment:
        data["comment"] = comment
    record(actor, f"{workflow.name}.{action.value}", obj,
           f"{workflow.describe(obj)}: {action.value} ({source.value} → {target.value})", data)
