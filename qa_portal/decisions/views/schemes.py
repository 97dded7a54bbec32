"""Outcome-scheme pages: administrators create, edit, reorder and copy schemes; officers read them. A scheme in use
keeps its rules (the service refuses with 409) and says so on its page."""
import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from qa_portal.core.access import login_required, require
from qa_portal.core.forms import form_page, run_service
from qa_portal.core.errors import DomainError
from qa_portal.decisions.services import schemes as services
from qa_portal.decisions.permissions import can_manage_outcome_schemes, can_view_outcome_schemes
from qa_portal.decisions.forms import (
    KIND_LABELS, CopySchemeForm, MoveForm, NewSchemeForm, OutcomeForm, SchemeForm,
)
from qa_portal.decisions.views import bp
from qa_portal.extensions import db
from qa_portal.pilots.models import Outcome, OutcomeScheme

_ROW_FIELD = re.compile(r"^outcomes-(\d+)-(\w+)$")


def _load(scheme_id: int) -> OutcomeScheme:
    scheme = db.get_or_404(OutcomeScheme, scheme_id)
    require(can_view_outcome_schemes(current_user))
    return scheme


def _load_outcome(scheme_id: int, outcome_id: int) -> Outcome:
    scheme = _load(scheme_id)
    outcome = db.get_or_404(Outcome, outcome_id)
    if outcome.scheme_id != scheme.id:
        abort(404)
    return outcome


def _field_named(form, name: str):
    """The form field whose submitted name is `name` (rows of a FieldList included), or None."""
    for field in form:
        if field.type in ("FieldList", "FormField"):
            found = _field_named(field, name)
            if found is not None:
                return found
        elif field.name == name:
            return field
    return None


def _show_problems(form, error: DomainError, row_index=None) -> None:
    """Put each refused rule's message on its field (rows renamed to their place in the form), else above."""
    for key, message in getattr(error, "problems", [(error.field or "", error.message)]):
        match = _ROW_FIELD.match(key or "")
        if match and row_index is not None:
            key = f"outcomes-{row_index[int(match.group(1))]}-{match.group(2)}"
        field = _field_named(form, key) if key else None
        if field is None and key == "outcomes" and hasattr(form, "outcomes"):
            field = form.outcomes
        if field is not None:
            field.errors = [*[e for e in field.errors if isinstance(e, str)], message]
        else:
            form.form_errors.append(message)


def _scheme_url(saved) -> str:
    """The page of the scheme a saved scheme or outcome belongs to."""
    return url_for("decisions.scheme_detail", scheme_id=saved.scheme_id if isinstance(saved, Outcome) else saved.id)


def _form_page(form, service, message, template: str, row_index=None, **context):
    """core's form_page for a scheme form: each refused rule's message at its field (outcome rows renamed to their
    place in the form: 400 for broken rules, 409 for a scheme in use), the scheme's page after a save."""
    return form_page(form, service, template, message, _scheme_url,
                     attach=lambda form, error: _show_problems(form, error, row_index), **context)


@bp.route("/decisions/schemes")
@login_required
def scheme_list():
    require(can_view_outcome_schemes(current_user))
    schemes = db.session.scalars(select(OutcomeScheme).order_by(OutcomeScheme.code)).all()
    usage = services.usage_by_scheme([scheme.id for scheme in schemes])
    return render_template("decisions/schemes/list.html", schemes=schemes, usage=usage)


@bp.route("/decisions/schemes/<int:scheme_id>")
@login_required
def scheme_detail(scheme_id: int):
    scheme = _load(scheme_id)
    return render_template("decisions/schemes/detail.html", scheme=scheme, usage=services.usage_of(scheme),
                           kind_labels=KIND_LABELS)


@bp.route("/decisions/schemes/new", methods=["GET", "POST"])
@login_required
def scheme_new():
    require(can_manage_outcome_schemes(current_user))
    form = NewSchemeForm()
    rows = form.outcome_rows() if form.is_submitted() else []
    return _form_page(
        form, lambda: services.create_scheme(current_user, form.scheme_data(), [data for _index, data in rows]),
        lambda scheme: _("Outcome scheme “%(code)s” created.", code=scheme.code),
        "decisions/schemes/new.html", row_index=[index for index, _data in rows], kind_labels=KIND_LABELS)


