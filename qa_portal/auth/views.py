"""Sign-in, sign-out, own password, set-password links, and account administration."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from qa_portal.auth import services
from qa_portal.auth.forms import ROLE_LABELS, ChangePasswordForm, LoginForm, SetPasswordForm, UserForm
from qa_portal.auth.models import Role, User, UserRole
from qa_portal.auth.permissions import can_change_own_password, can_manage_users
from qa_portal.auth.tokens import TokenInvalid, read_set_password_token
from qa_portal.core.access import login_required, public, require
from qa_portal.core.errors import DomainError
from qa_portal.core.forms import attach_error, safe_next_url
from qa_portal.core.pagination import paginate
from qa_portal.core.urls import public_url
from qa_portal.extensions import db, limiter

bp = Blueprint("auth", __name__, template_folder="templates")


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


USER_PAGE_SIZE = 50


def _filtered_users(args):
    """The user query narrowed by the name/email search, role and status filters."""
    filters = {key: (args.get(key) or "").strip() for key in ("q", "role", "status")}
    query = select(User)
    if filters["q"]:
        pattern = f"%{filters['q']}%"
        query = query.where(User.full_name.ilike(pattern) | User.email.ilike(pattern))
    if filters["role"] in {role.value for role in Role}:
        query = query.where(User.role_links.any(UserRole.role == Role(filters["role"])))
    if filters["status"] == "active":
        query = query.where(User.active.is_(True), User.password_hash.is_not(None))
    elif filters["status"] == "awaiting":
        query = query.where(User.active.is_(True), User.password_hash.is_(None))
    elif filters["status"] == "deactivated":
        query = query.where(User.active.is_(False))
    return query.order_by(User.full_name, User.id), filters


@bp.route("/admin/users")
@login_required
def user_list():
    require(can_manage_users(current_user))
    query, filters = _filtered_users(request.args)
    page = paginate(query, USER_PAGE_SIZE)
    return render_template("auth/user_list.html", page=page, filters=filters, role_labels=ROLE_LABELS)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def user_new():
    require(can_manage_users(current_user))
    form = UserForm()
    if form.validate_on_submit():
        try:
            user, token = services.create_user(
                current_user, form.email.data, form.full_name.data, form.role_set()
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Account created. Copy the set-password link below and send it to %(email)s.",
                    email=user.email), "success")
            return _render_user_page(user, UserForm(obj=user, roles=sorted(user.roles)), token)
    status = 400 if form.is_submitted() else 200
    return render_template("auth/user_form.html", form=form, user=None), status


def _render_user_page(user: User, form: UserForm, token: str | None = None, status: int = 200):
    link = public_url("auth.set_password", token=token) if token else None
    return render_template("auth/user_form.html", form=form, user=user, set_password_link=link), status


def _load_user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int):
    require(can_manage_users(current_user))
    user = _load_user(user_id)
    form = UserForm(obj=user) if request.method == "POST" else UserForm(obj=user, roles=sorted(user.roles))
    if form.validate_on_submit():
        try:
            services.update_user(current_user, user, form.email.data, form.full_name.data, form.role_set())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Account updated."), "success")
            return redirect(url_for("auth.user_edit", user_id=user.id))
    return _render_user_page(user, form, status=400 if form.is_submitted() else 200)


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@login_required
def user_set_active(user_id: int):
    require(can_manage_users(current_user))
    user = _load_user(user_id)
    activate = request.form.get("active") == "1"
    services.set_user_active(current_user, user, activate)
    db.session.commit()
    flash(_("Account activated.") if activate else _("Account deactivated."), "success")
    return redirect(url_for("auth.user_edit", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/set-password-link", methods=["POST"])
@login_required
def user_set_password_link(user_id: int):
    require(can_manage_users(current_user))
    user = _load_user(user_id)
    token = services.issue_set_password_link(current_user, user)
    db.session.commit()
    flash(_("A new set-password link was created. Earlier unused links still work until a password is set."), "info")
    return _render_user_page(user, UserForm(obj=user, roles=sorted(user.roles)), token)
