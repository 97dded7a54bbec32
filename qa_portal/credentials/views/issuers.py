"""Credential issuers: an institution's quality unit (or an officer) registers the issuer id and Ed25519 public key
its learners' badges are signed with, and revokes them."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qa_portal.core.access import login_required, require
from qa_portal.core.pagination import paginate
from qa_portal.core.forms import run_service
from qa_portal.credentials.forms import IssuerKeyForm, RevokeIssuerKeyForm
from qa_portal.credentials.models import IssuerKey
from qa_portal.credentials.permissions import (can_list_issuer_institutions, can_manage_issuer_keys,
                                               visible_issuer_institutions, visible_issuer_keys)
from qa_portal.credentials.services.issuers import register_issuer_key, revoke_issuer_key
from qa_portal.credentials.views import bp
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution


@bp.route("/credentials/issuers")
@login_required
def issuer_institutions():
    """The institutions whose issuers the user manages (one page of them)."""
    require(can_list_issuer_institutions(current_user))
    page = paginate(visible_issuer_institutions(current_user), per_page=50)
    return render_template("credentials/issuer_institutions.html", page=page)


def _institution(institution_id: int) -> Institution:
    institution = db.session.get(Institution, institution_id)
    if institution is None:
        abort(404)
    require(can_manage_issuer_keys(current_user, institution))
    return institution


@bp.route("/credentials/institutions/<int:institution_id>/issuers", methods=["GET", "POST"])
@login_required
def institution_issuers(institution_id: int):
    """The institution's registered issuers and the form to register one."""
    institution = _institution(institution_id)
    form = IssuerKeyForm()
    run = run_service(form, lambda: register_issuer_key(current_user, institution, form.issuer_id.data,
                                                        form.public_key.data))
    if run.ok:
        flash(_("Issuer %(issuer)s registered: badges it signs now verify against the catalogue.",
                issuer=run.result.issuer_id), "success")
        return redirect(url_for("credentials.institution_issuers", institution_id=institution.id))
    keys = paginate(visible_issuer_keys(current_user, institution), per_page=50)
    return render_template("credentials/institution_issuers.html", institution=institution, form=form,
                           keys=keys), run.status


@bp.route("/credentials/issuer-keys/<int:key_id>/revoke", methods=["POST"])
@login_required
def revoke_issuer(key_id: int):
    """Revoke a registered key (kept for the record)."""
    issuer_key = db.session.get(IssuerKey, key_id)
    if issuer_key is None:
        abort(404)
    require(can_manage_issuer_keys(current_user, issuer_key.institution))
    form = RevokeIssuerKeyForm()
    run = run_service(form, lambda: revoke_issuer_key(current_user, issuer_key))
    if run.ok:
        flash(_("The key was revoked: badges signed with it no longer verify."), "success")
    else:
        flash(" ".join(form.form_errors) or _("The key could not be revoked."), "error")
    return redirect(url_for("credentials.institution_issuers", institution_id=issuer_key.institution_id))