@bp.route("/decisions/schemes/<int:scheme_id>/edit", methods=["GET", "POST"])
@login_required
def scheme_edit(scheme_id: int):
    scheme = _load(scheme_id)
    require(can_manage_outcome_schemes(current_user))
    form = SchemeForm() if request.method == "POST" else SchemeForm(obj=scheme)
    return _form_page(form, lambda: services.update_scheme(current_user, scheme, form.scheme_data()),
                      lambda saved: _("Outcome scheme “%(code)s” saved.", code=saved.code),
                      "decisions/schemes/edit.html", scheme=scheme, usage=services.usage_of(scheme))


@bp.route("/decisions/schemes/<int:scheme_id>/copy", methods=["GET", "POST"])
@login_required
def scheme_copy(scheme_id: int):
    source = _load(scheme_id)
    require(can_manage_outcome_schemes(current_user))
    form = CopySchemeForm() if request.method == "POST" else CopySchemeForm(
        name_en=_("%(name)s (copy)", name=source.name_en), name_hy=source.name_hy, description=source.description)
    source_code = source.code
    return _form_page(form, lambda: services.copy_scheme(current_user, source, form.scheme_data()),
                      lambda copy: _("“%(source)s” copied as “%(code)s”; the copy is not in use and can be edited.",
                                     source=source_code, code=copy.code),
                      "decisions/schemes/copy.html", scheme=source)


@bp.route("/decisions/schemes/<int:scheme_id>/outcomes/new", methods=["GET", "POST"])
@login_required
def outcome_new(scheme_id: int):
    scheme = _load(scheme_id)
    require(can_manage_outcome_schemes(current_user))
    form = OutcomeForm()
    return _form_page(form, lambda: services.add_outcome(current_user, scheme, form.outcome_data()),
                      lambda added: _("Outcome “%(code)s” added.", code=added.code),
                      "decisions/schemes/outcome.html", scheme=scheme, outcome=None, usage=services.usage_of(scheme))


@bp.route("/decisions/schemes/<int:scheme_id>/outcomes/<int:outcome_id>/edit", methods=["GET", "POST"])
@login_required
def outcome_edit(scheme_id: int, outcome_id: int):
    outcome = _load_outcome(scheme_id, outcome_id)
    require(can_manage_outcome_schemes(current_user))
    form = OutcomeForm() if request.method == "POST" else OutcomeForm(obj=outcome)
    if request.method != "POST":
        form.kind.data, form.deqar_decision.data = outcome.kind.value, outcome.deqar_decision.value
    return _form_page(form, lambda: services.update_outcome(current_user, outcome, form.outcome_data()),
                      lambda saved: _("Outcome “%(code)s” saved.", code=saved.code),
                      "decisions/schemes/outcome.html", scheme=outcome.scheme, outcome=outcome,
                      usage=services.usage_of(outcome.scheme))


def _detail_refusal(scheme: OutcomeScheme, run):
    """A refused move or removal: the scheme page again with the refusal above it (409); a post without its form's
    token is a bad request (400)."""
    if run.error is None:
        abort(400)
    return render_template("decisions/schemes/detail.html", scheme=scheme, usage=services.usage_of(scheme),
                           kind_labels=KIND_LABELS, refusal=run.error.message), run.status


@bp.route("/decisions/schemes/<int:scheme_id>/outcomes/<int:outcome_id>/move", methods=["POST"])
@login_required
def outcome_move(scheme_id: int, outcome_id: int):
    outcome = _load_outcome(scheme_id, outcome_id)
    require(can_manage_outcome_schemes(current_user))
    form = MoveForm()
    run = run_service(form, lambda: services.move_outcome(current_user, outcome, form.direction.data or ""))
    if not run.ok:
        return _detail_refusal(outcome.scheme, run)
    flash(_("Outcome “%(code)s” moved.", code=outcome.code), "success")
    return redirect(url_for("decisions.scheme_detail", scheme_id=scheme_id))


@bp.route("/decisions/schemes/<int:scheme_id>/outcomes/<int:outcome_id>/remove", methods=["POST"])
@login_required
def outcome_remove(scheme_id: int, outcome_id: int):
    outcome = _load_outcome(scheme_id, outcome_id)
    require(can_manage_outcome_schemes(current_user))
    form = MoveForm()
    code, scheme = outcome.code, outcome.scheme
    run = run_service(form, lambda: services.remove_outcome(current_user, outcome))
    if not run.ok:
        return _detail_refusal(scheme, run)
    flash(_("Outcome “%(code)s” removed.", code=code), "success")
    return redirect(url_for("decisions.scheme_detail", scheme_id=scheme_id))
