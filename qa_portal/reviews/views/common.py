"""Helpers shared by the review-case pages: load a case or 404, and check access."""
from flask_login import current_user

from qa_portal.core.access import require
from qa_portal.extensions import db
from qa_portal.reviews.models import Case
from qa_portal.reviews.permissions import can_view_case


def load_case(case_id: int) -> Case:
    """The case, or 404; then 403 unless the signed-in user may see it."""
    case = db.get_or_404(Case, case_id)
    require(can_view_case(current_user, case))
    return case
