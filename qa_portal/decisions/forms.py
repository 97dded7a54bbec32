"""The council's declaration and decision forms, and the officers' publication selection."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, FieldList, Form, FormField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from qa_portal.auth.forms import MultiCheckboxField
from qa_portal.core.forms import FlaskForm

__all__ = ["DeclarationForm", "DecisionForm", "PublishForm", "CONDITION_ROWS"]

CONDITION_ROWS = 3


class DeclarationForm(FlaskForm):
    has_conflict = BooleanField(_l("I have a conflict of interest with this institution or case"))
    recuse = BooleanField(_l("I step aside from this decision"))
    details = TextAreaField(_l("The conflict, or why you step aside"), validators=[Length(max=4000)])


class ConditionForm(Form):
    text = TextAreaField(_l("Condition"), validators=[Optional(), Length(max=4000)])
    due_on = DateField(_l("Due date"), validators=[Optional()])


class DecisionForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), coerce=int, validate_choice=False)
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_to = DateField(_l("Valid until"), validators=[Optional()])
    conditions = FieldList(FormField(ConditionForm), label=_l("Conditions"), min_entries=CONDITION_ROWS,
                           max_entries=CONDITION_ROWS)
    reasons = TextAreaField(_l("Reasons"), validators=[Length(max=20000)])
    criteria = MultiCheckboxField(_l("Criteria the reasons cite"), coerce=int, validate_choice=False)
    meeting_date = DateField(_l("Council meeting date"), validators=[Optional()])
    hei_heard = RadioField(_l("Was the institution heard?"),
                           choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
                           validators=[Optional()], validate_choice=False)

    def filled_conditions(self) -> list[tuple[str, object]]:
        """The condition rows with a text or a due date, as (text, due date)."""
        rows = [(entry.form.text.data or "", entry.form.due_on.data) for entry in self.conditions]
        return [(text, due_on) for text, due_on in rows if text.strip() or due_on]


class PublishForm(FlaskForm):
    case_id = MultiCheckboxField(_l("Cases to publish"), coerce=int, validate_choice=False)
