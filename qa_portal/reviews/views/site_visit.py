"""site_visit pages (issue 6, being built)."""
from qa_portal.reviews.views import bp  # noqa: F401
