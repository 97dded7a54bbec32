"""The signed-in user's own account: password."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_portal.auth import services
from qa_portal.auth.forms import ChangePasswordForm
from qa_portal.auth.permissions import can_change_own_password
from qa_portal.auth.views import bp
from qa_portal.core.access import login_required, require
from qa_portal.core.errors import DomainError
from qa_portal.core.forms import attach_error
from qa_portal.extensions import db


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    require(can_change_own_password(current_user))
    form = ChangePasswordForm(current_user.email)
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("home.my_work"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/change_password.html", form=form), status
