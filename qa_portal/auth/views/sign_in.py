"""Sign-in, sign-out and the one-time set-password links."""
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from qa_portal.auth import services
from qa_portal.auth.forms import LoginForm, SetPasswordForm
from qa_portal.auth.models import User
from qa_portal.auth.tokens import TokenInvalid, read_set_password_token
from qa_portal.auth.views import bp
from qa_portal.core.access import login_required, public
from qa_portal.core.errors import DomainError
from qa_portal.core.forms import attach_error, safe_next_url
from qa_portal.extensions import db, limiter


def _address_limit() -> str:
    return current_app.config["QA_LOGIN_ADDRESS_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _address_limit,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 401,
    error_message=lambda: _("Too many failed sign-ins from your network address. Wait 15 minutes and try again."),
)
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.my_work"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200
    result = services.sign_in(form.email.data, form.password.data, request.remote_addr)
    db.session.commit()
    if result.throttled_until is not None:
        form.form_errors.append(
            _("Too many failed sign-ins for this account. Try again after %(time)s (UTC).",
              time=format_datetime(result.throttled_until, "HH:mm"))
        )
        return render_template("auth/login.html", form=form), 429
    if result.user is None:
        form.form_errors.append(_("The email or password is not correct."))
        return render_template("auth/login.html", form=form), 401
    next_url = safe_next_url(request.args.get("next"))
    locale = session.get("locale")
    session.clear()  # a fresh session at every sign-in
    if locale:
        session["locale"] = locale
    login_user(result.user)
    flash(_("Welcome, %(name)s.", name=result.user.full_name), "success")
    return redirect(next_url or url_for("home.my_work"))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.sign_out(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("home.landing"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    try:
        user = read_set_password_token(token, lambda uid: db.session.get(User, uid))
    except TokenInvalid as error:
        message = (
            _("This link has expired. Ask an administrator for a new one.")
            if error.expired
            else _("This link is not valid or has already been used. Ask an administrator for a new one.")
        )
        return render_template("auth/set_password_invalid.html", message=message), 400
    form = SetPasswordForm(user.email)
    if form.validate_on_submit():
        try:
            services.set_password_with_token(user, form.new_password.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password is set. You can sign in now."), "success")
            return redirect(url_for("auth.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/set_password.html", form=form, user=user), status
