"""Review-case pages: one module per area, all on the one "reviews" blueprint."""
from flask import Blueprint

bp = Blueprint("reviews", __name__, template_folder="../templates")

from qa_portal.reviews.views import cases, self_evaluation, ser_pages, evidence  # noqa: E402,F401
from qa_portal.reviews.views import experts, panel, scoring, site_visit, report  # noqa: E402,F401
from qa_portal.reviews.views import panel_rules  # noqa: E402,F401
