"""Officers' pages that edit a version's content: standards, criteria and compliance-scale levels."""
from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from qa_portal.core.access import login_required, require
from qa_portal.core.forms import form_page
from qa_portal.extensions import db
from qa_portal.standards import services
from qa_portal.standards.forms import CriterionForm, LevelForm, StandardForm, base_revision
from qa_portal.standards.models import ComplianceLevel, Criterion, Standard
from qa_portal.standards.permissions import can_edit_standard_version
from qa_portal.standards.views import bp
from qa_portal.standards.views.common import PREFIX, load_version, version_url as _version_url


def _refs_from(form: StandardForm) -> tuple[list[str], list[int]]:
    return form.esg_refs.data or [], [int(ref) for ref in form.principle_refs.data or []]


@bp.route(f"{PREFIX}/versions/<int:version_id>/standards/new", methods=["GET", "POST"])
@login_required
def standard_new(version_id: int):
    version = load_version(version_id)
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
    form = StandardForm()
    return form_page(
        form, lambda: services.add_standard(current_user, version, form.code.data, form.title.data,
                                            form.statement.data, form.guidelines.data, *_refs_from(form)),
        "standards/standard_form.html", _("Standard added."),
        lambda standard: _version_url(version, f"standard-{standard.id}"), version=version, standard=None)


def _load_standard(standard_id: int) -> Standard:
    return db.get_or_404(Standard, standard_id)


@bp.route(f"{PREFIX}/standards/<int:standard_id>/edit", methods=["GET", "POST"])
@login_required
def standard_edit(standard_id: int):
    standard = _load_standard(standard_id)
    version = standard.version
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
        form = StandardForm(obj=standard, principle_refs=[str(ref) for ref in standard.principle_refs])
    else:
        form = StandardForm()
    return form_page(
        form, lambda: services.update_standard(current_user, standard, form.code.data, form.title.data,
                                               form.statement.data, form.guidelines.data, *_refs_from(form),
                                               expected_revision=base_revision(form)),
        "standards/standard_form.html", _("Standard saved."), _version_url(version, f"standard-{standard.id}"),
        version=version, standard=standard)


@bp.route(f"{PREFIX}/standards/<int:standard_id>/delete", methods=["POST"])
@login_required
def standard_delete(standard_id: int):
    standard = _load_standard(standard_id)
    version = standard.version
    require(can_edit_standard_version(current_user, version))
    services.delete_standard(current_user, standard)
    db.session.commit()
    flash(_("Standard removed."), "success")
    return redirect(_version_url(version))


def _offset() -> int:
    return -1 if request.form.get("direction") == "up" else 1


@bp.route(f"{PREFIX}/standards/<int:standard_id>/move", methods=["POST"])
@login_required
def standard_move(standard_id: int):
    standard = _load_standard(standard_id)
    require(can_edit_standard_version(current_user, standard.version))
    services.move_standard(current_user, standard, _offset())
    db.session.commit()
    return redirect(_version_url(standard.version, f"standard-{standard.id}"))


@bp.route(f"{PREFIX}/standards/<int:standard_id>/criteria/new", methods=["GET", "POST"])
@login_required
def criterion_new(standard_id: int):
    standard = _load_standard(standard_id)
    version = standard.version
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
    form = CriterionForm()
    return form_page(
        form, lambda: services.add_criterion(current_user, standard, form.code.data, form.text.data,
                                             form.expected_evidence.data, form.mandatory.data),
        "standards/criterion_form.html", _("Criterion added."), _version_url(version, f"standard-{standard.id}"),
        version=version, standard=standard, criterion=None)


def _load_criterion(criterion_id: int) -> Criterion:
    return db.get_or_404(Criterion, criterion_id)


@bp.route(f"{PREFIX}/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@login_required
def criterion_edit(criterion_id: int):
    criterion = _load_criterion(criterion_id)
    standard, version = criterion.standard, criterion.standard.version
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
    form = CriterionForm(obj=criterion)
    return form_page(
        form, lambda: services.update_criterion(current_user, criterion, form.code.data, form.text.data,
                                                form.expected_evidence.data, form.mandatory.data,
                                                expected_revision=base_revision(form)),
        "standards/criterion_form.html", _("Criterion saved."), _version_url(version, f"standard-{standard.id}"),
        version=version, standard=standard, criterion=criterion)


@bp.route(f"{PREFIX}/criteria/<int:criterion_id>/delete", methods=["POST"])
@login_required
def criterion_delete(criterion_id: int):
    criterion = _load_criterion(criterion_id)
    standard = criterion.standard
    require(can_edit_standard_version(current_user, standard.version))
    services.delete_criterion(current_user, criterion)
    db.session.commit()
    flash(_("Criterion removed."), "success")
    return redirect(_version_url(standard.version, f"standard-{standard.id}"))


@bp.route(f"{PREFIX}/criteria/<int:criterion_id>/move", methods=["POST"])
@login_required
def criterion_move(criterion_id: int):
    criterion = _load_criterion(criterion_id)
    standard = criterion.standard
    require(can_edit_standard_version(current_user, standard.version))
    services.move_criterion(current_user, criterion, _offset())
    db.session.commit()
    return redirect(_version_url(standard.version, f"standard-{standard.id}"))


@bp.route(f"{PREFIX}/versions/<int:version_id>/levels/new", methods=["GET", "POST"])
@login_required
def level_new(version_id: int):
    version = load_version(version_id)
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
    form = LevelForm()
    return form_page(
        form, lambda: services.add_level(current_user, version, form.code.data, form.label.data,
                                         form.description.data, form.not_applicable.data),
        "standards/level_form.html", _("Scale level added."), _version_url(version, "scale"),
        version=version, level=None)


def _load_level(level_id: int) -> ComplianceLevel:
    return db.get_or_404(ComplianceLevel, level_id)


@bp.route(f"{PREFIX}/levels/<int:level_id>/edit", methods=["GET", "POST"])
@login_required
def level_edit(level_id: int):
    level = _load_level(level_id)
    version = level.version
    require(can_edit_standard_version(current_user, version))
    if request.method == "GET":
        services.ensure_editable(version)
    form = LevelForm(obj=level)
    return form_page(
        form, lambda: services.update_level(current_user, level, form.code.data, form.label.data,
                                            form.description.data, form.not_applicable.data,
                                            expected_revision=base_revision(form)),
        "standards/level_form.html", _("Scale level saved."), _version_url(version, "scale"),
        version=version, level=level)


@bp.route(f"{PREFIX}/levels/<int:level_id>/delete", methods=["POST"])
@login_required
def level_delete(level_id: int):
    level = _load_level(level_id)
    version = level.version
    require(can_edit_standard_version(current_user, version))
    services.delete_level(current_user, level)
    db.session.commit()
    flash(_("Scale level removed."), "success")
    return redirect(_version_url(version, "scale"))


@bp.route(f"{PREFIX}/levels/<int:level_id>/move", methods=["POST"])
@login_required
def level_move(level_id: int):
    level = _load_level(level_id)
    require(can_edit_standard_version(current_user, level.version))
    services.move_level(current_user, level, _offset())
    db.session.commit()
    return redirect(_version_url(level.version, "scale"))
