"""Forms of the outcome-scheme pages: the scheme (with outcome rows when created), one outcome, a copy, a move."""
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, FormField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from qa_portal.core.forms import FlaskForm
from qa_portal.decisions.schemes import CODE_MAX, MAX_MONTHS, MAX_YEARS, NAME_MAX, OutcomeData, SchemeData
from qa_portal.pilots.models import DeqarDecision, OutcomeKind

__all__ = ["SchemeForm", "NewSchemeForm", "OutcomeForm", "CopySchemeForm", "MoveForm", "KIND_LABELS",
           "NEW_OUTCOME_ROWS"]

NEW_OUTCOME_ROWS = 4

KIND_LABELS = {
    OutcomeKind.POSITIVE: _l("Positive"),
    OutcomeKind.CONDITIONAL: _l("Conditional (positive with conditions)"),
    OutcomeKind.NEGATIVE: _l("Negative"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class OutcomeFields(Form):
    """One outcome's fields (a row of the new-scheme form, or the outcome form); blank rows are ignored."""

    code = StringField(_l("Code"), filters=[_strip], validators=[Optional(), Length(max=CODE_MAX)])
    label_en = StringField(_l("Label (English)"), filters=[_strip], validators=[Optional(), Length(max=NAME_MAX)])
    label_hy = StringField(_l("Label (Armenian)"), filters=[_strip], validators=[Optional(), Length(max=NAME_MAX)])
    kind = SelectField(_l("Kind"), validate_choice=False, choices=[SelectChoice("", _l("Choose…"))] + [
        SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()])
    max_validity_years = IntegerField(_l("Maximum validity (years)"),
                                      validators=[Optional(), NumberRange(min=1, max=MAX_YEARS)])
    max_condition_window_months = IntegerField(_l("Condition window (months)"),
                                               validators=[Optional(), NumberRange(min=1, max=MAX_MONTHS)])
    deqar_decision = SelectField(_l("DEQAR decision value"), validate_choice=False,
                                 choices=[SelectChoice("", _l("Choose…"))] + [
                                     SelectChoice(value.value, value.value) for value in DeqarDecision])

    def is_blank(self) -> bool:
        """Nothing typed in this row."""
        return not any(field.data not in (None, "") for field in self)

    def outcome_data(self) -> OutcomeData:
        """The row as service input (an unknown kind or DEQAR value stays None and is refused with a message)."""
        return OutcomeData(code=self.code.data or "", label_en=self.label_en.data or "",
                           label_hy=self.label_hy.data or "", kind=_enum_or_none(OutcomeKind, self.kind.data),
                           max_validity_years=self.max_validity_years.data,
                           max_condition_window_months=self.max_condition_window_months.data,
                           deqar_decision=_enum_or_none(DeqarDecision, self.deqar_decision.data))


def _enum_or_none(enum_cls, value):
    try:
        return enum_cls(value)
    except ValueError:
        return None


class SchemeFields(Form):
    """A scheme's own fields."""

    code = StringField(_l("Code"), filters=[_strip], validators=[Optional(), Length(max=CODE_MAX)])
    name_en = StringField(_l("Name (English)"), filters=[_strip], validators=[Optional(), Length(max=NAME_MAX)])
    name_hy = StringField(_l("Name (Armenian)"), filters=[_strip], validators=[Optional(), Length(max=NAME_MAX)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])

    def scheme_data(self) -> SchemeData:
        """The scheme's fields as service input."""
        return SchemeData(code=self.code.data or "", name_en=self.name_en.data or "", name_hy=self.name_hy.data or "",
                          description=self.description.data or "")


class SchemeForm(FlaskForm, SchemeFields):
    """Edit a scheme's code, names and description."""


class CopySchemeForm(FlaskForm, SchemeFields):
    """The new code and names of a copy."""


class NewSchemeForm(FlaskForm, SchemeFields):
    """A new scheme and its outcomes, one row each (blank rows ignored)."""

    outcomes = FieldList(FormField(OutcomeFields), label=_l("Outcomes"), min_entries=NEW_OUTCOME_ROWS,
                         max_entries=20)

    def outcome_rows(self) -> list[tuple[int, OutcomeData]]:
        """The filled rows as (row index, data)."""
        return [(index, entry.form.outcome_data()) for index, entry in enumerate(self.outcomes)
                if not entry.form.is_blank()]


class OutcomeForm(FlaskForm, OutcomeFields):
    """Add or edit one outcome."""


class MoveForm(FlaskForm):
    direction = HiddenField()
