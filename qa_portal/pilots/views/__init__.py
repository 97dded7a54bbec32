"""Pilot pages: one module per area, all on the one "pilots" blueprint."""
from flask import Blueprint

bp = Blueprint("pilots", __name__, template_folder="../templates")

from qa_portal.pilots.views import institutions, specifications, catalogue  # noqa: E402,F401
from qa_portal.pilots.views import calls, applications, selection  # noqa: E402,F401
