"""Account administration: the user list, creating and editing accounts, activation, set-password links, and
resetting a user's two-factor sign-in."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from qa_portal.auth import services
from qa_portal.auth.forms import ROLE_LABELS, UserForm
from qa_portal.auth.models import Role, User, UserRole
from qa_portal.auth.permissions import can_manage_users, can_reset_second_factor
from qa_portal.auth.views import bp
from qa_portal.auth.views.browser_session import current_token
from qa_portal.core.access import login_required, require
from qa_portal.core.forms import run_service
from qa_portal.core.pagination import paginate
from qa_portal.core.urls import public_url
from qa_portal.extensions import db


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
    run = run_service(form, lambda: services.create_user(current_user, form.email.data, form.full_name.data,
                                                         form.role_set()))
    if not run.ok:
        return render_template("auth/user_form.html", form=form, user=None), run.status
    user, token = run.result
    flash(_("Account created. Copy the set-password link below and send it to %(email)s.", email=user.email),
          "success")
    return _render_user_page(user, UserForm(obj=user, roles=sorted(user.roles)), token)


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
    run = run_service(form, lambda: services.update_user(current_user, user, form.email.data, form.full_name.data,
                                                         form.role_set(), actor_token=current_token()))
    if not run.ok:
        return _render_user_page(user, form, status=run.status)
    flash(_("Account updated."), "success")
    return redirect(url_for("auth.user_edit", user_id=user.id))


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


@bp.route("/admin/users/<int:user_id>/two-factor/reset", methods=["POST"])
@login_required
def user_reset_two_factor(user_id: int):
    require(can_manage_users(current_user))
    user = _load_user(user_id)
    require(can_reset_second_factor(current_user, user))
    services.reset_two_factor(current_user, user)
    db.session.commit()
    flash(_("Two-factor sign-in of %(name)s was reset and their sessions ended. They set it up again at their next "
            "sign-in if their role requires it.", name=user.full_name), "success")
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
