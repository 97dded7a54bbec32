"""Forms shared by every domain: the base form class, the one form runner, refusals on their fields, safe redirects."""
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import flask_wtf
from flask import flash, redirect, render_template
from flask_babel import LazyString
from wtforms import DateTimeLocalField, Field, FieldList, FormField

from qa_portal.core.confirm import Confirmation, ask_first
from qa_portal.core.dates import from_agency_time, local_moment, zone_name
from qa_portal.core.errors import DomainError
from qa_portal.core.input_checks import (
    FIELD_VALUE_REFUSED, MAX_ID, NUMBER_REFUSED, has_control_characters, mark_control_characters_refused,
    without_control_characters,
)
from qa_portal.core.versioning import conflict_of
from qa_portal.extensions import db


def _leaf_fields(fields) -> Iterator[Field]:
    """Every field that holds a value, inside sub-forms (FormField) and repeated fields (FieldList) too."""
    for field in fields:
        if isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        elif isinstance(field, FieldList):
            yield from _leaf_fields(field.entries)
        else:
            yield field


class FlaskForm(flask_wtf.FlaskForm):
    """Flask-WTF's form that also refuses control characters (such as NUL) and numbers no id column can hold.

    Control characters are removed from the field, so the page re-renders with the rest of the user's text and a
    message at the field, and the answer is 400 (core.input_checks); validators and services never see them. A
    whole number beyond ±MAX_ID (a choice coerced to int, an IntegerField) is refused at its field, so it never
    reaches a query. Every form of the portal derives from this class (tests/core/test_input_checks.py checks it)."""

    def validate(self, extra_validators=None) -> bool:
        """Remove control characters first (so no validator meets them), validate, then flag the fields they were in
        and the numbers out of range."""
        tainted = [field for field in _leaf_fields(self) if _strip_control_characters(field)]
        valid = super().validate(extra_validators)
        for field in tainted:
            field.errors = [*field.errors, str(FIELD_VALUE_REFUSED)]
        if tainted:
            mark_control_characters_refused()
        out_of_range = [field for field in _leaf_fields(self) if _holds_an_unstorable_number(field)]
        for field in out_of_range:
            field.errors = [*field.errors, str(NUMBER_REFUSED)]
        return valid and not tainted and not out_of_range

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Every field's error as (the field's id to link to, its label, the message), in the form's order, for the
        summary at the top of the form (templates/_forms.html form_errors)."""
        hidden = ("CSRFTokenField", "HiddenField")  # nothing to link to: the message alone
        return [("", "", str(error)) if field.type in hidden else (field.id, field.label.text, str(error))
                for field in _leaf_fields(self) for error in field.errors]


def _holds_an_unstorable_number(field: Field) -> bool:
    """Whether the field's value is (or holds) a whole number no INTEGER column can store."""
    values = field.data if isinstance(field.data, list | tuple) else [field.data]
    return any(isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ID for value in values)


def _strip_control_characters(field: Field) -> bool:
    """Remove control characters from the field's submitted text (and its value); True when there were any."""
    raw = getattr(field, "raw_data", None) or []
    if not any(isinstance(value, str) and has_control_characters(value) for value in raw):
        return False
    field.raw_data = [without_control_characters(value) if isinstance(value, str) else value for value in raw]
    if isinstance(field.data, str):
        field.data = without_control_characters(field.data)
    return True


def attach_error(form, error: DomainError) -> None:
    """Show a service's refusal next to the field it concerns (or above the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def attach_refusal(form, error: DomainError) -> None:
    """Attach every message of a refusal: one per (field, message) pair when the service listed several."""
    for field, message in getattr(error, "problems", None) or [(error.field, error.message)]:
        attach_error(form, DomainError(message, field=field or None))


class AgencyDateTimeField(DateTimeLocalField):
    """A date and time typed as read on a clock in the agency's zone (QA_TIMEZONE) and shown back that way, stored as
    the naive UTC every datetime column holds (core.dates)."""

    def process_formdata(self, valuelist) -> None:
        """Parse the typed value, then move it from the agency's clock to UTC."""
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = from_agency_time(self.data)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return local_moment(self.data).strftime(self.format[0]) if self.data else ""


def in_agency_zone(label) -> LazyString:
    """A field label naming the agency's zone: "Opens at (Armenia Time)"."""
    return LazyString(lambda: f"{label} ({zone_name()})")


class ButtonForm(FlaskForm):
    """A plain action button's form: only the CSRF token (the object and the action come from the URL), so
    run_service takes buttons too and shows a refusal with form_errors(form)."""


@dataclass(frozen=True)
class ServiceRun:
    """What happened to a submitted form: `ok` with the service's result, or the HTTP status to re-render with (and
    the refusal, when the service refused: a page may show more of it, e.g. the version an edit conflicted with)."""

    ok: bool
    status: int
    result: Any = None
    error: DomainError | None = None


Attach = Callable[[Any, DomainError], None]  # (form, refusal): put the refusal's messages where the user sees them


def run_service(form, service: Callable[[], Any], *, attach: Attach = attach_refusal,
                confirm: Confirmation | None = None) -> ServiceRun:
    """Validate the form, run one service call and commit; on a refusal roll back and put each message on its field.

    Not submitted → status 200; invalid → 400; refused → the refusal's status (409 "not now", 403 "not yours").
    `attach` places a refusal's messages (by default each on the field it names, else above the form). With
    `confirm`, a valid form first answers with the confirmation page (core.confirm) until the user confirms."""
    if not form.validate_on_submit():
        return ServiceRun(False, 400 if form.is_submitted() else 200)
    ask_first(confirm)
    try:
        result = service()
    except DomainError as error:
        db.session.rollback()
        attach(form, error)
        return ServiceRun(False, error.status_code, error=error)
    db.session.commit()
    return ServiceRun(True, 200, result)


def form_page(form, service: Callable[[], Any], template: str, success_message, success_url, *,
              attach: Attach = attach_refusal, confirm: Confirmation | None = None, **context):
    """The whole form page: run_service, then flash and redirect on success or re-render with the user's text.

    `success_message` and `success_url` are each a value or a function of the service's result."""
    run = run_service(form, service, attach=attach, confirm=confirm)
    if run.ok:
        flash(success_message(run.result) if callable(success_message) else success_message, "success")
        return redirect(success_url(run.result) if callable(success_url) else success_url)
    return render_template(template, form=form, conflict=conflict_of(form, run), **context), run.status


def safe_next_url(target: str | None) -> str | None:
    """Accept only a local path as a post-login destination (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if has_control_characters(target) or "\n" in target or "\r" in target or "\t" in target:
        return None
    return target
