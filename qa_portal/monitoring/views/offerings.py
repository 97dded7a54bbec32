"""Offerings pages: the list with the CSV upload and template, the form to add or correct one, locking a year."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from qa_portal.core.access import login_required, require
from qa_portal.core.csv_export import csv_attachment
from qa_portal.core.forms import ButtonForm, form_page, run_service
from qa_portal.core.pagination import paginate
from qa_portal.extensions import db
from qa_portal.monitoring.forms import LockPeriodForm, OfferingForm, OfferingUploadForm
from qa_portal.monitoring.models import LockedPeriod, Offering
from qa_portal.monitoring.permissions import (
    can_edit_offering, can_list_offerings, can_lock_periods, can_record_offerings, visible_offerings,
)
from qa_portal.monitoring.services.offering_csv import ImportRefused, import_offerings, read_upload, template_csv
from qa_portal.monitoring.services.offerings import (
    OFFERING_FIELDS, delete_offering, lock_period, record_offering, unlock_period, update_offering,
)
from qa_portal.monitoring.views import bp
from qa_portal.pilots.models import MicroCredential, SpecificationStatus, SpecificationVersion
from qa_portal.pilots.permissions import is_officer, member_institution_ids


def _credential_choices() -> list[SelectChoice]:
    """The published micro-credentials the user records offerings for (one query)."""
    query = (select(MicroCredential.id, SpecificationVersion.title_en)
             .join(SpecificationVersion, SpecificationVersion.micro_credential_id == MicroCredential.id)
             .where(SpecificationVersion.status == SpecificationStatus.PUBLISHED)
             .order_by(SpecificationVersion.title_en, MicroCredential.id, SpecificationVersion.number.desc()))
    if not is_officer(current_user):
        query = query.where(MicroCredential.institution_id.in_(member_institution_ids(current_user)))
    choices: dict[int, str] = {}
    for credential_id, title in db.session.execute(query.limit(2000)):
        choices.setdefault(credential_id, f"{title} (#{credential_id})")
    return [SelectChoice(credential_id, title) for credential_id, title in choices.items()]


def _list_page(upload_form=None, lock_form=None, row_errors=(), status=200):
    page = paginate(visible_offerings(current_user), per_page=50)
    locked = db.session.scalars(select(LockedPeriod).order_by(LockedPeriod.year.desc()).limit(50)).all()
    return render_template("monitoring/offerings.html", page=page, locked=locked,
                           upload_form=upload_form or OfferingUploadForm(), lock_form=lock_form or LockPeriodForm(),
                           button_form=ButtonForm(), row_errors=row_errors), status


@bp.route("/monitoring/offerings")
@login_required
def offering_list():
    """The offerings the user may see, the CSV upload and (for officers) the locked years."""
    require(can_list_offerings(current_user))
    return _list_page()


@bp.route("/monitoring/offerings/template.csv")
@login_required
def offering_template():
    """The empty CSV template of offerings."""
    require(can_list_offerings(current_user))
    return csv_attachment(template_csv(), "offerings-template.csv")


@bp.route("/monitoring/offerings/upload", methods=["POST"])
@login_required
def offering_upload():
    """Import every row of the uploaded CSV, or none with each row's problems listed."""
    require(can_list_offerings(current_user))
    form = OfferingUploadForm()
    scope = None if is_officer(current_user) else member_institution_ids(current_user)
    run = run_service(form, lambda: import_offerings(current_user, scope, read_upload(form.file.data.stream)))
    if run.ok:
        flash(_("%(count)s offerings imported.", count=run.result), "success")
        return redirect(url_for("monitoring.offering_list"))
    row_errors = run.error.row_errors if isinstance(run.error, ImportRefused) else ()
    return _list_page(upload_form=form, row_errors=row_errors, status=run.status)


@bp.route("/monitoring/offerings/new", methods=["GET", "POST"])
@login_required
def offering_new():
    """Record one offering of a published micro-credential."""
    require(can_list_offerings(current_user))
    form = OfferingForm()
    form.micro_credential_id.choices = _credential_choices()

    def service():
        """Record the offering of the chosen micro-credential (one of the user's, else 403)."""
        credential = db.session.get(MicroCredential, form.micro_credential_id.data)
        if credential is None or not can_record_offerings(current_user, credential.institution_id):
            abort(403)
        return record_offering(current_user, credential, form.offering_data())

    return form_page(form, service, "monitoring/offering_form.html", _("Offering recorded."),
                     url_for("monitoring.offering_list"), offering=None)


def _offering(offering_id: int) -> Offering:
    offering = db.session.get(Offering, offering_id)
    if offering is None:
        abort(404)
    require(can_edit_offering(current_user, offering))
    return offering


@bp.route("/monitoring/offerings/<int:offering_id>/edit", methods=["GET", "POST"])
@login_required
def offering_edit(offering_id: int):
    """Correct an offering while its year is open."""
    offering = _offering(offering_id)
    form = OfferingForm(obj=offering if request.method == "GET" else None)
    del form.micro_credential_id
    if request.method == "GET":
        form.mode.data = offering.mode.value
    return form_page(form, lambda: update_offering(current_user, offering, form.offering_data()),
                     "monitoring/offering_form.html", _("Offering saved."), url_for("monitoring.offering_list"),
                     offering=offering, fields=OFFERING_FIELDS)


@bp.route("/monitoring/offerings/<int:offering_id>/delete", methods=["POST"])
@login_required
def offering_delete(offering_id: int):
    """Remove an offering recorded by mistake while its year is open."""
    offering = _offering(offering_id)
    form = ButtonForm()
    run = run_service(form, lambda: delete_offering(current_user, offering))
    if run.ok:
        flash(_("Offering removed."), "success")
    else:
        flash(run.error.message if run.error else _("The request could not be completed."), "error")
    return redirect(url_for("monitoring.offering_list"))


@bp.route("/monitoring/periods", methods=["POST"])
@login_required
def period_lock():
    """Lock a reporting year (officers)."""
    require(can_lock_periods(current_user))
    form = LockPeriodForm()
    run = run_service(form, lambda: lock_period(current_user, form.year.data))
    if run.ok:
        flash(_("%(year)s is locked: its offerings are final.", year=run.result.year), "success")
        return redirect(url_for("monitoring.offering_list"))
    return _list_page(lock_form=form, status=run.status)


@bp.route("/monitoring/periods/<int:period_id>/unlock", methods=["POST"])
@login_required
def period_unlock(period_id: int):
    """Reopen a locked year for corrections (officers)."""
    require(can_lock_periods(current_user))
    period = db.session.get(LockedPeriod, period_id)
    if period is None:
        abort(404)
    run = run_service(ButtonForm(), lambda: unlock_period(current_user, period))
    if run.ok:
        flash(_("The year is open again for corrections."), "success")
    return redirect(url_for("monitoring.offering_list"))
