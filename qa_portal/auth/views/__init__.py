"""Sign-in, sign-out, one's own account, set-password links and account administration: one module per area,
all on the one "auth" blueprint."""
from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="../templates")

from qa_portal.auth.views import account, sign_in, two_factor, users  # noqa: E402,F401
