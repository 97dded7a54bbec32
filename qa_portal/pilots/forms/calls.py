"""Forms for pilot calls, applications, scoring and selection decisions."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    FieldList, Form, FormField, IntegerField, RadioField, SelectField,
    SelectMultipleField, StringField, TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from qa_portal.core.forms import AgencyDateTimeField, FlaskForm, in_agency_zone
from qa_portal.pilots.models import SelectionOutcome

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
EXTRA_CRITERION_ROWS = 2

SELECTION_OUTCOME_LABELS = {
    SelectionOutcome.SELECTED: _l("Selected"),
    SelectionOutcome.RESERVE: _l("Reserve"),
    SelectionOutcome.NOT_SELECTED: _l("Not selected"),
}


class CriterionForm(Form):
    """One selection-criterion row of the call form (blank rows are ignored)."""

    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("What it looks at"), validators=[Optional(), Length(max=2000)])
    weight = IntegerField(_l("Weight (1–100)"), validators=[Optional(), NumberRange(min=1, max=100)])


class CallForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    eligibility = TextAreaField(_l("Eligibility rules"), validators=[Optional(), Length(max=20000)])
    standard_version_id = SelectField(_l("Standard-set version (approved)"), coerce=int, validate_choice=False,
                                      validators=[InputRequired()])
    outcome_scheme_id = SelectField(_l("Outcome scheme for decisions"), coerce=int, validate_choice=False,
                                    validators=[InputRequired()])
    opens_at = AgencyDateTimeField(in_agency_zone(_l("Opens at")), format=DATETIME_FORMAT, validators=[DataRequired()])
    closes_at = AgencyDateTimeField(in_agency_zone(_l("Closes at")), format=DATETIME_FORMAT,
                                    validators=[DataRequired()])
    max_pilots = IntegerField(_l("Maximum number of pilots"), validators=[InputRequired(), NumberRange(min=1, max=1000)])
    criteria = FieldList(FormField(CriterionForm), label=_l("Selection criteria"), min_entries=1)

    def set_choices(self, versions, schemes) -> None:
        """Offer the approved standard-set versions and the outcome schemes."""
        self.standard_version_id.choices = [SelectChoice(v.id, f"{v.standard_set.title} — {v.label}") for v in versions]
        self.outcome_scheme_id.choices = [SelectChoice(s.id, s.name_en) for s in schemes]

    def add_blank_criteria(self) -> None:
        """Leave a couple of empty rows for new criteria (the page works without JavaScript)."""
        for _ in range(EXTRA_CRITERION_ROWS):
            self.criteria.append_entry()

    def validate_criteria(self, field) -> None:
        missing = False
        for entry in field.entries:
            if (entry.form.name.data or "").strip() and entry.form.weight.data is None:
                entry.form.weight.errors = [*entry.form.weight.errors, str(_l("Give this criterion a weight."))]
                missing = True
        if missing:
            raise ValidationError(str(_l("Every named criterion needs a weight from 1 to 100.")))

    def criteria_rows(self) -> list[dict]:
        """The filled-in criterion rows, in order."""
        return [
            {"name": entry.form.name.data.strip(), "description": entry.form.description.data or "",
             "weight": entry.form.weight.data}
            for entry in self.criteria.entries if (entry.form.name.data or "").strip()
        ]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApplicationForm(FlaskForm):
    specification_ids = MultiCheckboxField(_l("Micro-credential specifications"), coerce=int,
                                           validate_choice=False)
    motivation = TextAreaField(_l("Motivation"), validators=[Optional(), Length(max=20000)])

    def set_choices(self, specifications) -> None:
        """Offer the institution's own specifications."""
        self.specification_ids.choices = [SelectChoice(spec.id, spec_label(spec)) for spec in specifications]


def spec_label(spec) -> str:
    """A specification's name in lists of choices: its latest version's English title."""
    return spec.latest_version.title_en or f"#{spec.id}"


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason for withdrawing"), validators=[DataRequired(), Length(max=5000)])


def _score_or_none(value) -> int | None:
    """A chosen score as a number; the empty "Choose…" option as None (so nothing is preselected)."""
    return None if value in ("", None) else int(value)


class ScoreEntryForm(Form):
    """One criterion's score and comment; no score is preselected, so an officer never leaves a 0 by accident."""

    score = SelectField(_l("Score"), coerce=_score_or_none,
                        validators=[InputRequired(message=_l("Choose a score from 0 to 5."))],
                        choices=[SelectChoice("", _l("Choose…"))] + [SelectChoice(n, str(n)) for n in range(6)])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])


class ScoreForm(FlaskForm):
    entries = FieldList(FormField(ScoreEntryForm))


class SelectionDecisionForm(FlaskForm):
    outcome = RadioField(_l("Result"), validators=[InputRequired()],
                         choices=[SelectChoice(o.value, label) for o, label in SELECTION_OUTCOME_LABELS.items()])
    rationale = TextAreaField(_l("Rationale"), validators=[DataRequired(), Length(max=10000)])
