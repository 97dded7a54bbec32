"""The audit log hears every lifecycle move the engine makes (one chained entry per move) and verifies its chain in
the daily maintenance pass."""
from qa_portal.audit.models import AuditEntry
from qa_portal.audit.services import record, verify_chain
from qa_portal.core.maintenance import MaintenanceProblem, daily_maintenance
from qa_portal.core.workflow import transitioned
from qa_portal.extensions import db


@transitioned.connect
def record_transition(workflow, obj=None, action=None, actor=None, source=None, target=None, comment="", **_extra):
    """Record '<workflow>.<action>' with the object's name, the move and the reason given."""
    data = {"from": source.value, "to": target.value}
    if comment:
        data["comment"] = comment
    record(actor, f"{workflow.name}.{action.value}", obj,
           f"{workflow.describe(obj)}: {action.value} ({source.value} → {target.value})", data)


@daily_maintenance.connect
def verify_audit_chain(_app, **_extra) -> str:
    """Recompute the audit hash chain every day; a break is a problem for a person to look at."""
    problem = verify_chain()
    if problem is not None:
        raise MaintenanceProblem(f"Audit chain broken at entry {problem.entry_id}: {problem.reason}.")
    return f"Audit chain intact: {db.session.query(AuditEntry.id).count()} entries verified."
