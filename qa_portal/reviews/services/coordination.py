"""Case coordination services: the officer who coordinates a case, and the SER deadline."""
from datetime import date

from flask_babel import gettext as _

from qa_portal.audit.services import record
from qa_portal.auth.models import Role, User
from qa_portal.core.dates import keep_or_end_of_day
from qa_portal.core.errors import DomainError
from qa_portal.extensions import db
from qa_portal.reviews.models import Case


def update_case_coordination(actor, case: Case, coordinator: User | None, ser_due_on: date | None) -> Case:
    """Assign (or clear) the coordinating officer and set the SER due date (kept as it is when the day is unchanged,
    else the end of that day in the agency's zone); the coordinator must be an officer."""
    if coordinator is not None and not (coordinator.active and coordinator.has_role(Role.OFFICER)):
        raise DomainError(_("The coordinator must be an active agency officer."), field="coordinator")
    before = {"coordinator_id": case.coordinator_id, "ser_due_at": case.ser_due_at}
    case.coordinator_id = coordinator.id if coordinator is not None else None
    case.ser_due_at = ser_due_at = keep_or_end_of_day(case.ser_due_at, ser_due_on)
    db.session.flush()
    record(actor, "case.coordination", case,
           f"{case.reference}: coordinator {coordinator.email if coordinator else 'none'}, SER due {ser_due_at:%Y-%m-%d}"
           if ser_due_at else f"{case.reference}: coordinator {coordinator.email if coordinator else 'none'}",
           {"before": before, "after": {"coordinator_id": case.coordinator_id, "ser_due_at": ser_due_at}})
    return case
