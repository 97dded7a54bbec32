"""Helpers shared by the standards views: loading objects or 404, and the one-service-call form pattern."""
from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy.orm import selectinload

from qa_portal.core.errors import DomainError
from qa_portal.core.forms import attach_error
from qa_portal.extensions import db
from qa_portal.standards.models import Standard, StandardVersion

PREFIX = "/manage/standards"  # the officers' drafting pages


def version_url(version: StandardVersion, anchor: str | None = None) -> str:
    """The drafting page of a version, optionally at an anchor (a standard, the scale)."""
    return url_for("standards.version_detail", version_id=version.id, _anchor=anchor)


def load_version(version_id: int) -> StandardVersion:
    """A version with its standards and criteria loaded in a constant number of queries, or 404."""
    version = db.session.scalar(
        db.select(StandardVersion).where(StandardVersion.id == version_id).options(
            selectinload(StandardVersion.standards).selectinload(Standard.criteria),
            selectinload(StandardVersion.levels),
        )
    )
    if version is None:
        abort(404)
    return version


def run_form(form, call, template: str, success_message: str, success_url, **context):
    """Validate → one service call → commit → flash → redirect; on refusal re-render with the user's text."""
    if form.validate_on_submit():
        try:
            result = call()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            return render_template(template, form=form, **context), error.status_code
        db.session.commit()
        flash(success_message, "success")
        return redirect(success_url(result) if callable(success_url) else success_url)
    return render_template(template, form=form, **context), 400 if form.is_submitted() else 200
