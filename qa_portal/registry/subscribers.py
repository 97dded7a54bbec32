"""The registry keeps each published decision's stored public record (services/records.py) in step with what it
shows: it hears every lifecycle move (a case's publication — which also changes the decision it supersedes —, an
appeal's ruling or outcome, a specification version's withdrawal), a condition's report or verdict and an
institution's edit, and in the daily pass refreshes what a date turned (overdue conditions, ended validity) and stores
any published decision still without a record."""
from sqlalchemy import select

from qa_portal.core.maintenance import daily_maintenance
from qa_portal.core.workflow import transitioned
from qa_portal.decisions.models import Appeal, Decision
from qa_portal.decisions.signals import condition_followed_up
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, SpecificationVersion
from qa_portal.pilots.signals import institution_changed
from qa_portal.registry.services.records import (
    decisions_of_cases, refresh_records, refresh_records_turned_by_date, store_missing_records,
)
from qa_portal.reviews.models import Case, CaseSpecification


def _decisions_shown_with(obj) -> list[int]:
    """The decisions whose public record shows this object (none for objects the record does not show)."""
    if isinstance(obj, Case):
        return decisions_of_cases([obj.id])
    if isinstance(obj, Appeal):
        return [obj.decision_id]
    if isinstance(obj, SpecificationVersion):
        linked = select(CaseSpecification.case_id).where(CaseSpecification.specification_version_id == obj.id)
        return list(db.session.scalars(select(Decision.id).where(Decision.case_id.in_(linked))))
    if isinstance(obj, Institution):
        return list(db.session.scalars(select(Decision.id).join(Decision.case)
                                       .where(Case.institution_id == obj.id)))
    return []


@transitioned.connect
def store_records_after_move(_workflow, obj=None, **_extra) -> None:
    """A lifecycle move of a case, an appeal or a specification version refreshes the records that show it."""
    decision_ids = _decisions_shown_with(obj)
    if decision_ids:
        refresh_records(decision_ids)


@condition_followed_up.connect
def store_record_after_follow_up(condition, **_extra) -> None:
    """A condition reported on or verified changes its status in its decision's record."""
    refresh_records([condition.decision_id])


@institution_changed.connect
def store_records_after_institution_edit(institution, **_extra) -> None:
    """An institution's names and identifiers appear in every record of its decisions."""
    refresh_records(_decisions_shown_with(institution))


@daily_maintenance.connect
def refresh_public_records(_app, **_extra) -> str:
    """Refresh the records a new day changed (conditions now overdue, validity ended) and store missing ones."""
    turned = refresh_records_turned_by_date()
    missing = store_missing_records()
    return f"Public decision records: {turned} refreshed for the date, {missing} missing ones stored."
