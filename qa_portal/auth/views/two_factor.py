"""One's own two-factor sign-in: setting up (or replacing) the authenticator app, new recovery codes, turning it off;
and the set-up and recovery-code pages the sign-in enrolment shares."""
import segno
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_portal.auth import services
from qa_portal.auth.forms import EnrolTwoFactorForm, TwoFactorCodeForm
from qa_portal.auth.models import User
from qa_portal.auth.permissions import can_manage_own_account
from qa_portal.auth.views import bp
from qa_portal.auth.views.account import render_account_page
from qa_portal.core.access import login_required, require
from qa_portal.core.forms import attach_error, run_service
from qa_portal.extensions import db


def qr_code_data_uri(uri: str) -> str:
    """The otpauth address as an SVG QR code in a data: URI (an <img> the Content-Security-Policy allows)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def grouped_key(secret: str) -> str:
    """The manual key in groups of four characters, easier to type into an app."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def render_setup(user: User, secret: str, form, required: bool = False) -> str:
    """The set-up page: the QR code and the manual key of the enrolment in progress, and the form for a first code."""
    return render_template("auth/two_factor_setup.html", form=form, required=required,
                           replacing=user.two_factor_enabled, key=grouped_key(secret),
                           qr_code=qr_code_data_uri(services.provisioning_uri(user, secret)))


def render_recovery_codes(codes: list[str], continue_url: str) -> str:
    """The ten recovery codes, shown this once."""
    return render_template("auth/recovery_codes.html", codes=codes, continue_url=continue_url)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    require(can_manage_own_account(current_user))
    form = EnrolTwoFactorForm()
    run = run_service(form, lambda: services.confirm_enrolment(current_user, form.code.data), attach=attach_error)
    if run.ok:
        flash(_("Two-factor sign-in is on. From now on you will be asked for a code after your password."), "success")
        return render_recovery_codes(run.result, url_for("auth.account"))
    secret = services.begin_enrolment(current_user)
    db.session.commit()
    return render_setup(current_user, secret, form), run.status


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
def renew_recovery_codes():
    require(can_manage_own_account(current_user))
    form = TwoFactorCodeForm(prefix="renew")
    run = run_service(form, lambda: services.renew_recovery_codes(current_user, form.code.data), attach=attach_error)
    if not run.ok:
        return render_account_page(renew_form=form, status=max(run.status, 400))
    flash(_("New recovery codes are ready; the old ones no longer work."), "success")
    return render_recovery_codes(run.result, url_for("auth.account"))


@bp.route("/account/two-factor/turn-off", methods=["POST"])
@login_required
def turn_off_two_factor():
    require(can_manage_own_account(current_user))
    form = TwoFactorCodeForm(prefix="off")
    run = run_service(form, lambda: services.turn_off_two_factor(current_user, form.code.data), attach=attach_error)
    if not run.ok:
        return render_account_page(turn_off_form=form, status=max(run.status, 400))
    flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for("auth.account"))
