"""Consultation open to every stakeholder: the versions in consultation, joining by a confirmed e-mail address,
commenting as a self-declared stakeholder; and the officer's consensus summary of a version."""
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from qa_portal.core.access import login_required, public, require
from qa_portal.core.errors import DomainError
from qa_portal.core.forms import run_service
from qa_portal.core.input_checks import parse_id
from qa_portal.core.urls import public_url
from qa_portal.extensions import db, limiter
from qa_portal.monitoring.forms import ConsensusSummaryForm, JoinConsultationForm, OpenCommentForm
from qa_portal.monitoring.models import StakeholderContact
from qa_portal.monitoring.permissions import can_write_consensus_summary
from qa_portal.monitoring.services.consultation import (
    add_open_comment, confirm_contact, consensus_summary, deliver_confirmation_link, open_comments,
    request_confirmation, write_consensus_summary,
)
from qa_portal.monitoring.views import bp
from qa_portal.standards.forms import STAKEHOLDER_LABELS
from qa_portal.standards.models import StakeholderType, StandardVersion, VersionStatus

SESSION_KEY = "open_consultation_contact"


@bp.app_template_global()
def open_comments_for(version) -> list:
    """The version's self-declared comments (for the consultation report's contribution)."""
    return open_comments(version)


@bp.app_template_global()
def stakeholder_label(kind) -> str:
    """A stakeholder type's name in the visitor's language."""
    return str(STAKEHOLDER_LABELS.get(kind, kind))


@bp.app_template_global()
def consensus_summary_for(version):
    """The version's consensus summary, if any (for the public version page's contribution)."""
    return consensus_summary(version)


def _version_in_consultation(version_id: int) -> StandardVersion:
    version = db.session.get(StandardVersion, version_id)
    if version is None or version.status != VersionStatus.CONSULTATION:
        abort(404)
    return version


def _contact() -> StakeholderContact | None:
    contact_id = session.get(SESSION_KEY)
    contact = db.session.get(StakeholderContact, contact_id) if isinstance(contact_id, int) else None
    return contact if contact is not None and contact.confirmed_at is not None else None


@bp.route("/consultation")
@public
def open_consultations():
    """The standard versions in consultation, open to comments from anyone with a confirmed e-mail address."""
    versions = db.session.scalars(select(StandardVersion).where(StandardVersion.status == VersionStatus.CONSULTATION)
                                  .order_by(StandardVersion.consultation_opened_at.desc()).limit(50)).all()
    return render_template("monitoring/open_consultations.html", versions=versions)


@bp.route("/consultation/<int:version_id>/join", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def join_consultation(version_id: int):
    """Give an e-mail address, organisation and stakeholder type; a one-time link confirms the address."""
    version = _version_in_consultation(version_id)
    form = JoinConsultationForm()
    run = run_service(form, lambda: request_confirmation(form.email.data, form.organisation.data,
                                                         StakeholderType(form.stakeholder_type.data)))
    if not run.ok:
        return render_template("monitoring/consultation_join.html", form=form, version=version), run.status
    contact, token = run.result
    link = public_url("monitoring.confirm_link", token=token, version=version.id)
    delivered = deliver_confirmation_link(contact.email, link)
    show = current_app.config.get("QA_SHOW_CONFIRMATION_LINKS", current_app.debug or current_app.testing)
    return render_template("monitoring/consultation_sent.html", version=version, email=contact.email,
                           delivered=delivered, link=link if show else None)


@bp.route("/consultation/confirm/<token>")
@public
def confirm_link(token: str):
    """Spend a one-time link: the address is confirmed and this browser may comment."""
    try:
        contact = confirm_contact(token[:100])
    except DomainError as error:
        db.session.rollback()
        return render_template("monitoring/consultation_link_refused.html", message=error.message), 404
    db.session.commit()
    session[SESSION_KEY] = contact.id
    flash(_("Your address is confirmed: your comments are marked as from a self-declared stakeholder."), "success")
    version_id = parse_id(request.args.get("version"))  # the version the visitor joined from
    return redirect(url_for("monitoring.open_comment", version_id=version_id) if version_id
                    else url_for("monitoring.open_consultations"))


@bp.route("/consultation/<int:version_id>/comment", methods=["GET", "POST"])
@public
def open_comment(version_id: int):
    """Comment on a version in consultation as a confirmed, self-declared stakeholder."""
    version = _version_in_consultation(version_id)
    contact = _contact()
    if contact is None:
        return redirect(url_for("monitoring.join_consultation", version_id=version.id))
    form = OpenCommentForm()
    form.standard_id.choices = [SelectChoice("", _("The version as a whole"))] + [
        SelectChoice(standard.id, f"{standard.code} {standard.title}") for standard in version.standards]
    run = run_service(form, lambda: add_open_comment(contact, version, form.standard_id.data, form.text.data))
    if run.ok:
        flash(_("Thank you: your comment is recorded for the consultation report."), "success")
        return redirect(url_for("monitoring.open_comment", version_id=version.id))
    return render_template("monitoring/open_comment.html", form=form, version=version, contact=contact), run.status


@bp.route("/monitoring/consultations/<int:version_id>/summary", methods=["GET", "POST"])
@login_required
def consensus_summary_page(version_id: int):
    """Write the consensus summary of a version that went through consultation (officers)."""
    require(can_write_consensus_summary(current_user))
    version = db.session.get(StandardVersion, version_id)
    if version is None:
        abort(404)
    existing = consensus_summary(version)
    form = ConsensusSummaryForm(data={"text": existing.text} if existing is not None else None)
    run = run_service(form, lambda: write_consensus_summary(current_user, version, form.text.data))
    if run.ok:
        flash(_("Consensus summary saved; it is public on the approved version's page."), "success")
        return redirect(url_for("standards.consultation_report", version_id=version.id))
    return render_template("monitoring/consensus_form.html", form=form, version=version), run.status
