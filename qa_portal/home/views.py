"""Landing page, "My work" and the language switch."""
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from qa_portal.auth.services import set_locale
from qa_portal.core.access import login_required, public
from qa_portal.core.forms import safe_next_url
from qa_portal.extensions import db
from qa_portal.home import services  # noqa: F401  (registers the "My work" providers)
from qa_portal.home.services.work import work_sections

bp = Blueprint("home", __name__, template_folder="templates")


@bp.route("/")
@public
def landing():
    return render_template("home/landing.html")


@bp.route("/my-work")
@login_required
def my_work():
    # Every signed-in user has a "My work" page; what it lists is filtered by their roles.
    return render_template("home/my_work.html", groups=work_sections(current_user))


@bp.route("/language", methods=["POST"])
@public
def switch_language():
    locale = request.form.get("locale", "")
    if locale in current_app.config["QA_LOCALES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            set_locale(current_user, locale)
            db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("home.landing"))
