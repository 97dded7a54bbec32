"""Institution pages: the officers' list and form, the institution page with its HEI users, "My institution"."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from qa_portal.auth.models import Role, User, UserRole
from qa_portal.core.access import login_required, require
from qa_portal.core.errors import DomainError
from qa_portal.core.forms import form_page, run_service
from qa_portal.core.input_checks import parse_id
from qa_portal.core.pagination import paginate
from qa_portal.extensions import db
from qa_portal.pilots.forms.institutions import INSTITUTION_TYPE_LABELS, InstitutionForm, LinkUserForm, UnlinkUserForm
from qa_portal.pilots.models import Institution, InstitutionMembership, MicroCredential, SpecificationVersion
from qa_portal.pilots.permissions import (
    can_manage_institutions, can_view_institution, can_view_own_institution, member_institution_ids,
    visible_specifications,
)
from qa_portal.pilots.models.reference import country_name
from qa_portal.pilots.services import institutions as services
from qa_portal.pilots.models.specification_rules import completeness
from qa_portal.pilots.views import bp
from qa_portal.pilots.views.display import STATUS_LABELS


def _load_institution(institution_id: int) -> Institution:
    institution = db.session.get(Institution, institution_id)
    if institution is None:
        abort(404)
    return institution


INSTITUTION_PAGE_SIZE = 50


def _institution_url(institution: Institution) -> str:
    return url_for("pilots.institution_detail", institution_id=institution.id)


@bp.route("/institutions")
@login_required
def institution_list():
    require(can_manage_institutions(current_user))
    page = paginate(select(Institution).options(selectinload(Institution.memberships))
                    .order_by(Institution.short_name, Institution.id), INSTITUTION_PAGE_SIZE)
    spec_counts = dict(db.session.execute(
        select(MicroCredential.institution_id, func.count(MicroCredential.id))
        .where(MicroCredential.institution_id.in_([institution.id for institution in page.items]))
        .group_by(MicroCredential.institution_id)).all()) if page.items else {}
    return render_template("pilots/institution_list.html", institutions=page.items, page=page,
                           spec_counts=spec_counts, country_name=country_name, type_labels=INSTITUTION_TYPE_LABELS)


@bp.route("/institutions/new", methods=["GET", "POST"])
@login_required
def institution_new():
    require(can_manage_institutions(current_user))
    form = InstitutionForm()
    return form_page(form, lambda: services.create_institution(current_user, form.institution_data()),
                     "pilots/institution_form.html", _("Institution created."), _institution_url, institution=None)


@bp.route("/institutions/<int:institution_id>/edit", methods=["GET", "POST"])
@login_required
def institution_edit(institution_id: int):
    institution = _load_institution(institution_id)
    require(can_manage_institutions(current_user))
    if request.method == "POST":
        form = InstitutionForm()
    else:
        form = InstitutionForm(obj=institution)
        form.institution_type.data = institution.institution_type.value if institution.institution_type else ""
    return form_page(form, lambda: services.update_institution(current_user, institution, form.institution_data()),
                     "pilots/institution_form.html", _("Institution updated."), _institution_url(institution),
                     institution=institution)


def _linkable_users(institution: Institution) -> list[User]:
    linked = {membership.user_id for membership in institution.memberships}
    users = db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == Role.HEI, User.active.is_(True)).order_by(User.full_name)
    ).all()
    return [user for user in users if user.id not in linked]


def _render_detail(institution: Institution, link_form: LinkUserForm | None = None, status: int = 200):
    if link_form is None and can_manage_institutions(current_user):
        link_form = LinkUserForm()
    if link_form is not None:
        link_form.set_choices(_linkable_users(institution))
    memberships = db.session.scalars(
        select(InstitutionMembership).options(selectinload(InstitutionMembership.user))
        .where(InstitutionMembership.institution_id == institution.id)
    ).all()
    credentials = db.session.scalars(
        visible_specifications(current_user).where(MicroCredential.institution_id == institution.id)
        .options(selectinload(MicroCredential.versions).selectinload(SpecificationVersion.outcomes))
        .order_by(MicroCredential.id)
    ).all()
    specifications = [(c, c.latest_version, completeness(c.latest_version)[0]) for c in credentials]
    return render_template(
        "pilots/institution_detail.html", institution=institution, memberships=memberships,
        specifications=specifications, status_labels=STATUS_LABELS,
        link_form=link_form, unlink_form=UnlinkUserForm(), country_name=country_name,
        type_labels=INSTITUTION_TYPE_LABELS,
    ), status


@bp.route("/institutions/<int:institution_id>")
@login_required
def institution_detail(institution_id: int):
    institution = _load_institution(institution_id)
    require(can_view_institution(current_user, institution))
    return _render_detail(institution)


@bp.route("/institutions/mine")
@login_required
def my_institution():
    require(can_view_own_institution(current_user))
    ids = sorted(member_institution_ids(current_user))
    return redirect(url_for("pilots.institution_detail", institution_id=ids[0]))


@bp.route("/institutions/<int:institution_id>/members", methods=["POST"])
@login_required
def institution_link_user(institution_id: int):
    institution = _load_institution(institution_id)
    require(can_manage_institutions(current_user))
    form = LinkUserForm()
    form.set_choices(_linkable_users(institution))

    def link():
        user_id = parse_id(form.user_id.data)
        user = db.session.get(User, user_id) if user_id else None
        if user is None:
            raise DomainError(_("Choose an HEI user."), field="user_id")
        return services.link_institution_user(current_user, institution, user)

    run = run_service(form, link)
    if not run.ok:
        return _render_detail(institution, form, run.status)
    flash(_("%(name)s is now linked to %(institution)s.", name=run.result.user.full_name,
            institution=institution.short_name), "success")
    return redirect(_institution_url(institution))


@bp.route("/institutions/<int:institution_id>/members/<int:membership_id>/remove", methods=["POST"])
@login_required
def institution_unlink_user(institution_id: int, membership_id: int):
    institution = _load_institution(institution_id)
    require(can_manage_institutions(current_user))
    membership = db.session.get(InstitutionMembership, membership_id)
    if membership is None or membership.institution_id != institution.id:
        abort(404)
    form = UnlinkUserForm()
    if not form.validate_on_submit():
        abort(400)
    name = membership.user.full_name
    services.unlink_institution_user(current_user, membership)
    db.session.commit()
    flash(_("%(name)s is no longer linked to %(institution)s.", name=name, institution=institution.short_name),
          "success")
    return redirect(url_for("pilots.institution_detail", institution_id=institution.id))
