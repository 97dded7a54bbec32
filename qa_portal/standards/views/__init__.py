"""The standards blueprint: officers' drafting pages, the consultation pages and the public pages."""
from flask import Blueprint

bp = Blueprint("standards", __name__, template_folder="../templates")

from qa_portal.standards.views import consultation, content, drafting, public, report  # noqa: E402,F401  (routes)
