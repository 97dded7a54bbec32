"""Expert-pool pages: officers search and keep the pool; experts keep their own profile at /experts/me."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import defaultload, lazyload

from qa_portal.auth.models import Role, User
from qa_portal.core.access import login_required, require
from qa_portal.core.forms import form_page, run_service
from qa_portal.core.pagination import paginate
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution
from qa_portal.pilots.models.reference import country_name, isced_fields
from qa_portal.reviews.services import experts as services
from qa_portal.reviews.forms.experts import (
    EXPERT_TYPE_LABELS, AffiliationForm, ExpertProfileForm, NewExpertProfileForm, display_language,
)
from qa_portal.reviews.models import ExpertAffiliation, ExpertProfile, ExpertType
from qa_portal.reviews.permissions import can_edit_expert_profile, can_manage_expert_pool, can_view_expert_profile
from qa_portal.reviews.views import bp

EXPERT_PAGE_SIZE = 25


def _labels() -> dict:
    return {"type_labels": EXPERT_TYPE_LABELS, "isced": isced_fields(), "language_label": display_language,
            "country_name": country_name}


def _load_profile(profile_id: int) -> ExpertProfile:
    profile = db.get_or_404(ExpertProfile, profile_id)
    require(can_view_expert_profile(current_user, profile))
    return profile


def _load_affiliation(profile: ExpertProfile, affiliation_id: int) -> ExpertAffiliation:
    affiliation = db.session.get(ExpertAffiliation, affiliation_id)
    if affiliation is None or affiliation.profile_id != profile.id:
        abort(404)
    return affiliation


def _institutions():
    return db.session.scalars(select(Institution).order_by(Institution.name_en)).all()


def _search_filters() -> services.ExpertFilters:
    field_code = (request.args.get("field") or "").strip()
    language = (request.args.get("language") or "").strip()
    return services.ExpertFilters(
        field=field_code if field_code.isascii() and field_code.isdigit() and len(field_code) <= 4 else "",
        expert_type=request.args.get("type") if request.args.get("type") in set(ExpertType) else "",
        language=language if language.isalpha() and len(language) == 2 else "",
        available_only=request.args.get("available") == "1",
        text=(request.args.get("q") or "").strip()[:100])


@bp.route("/experts")
@login_required
def expert_list():
    require(can_manage_expert_pool(current_user))
    filters = _search_filters()
    # The list shows neither affiliations nor roles: skip loading them for each row.
    query = services.search_experts(filters).options(
        lazyload(ExpertProfile.affiliations), defaultload(ExpertProfile.user).lazyload(User.role_links))
    page = paginate(query, EXPERT_PAGE_SIZE)
    loads = services.panel_load_counts(profile.user_id for profile in page.items)
    args = {"field": filters.field, "type": filters.expert_type, "language": filters.language,
            "available": "1" if filters.available_only else "", "q": filters.text}
    return render_template("reviews/experts/list.html", page=page, filters=filters, args=args, loads=loads,
                           types=list(ExpertType), language_codes=services.EXPERT_LANGUAGES,
                           can_add=db.session.scalar(select(services.eligible_expert_users().exists())),
                           **_labels())


def _detail_url(profile: ExpertProfile) -> str:
    """Where a saved profile is shown."""
    return url_for("reviews.expert_detail", profile_id=profile.id)


@bp.route("/experts/new", methods=["GET", "POST"])
@login_required
def expert_create():
    require(can_manage_expert_pool(current_user))
    form = NewExpertProfileForm() if request.method == "POST" else NewExpertProfileForm(formdata=None, country="AM")
    users = db.session.scalars(services.eligible_expert_users()).all()
    form.set_users(users)
    form.set_choices()

    def create():
        user = next(user for user in users if str(user.id) == form.user.data)  # the form accepted only these
        return services.create_profile(current_user, user, form.details())

    return form_page(form, create, "reviews/experts/new.html",
                     lambda profile: _("Created the expert profile of %(name)s.", name=profile.user.full_name),
                     _detail_url, **_labels())


@bp.route("/experts/me", methods=["GET", "POST"])
@login_required
def expert_me():
    profile = services.profile_for_user(current_user)
    if profile is None:
        require(current_user.has_role(Role.EXPERT), _("Only experts have an expert profile."))
    else:
        require(can_edit_expert_profile(current_user, profile))
    if request.method == "POST":
        form = ExpertProfileForm()
    elif profile is not None:
        form = ExpertProfileForm.for_profile(profile)
    else:
        form = ExpertProfileForm(formdata=None, country="AM")
    form.set_choices([item.language for item in profile.languages] if profile else ())

    def save():
        if profile is None:
            return services.create_profile(current_user, current_user, form.details())
        return services.update_profile(current_user, profile, form.details())

    return form_page(form, save, "reviews/experts/edit.html", _("Saved your expert profile."), _detail_url,
                     profile=profile, own=True, **_labels())


@bp.route("/experts/<int:profile_id>")
@login_required
def expert_detail(profile_id: int):
    profile = _load_profile(profile_id)
    loads = services.panel_load_counts([profile.user_id])
    form = None
    if can_edit_expert_profile(current_user, profile):
        form = AffiliationForm(formdata=None)
        form.set_institutions(_institutions())
    return render_template("reviews/experts/detail.html", profile=profile, load=loads[profile.user_id],
                           form=form, **_labels())


def _detail_with_form(profile: ExpertProfile, form: AffiliationForm, status: int):
    return render_template("reviews/experts/detail.html", profile=profile,
                           load=services.panel_load_counts([profile.user_id])[profile.user_id],
                           form=form, **_labels()), status


@bp.route("/experts/<int:profile_id>/edit", methods=["GET", "POST"])
@login_required
def expert_edit(profile_id: int):
    profile = _load_profile(profile_id)
    require(can_edit_expert_profile(current_user, profile))
    form = ExpertProfileForm() if request.method == "POST" else ExpertProfileForm.for_profile(profile)
    form.set_choices([item.language for item in profile.languages])
    return form_page(form, lambda: services.update_profile(current_user, profile, form.details()),
                     "reviews/experts/edit.html",
                     lambda saved: _("Saved the expert profile of %(name)s.", name=saved.user.full_name), _detail_url,
                     profile=profile, own=profile.user_id == current_user.id, **_labels())


@bp.route("/experts/<int:profile_id>/affiliations", methods=["POST"])
@login_required
def affiliation_add(profile_id: int):
    profile = _load_profile(profile_id)
    require(can_edit_expert_profile(current_user, profile))
    form = AffiliationForm()
    form.set_institutions(_institutions())
    run = run_service(form, lambda: services.add_affiliation(current_user, profile, form.details()))
    if not run.ok:
        return _detail_with_form(profile, form, run.status)
    flash(_("Added the affiliation with %(name)s.", name=run.result.display_name), "success")
    return redirect(url_for("reviews.expert_detail", profile_id=profile.id))


@bp.route("/experts/<int:profile_id>/affiliations/<int:affiliation_id>", methods=["GET", "POST"])
@login_required
def affiliation_edit(profile_id: int, affiliation_id: int):
    profile = _load_profile(profile_id)
    require(can_edit_expert_profile(current_user, profile))
    affiliation = _load_affiliation(profile, affiliation_id)
    form = AffiliationForm() if request.method == "POST" else AffiliationForm.for_affiliation(affiliation)
    form.set_institutions(_institutions())
    return form_page(form, lambda: services.update_affiliation(current_user, affiliation, form.details()),
                     "reviews/experts/affiliation.html",
                     lambda saved: _("Saved the affiliation with %(name)s.", name=saved.display_name),
                     url_for("reviews.expert_detail", profile_id=profile.id), profile=profile,
                     affiliation=affiliation, **_labels())


@bp.route("/experts/<int:profile_id>/affiliations/<int:affiliation_id>/delete", methods=["POST"])
@login_required
def affiliation_remove(profile_id: int, affiliation_id: int):
    profile = _load_profile(profile_id)
    require(can_edit_expert_profile(current_user, profile))
    affiliation = _load_affiliation(profile, affiliation_id)
    name = affiliation.display_name
    services.remove_affiliation(current_user, affiliation)
    db.session.commit()
    flash(_("Removed the affiliation with %(name)s.", name=name), "success")
    return redirect(url_for("reviews.expert_detail", profile_id=profile.id))
