"""Decision pages: the council's declaration and decision, the officers' publication, the public register."""
from flask import Blueprint

bp = Blueprint("decisions", __name__, template_folder="../templates")

from qa_portal.decisions.views import council, publication, register  # noqa: E402,F401
from qa_portal.decisions.views import schemes  # noqa: E402,F401
from qa_portal.decisions.views import appeals, complaints  # noqa: E402,F401
from qa_portal.decisions.views import follow_up  # noqa: E402,F401
from qa_portal.decisions.views import meetings  # noqa: E402,F401
