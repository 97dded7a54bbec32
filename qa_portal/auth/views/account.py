"""The signed-in user's own account: the account page, the password, and the sessions signed in elsewhere."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_portal.auth import services
from qa_portal.auth.forms import ChangePasswordForm, TwoFactorCodeForm
from qa_portal.auth.permissions import can_change_own_password, can_manage_own_account
from qa_portal.auth.views import bp
from qa_portal.auth.views.browser_session import current_token, replace_token
from qa_portal.core.access import login_required, require
from qa_portal.core.forms import attach_error, run_service
from qa_portal.core.pagination import paginate
from qa_portal.extensions import db

SESSION_PAGE_SIZE = 20


def render_account_page(renew_form=None, turn_off_form=None, status: int = 200):
    """The account page, with the two code forms given (re-shown with their errors) or fresh ones."""
    sessions = paginate(services.visible_sessions(current_user), SESSION_PAGE_SIZE)
    return render_template(
        "auth/account.html",
        sessions=sessions,
        current_hash=services.token_hash(current_token() or ""),
        codes_left=services.unused_recovery_codes(current_user) if current_user.two_factor_enabled else 0,
        two_factor_required=services.two_factor_required(current_user),
        renew_form=renew_form or TwoFactorCodeForm(prefix="renew"),
        turn_off_form=turn_off_form or TwoFactorCodeForm(prefix="off"),
    ), status


@bp.route("/account")
@login_required
def account():
    require(can_manage_own_account(current_user))
    return render_account_page()


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    require(can_manage_own_account(current_user))
    ended = services.sign_out_everywhere_else(current_user, current_token())
    db.session.commit()
    flash(_("You are signed out everywhere else (%(count)d sessions ended). This browser stays signed in.",
            count=ended), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    require(can_change_own_password(current_user))
    form = ChangePasswordForm(current_user.email)
    run = run_service(form, lambda: services.change_password(
        current_user, form.current_password.data, form.new_password.data, current_token()), attach=attach_error)
    if run.ok:
        replace_token(run.result)
        flash(_("Your password has been changed. Every other session of your account has ended."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form), run.status
