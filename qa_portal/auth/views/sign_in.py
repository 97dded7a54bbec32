"""Sign-in (the password, then the second factor or the enrolment a role requires), sign-out, set-password links."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from qa_portal.auth import services
from qa_portal.auth.forms import EnrolTwoFactorForm, LoginForm, SecondFactorForm, SetPasswordForm
from qa_portal.auth.models import User
from qa_portal.auth.services.tokens import TokenInvalid, read_set_password_token
from qa_portal.auth.views import bp
from qa_portal.auth.views.browser_session import (
    begin_pending, current_token, pending_sign_in, sign_in_browser, sign_out_browser,
)
from qa_portal.auth.views.two_factor import render_recovery_codes, render_setup
from qa_portal.core.access import login_required, public
from qa_portal.core.errors import DomainError
from qa_portal.core.forms import attach_error, run_service, safe_next_url
from qa_portal.extensions import db, limiter


def _address_limit() -> str:
    return current_app.config["QA_LOGIN_ADDRESS_LIMIT"]


def _wait_message(seconds: int) -> str:
    return _("Too many failed attempts for this account from your network address. Try again in %(wait)s.",
             wait=format_timedelta(seconds, threshold=1.5, add_direction=False))


def _throttled(template: str, form, seconds: int, **context):
    """429 with Retry-After: this (account, address) pair waits; the account itself is never locked."""
    form.form_errors.append(_wait_message(seconds))
    response = current_app.make_response((render_template(template, form=form, **context), 429))
    response.headers["Retry-After"] = str(seconds)
    return response


def _finish(user: User, second_factor: str | None, next_url: str | None):
    """Open the server-side session, commit, and sign this browser in."""
    token = services.start_session(user, request.remote_addr, request.user_agent.string, second_factor)
    db.session.commit()
    sign_in_browser(user, token)
    flash(_("Welcome, %(name)s.", name=user.full_name), "success")
    return redirect(next_url or url_for("home.my_work"))


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
    if result.retry_after is not None:
        db.session.commit()  # the refusal's audit entry
        return _throttled("auth/login.html", form, result.retry_after)
    if result.user is None:
        db.session.commit()  # the failure and its audit entry
        form.form_errors.append(_("The email or password is not correct."))
        return render_template("auth/login.html", form=form), 401
    next_url = safe_next_url(request.args.get("next"))
    user = result.user
    if user.two_factor_enabled:
        begin_pending(user, "code", next_url)
        return redirect(url_for("auth.second_factor"))
    if services.two_factor_required(user):
        begin_pending(user, "enrol", next_url)
        return redirect(url_for("auth.second_factor_enrolment"))
    return _finish(user, None, next_url)


def _restart_sign_in():
    flash(_("Please sign in again."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_factor():
    """The code step: only a visitor whose password was just right, and who has an authenticator, gets here."""
    pending = pending_sign_in("code")
    if pending is None:
        return _restart_sign_in()
    user, next_url = pending
    form = SecondFactorForm()
    if not form.validate_on_submit():
        return render_template("auth/second_factor.html", form=form), 400 if form.is_submitted() else 200
    try:
        result = services.verify_second_factor(user, form.code.data, request.remote_addr)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return render_template("auth/second_factor.html", form=form), error.status_code
    if result.retry_after is not None:
        db.session.commit()
        return _throttled("auth/second_factor.html", form, result.retry_after)
    if result.method is None:
        db.session.commit()
        form.code.errors = [*form.code.errors, _("That code is not correct. Enter the code your app shows now, or "
                                                 "an unused recovery code.")]
        return render_template("auth/second_factor.html", form=form), 401
    response = _finish(user, result.method, next_url)
    if result.method == "recovery_code":
        flash(_("You signed in with a recovery code; %(count)d unused codes remain. If you lost your authenticator, "
                "set up a new one on your account page.", count=services.unused_recovery_codes(user)), "warning")
    return response


@bp.route("/login/two-factor-setup", methods=["GET", "POST"])
@public
def second_factor_enrolment():
    """Enrolment a role requires, between the password and the first page: nothing else is open until it is done."""
    pending = pending_sign_in("enrol")
    if pending is None:
        return _restart_sign_in()
    user, next_url = pending
    form = EnrolTwoFactorForm()
    if form.validate_on_submit():
        try:
            codes = services.confirm_enrolment(user, form.code.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            token = services.start_session(user, request.remote_addr, request.user_agent.string, "totp")
            db.session.commit()
            sign_in_browser(user, token)
            return render_recovery_codes(codes, next_url or url_for("home.my_work"))
    secret = services.begin_enrolment(user)
    db.session.commit()
    return render_setup(user, secret, form, required=True), 400 if form.is_submitted() else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_session(current_user, current_token())
    db.session.commit()
    logout_user()
    sign_out_browser()
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
    run = run_service(form, lambda: services.set_password_with_token(user, form.new_password.data), attach=attach_error)
    if run.ok:
        flash(_("Your password is set. You can sign in now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user), run.status
