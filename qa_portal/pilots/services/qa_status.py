"""The QA status the public is told about a micro-credential, as ONE SQL expression every reader uses (the catalogue,
the register, the API, DEQAR): never a stored copy that can go stale.

pilots stores only how far a review has come (MicroCredential.qa_status: not reviewed / under review). Whether a
decision is in force is the decisions stage's business: it registers, at app start, the expression that derives the
status from the published decisions (decisions/services/qa_status.py); pilots never names decisions."""
from collections.abc import Callable
from datetime import date

from sqlalchemy import String, func, type_coerce
from sqlalchemy.orm import with_expression
from sqlalchemy.sql.elements import ColumnElement

from qa_portal.core.models import utcnow
from qa_portal.pilots.models import MicroCredential, PublicQaStatus

__all__ = ["register_decided_status", "public_qa_status", "with_public_status", "status_of"]

# (micro-credential id column, today) -> the status of the decision in force, NULL when none is published.
_decided_status: Callable[[ColumnElement, date], ColumnElement] | None = None


def register_decided_status(factory: Callable[[ColumnElement, date], ColumnElement]) -> None:
    """Let the decisions stage supply the status its published decisions give a micro-credential."""
    global _decided_status
    _decided_status = factory


def public_qa_status(credential_id: ColumnElement = MicroCredential.id, today: date | None = None) -> ColumnElement:
    """The public status of the micro-credential whose id is `credential_id`, as of `today`: the decision in force
    says it (quality-assured, not quality-assured, expired, under appeal), else the stored review stage."""
    stored = type_coerce(MicroCredential.qa_status, String)
    if _decided_status is None:
        return stored
    return type_coerce(func.coalesce(_decided_status(credential_id, today or utcnow().date()), stored), String)


def with_public_status(today: date | None = None):
    """A loader option filling MicroCredential.public_qa_status in the same query (no query per row)."""
    return with_expression(MicroCredential.public_qa_status, public_qa_status(MicroCredential.id, today))


def status_of(credential: MicroCredential) -> PublicQaStatus:
    """The loaded public status of a micro-credential (the stored stage when the query did not ask for it)."""
    return PublicQaStatus(credential.public_qa_status or credential.qa_status.value)
