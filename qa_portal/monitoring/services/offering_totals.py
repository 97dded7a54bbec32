"""Per-version sums of the offerings, recomputed by one INSERT … SELECT … GROUP BY for the versions a change touched
(or all), inside the caller's transaction: the dashboard's and /pilot's offering figures aggregate these rows, one
per micro-credential version, instead of every offering."""
from sqlalchemy import case, delete, func, insert, literal, select

from qa_portal.extensions import db
from qa_portal.monitoring.models import Offering, OfferingTotal


def refresh_offering_totals(version_ids=None) -> None:
    """Recompute the totals of these specification versions (None: every version); flushes first."""
    db.session.flush()
    known = Offering.employed_after.is_not(None)
    sums = select(Offering.specification_version_id, func.min(Offering.institution_id), func.count(),
                  func.sum(Offering.enrolled), func.sum(Offering.completed),
                  func.coalesce(func.sum(Offering.satisfaction_mean * Offering.satisfaction_respondents), literal(0)),
                  func.sum(Offering.satisfaction_respondents), func.coalesce(func.sum(Offering.employed_after), 0),
                  func.sum(case((known, Offering.completed), else_=0))).group_by(Offering.specification_version_id)
    clear = delete(OfferingTotal)
    if version_ids is not None:
        version_ids = list(set(version_ids))
        if not version_ids:
            return
        sums = sums.where(Offering.specification_version_id.in_(version_ids))
        clear = clear.where(OfferingTotal.specification_version_id.in_(version_ids))
    db.session.execute(clear)
    db.session.execute(insert(OfferingTotal).from_select(
        ["specification_version_id", "institution_id", "offerings", "enrolled", "completed", "satisfaction_points",
         "satisfaction_respondents", "employed_after", "outcome_completed"], sums))
