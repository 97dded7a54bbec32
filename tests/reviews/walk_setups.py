"""What each guarded panel-stage action needs before the transition-table walk may take it: action -> setup(case,
actor), where actor holds every staff role. Each stage adds the setup for its own guard here."""
from qa_portal.reviews.models import CaseAction

GUARD_SETUPS: dict = {}
