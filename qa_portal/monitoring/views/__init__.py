"""The monitoring blueprint: offerings, the dashboard, surveys, the public pilot page, the impact report and
GET /api/v1/statistics (a nested blueprint)."""
from flask import Blueprint

bp = Blueprint("monitoring", __name__, template_folder="../templates")

from qa_portal.monitoring.views import api, consultation, dashboard, offerings, public, surveys  # noqa: E402,F401

bp.register_blueprint(api.api_bp)
