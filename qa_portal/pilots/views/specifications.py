"""Specification pages for HEI users and officers: list, write, read any version, publish, withdraw."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_portal.core.access import login_required, require
from qa_portal.core.errors import DomainError
from qa_portal.core.forms import attach_error
from qa_portal.core.input_checks import parse_id
from qa_portal.extensions import db
from qa_portal.pilots.forms.specifications import PublishForm, SpecificationForm, WithdrawForm
from qa_portal.pilots.models import Institution, MicroCredential, SpecificationVersion
from qa_portal.pilots.permissions import (
    can_create_specification, can_edit_specification, can_list_specifications, can_view_specification,
    visible_institutions, visible_specifications,
)
from qa_portal.pilots.services import specifications as services
from qa_portal.pilots.specification_rules import completeness, specification_warnings
from qa_portal.pilots.views import bp
from qa_portal.pilots.views.display import element_context


def _load_credential(credential_id: int) -> MicroCredential:
    credential = db.session.scalar(
        select(MicroCredential).where(MicroCredential.id == credential_id).options(
            selectinload(MicroCredential.institution),
            selectinload(MicroCredential.versions).selectinload(SpecificationVersion.outcomes),
        )
    )
    if credential is None:
        abort(404)
    return credential


def _version(credential: MicroCredential, number: int) -> SpecificationVersion:
    for version in credential.versions:
        if version.number == number:
            return version
    abort(404)


@bp.route("/specifications")
@login_required
def specification_list():
    require(can_list_specifications(current_user))
    credentials = db.session.scalars(
        visible_specifications(current_user).options(
            selectinload(MicroCredential.institution),
            selectinload(MicroCredential.versions).selectinload(SpecificationVersion.outcomes),
        ).order_by(MicroCredential.institution_id, MicroCredential.id)
    ).all()
    rows = [(credential, credential.latest_version, completeness(credential.latest_version))
            for credential in credentials]
    return render_template("pilots/specification_list.html", rows=rows,
                           can_create=can_create_specification(current_user), **element_context())


def _institutions_for_form():
    return db.session.scalars(visible_institutions(current_user)).all()


@bp.route("/specifications/new", methods=["GET", "POST"])
@login_required
def specification_new():
    require(can_create_specification(current_user))
    institutions = _institutions_for_form()
    form = SpecificationForm(institutions=institutions)
    if request.method == "GET":
        form.add_blank_outcomes()
    if form.validate_on_submit():
        institution_id = parse_id(form.institution_id.data)
        institution = db.session.get(Institution, institution_id) if institution_id else None
        require(institution is not None and institution in institutions)
        try:
            version = services.create_specification(current_user, institution, form.specification_data())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Specification saved as a draft (version 1)."), "success")
            return redirect(url_for("pilots.specification_detail", credential_id=version.micro_credential_id))
    return render_template("pilots/specification_form.html", form=form, credential=None, latest=None), (
        400 if form.is_submitted() else 200)


@bp.route("/specifications/<int:credential_id>/edit", methods=["GET", "POST"])
@login_required
def specification_edit(credential_id: int):
    credential = _load_credential(credential_id)
    require(can_edit_specification(current_user, credential))
    latest = credential.latest_version
    form = SpecificationForm()
    if request.method == "GET":
        form.fill_from(services.version_content(latest))
        form.add_blank_outcomes()
    if form.validate_on_submit():
        try:
            version = services.update_specification(current_user, credential, form.specification_data())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            if version.number != latest.number:
                flash(_("Saved as version %(new)s; version %(old)s stays as it was.", new=version.number,
                        old=latest.number), "success")
            else:
                flash(_("Specification saved."), "success")
            return redirect(url_for("pilots.specification_detail", credential_id=credential.id))
    return render_template("pilots/specification_form.html", form=form, credential=credential, latest=latest), (
        400 if form.is_submitted() else 200)


def _render_version(credential: MicroCredential, version: SpecificationVersion, status: int = 200,
                    withdraw_form: WithdrawForm | None = None):
    percent, missing = completeness(version)
    return render_template(
        "pilots/specification_detail.html", credential=credential, version=version, percent=percent,
        missing=missing, warnings=specification_warnings(version),
        withdraw_form=withdraw_form or WithdrawForm(), can_edit=can_edit_specification(current_user, credential),
        **element_context(),
    ), status


@bp.route("/specifications/<int:credential_id>")
@login_required
def specification_detail(credential_id: int):
    credential = _load_credential(credential_id)
    require(can_view_specification(current_user, credential))
    return _render_version(credential, credential.latest_version)


@bp.route("/specifications/<int:credential_id>/v<int:number>")
@login_required
def specification_version(credential_id: int, number: int):
    credential = _load_credential(credential_id)
    require(can_view_specification(current_user, credential))
    return _render_version(credential, _version(credential, number))


@bp.route("/specifications/<int:credential_id>/v<int:number>/publish", methods=["POST"])
@login_required
def specification_publish(credential_id: int, number: int):
    credential = _load_credential(credential_id)
    require(can_edit_specification(current_user, credential))
    version = _version(credential, number)
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        services.publish_specification_version(current_user, version)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_version(_load_credential(credential_id), version, 409)
    db.session.commit()
    flash(_("Version %(number)s is published in the public catalogue.", number=version.number), "success")
    return redirect(url_for("pilots.specification_detail", credential_id=credential.id))


@bp.route("/specifications/<int:credential_id>/withdraw", methods=["POST"])
@login_required
def specification_withdraw(credential_id: int):
    credential = _load_credential(credential_id)
    require(can_edit_specification(current_user, credential))
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render_version(credential, credential.latest_version, 400, form)
    try:
        services.withdraw_specification(current_user, credential, form.reason.data)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        credential = _load_credential(credential_id)
        return _render_version(credential, credential.latest_version, 409, form)
    db.session.commit()
    flash(_("The micro-credential is withdrawn; its published versions stay readable, marked withdrawn."), "success")
    return redirect(url_for("pilots.specification_detail", credential_id=credential.id))
