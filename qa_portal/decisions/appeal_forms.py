"""Forms for appeals (lodge, admissibility, the appeals body's decision) and complaints (lodge, answer)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from qa_portal.auth.forms import MultiCheckboxField
from qa_portal.core.forms import FlaskForm
from qa_portal.decisions.appeals import ADMISSIBILITY_LABELS, GROUND_LABELS, OUTCOME_LABELS

__all__ = ["AppealForm", "AdmissibilityForm", "AppealDecisionForm", "ComplaintForm", "AnswerForm"]


class AppealForm(FlaskForm):
    grounds = MultiCheckboxField(_l("Grounds of appeal"), choices=[
        SelectChoice(ground.value, label) for ground, label in GROUND_LABELS.items()], validate_choice=False)
    statement = TextAreaField(_l("Statement of the appeal"), validators=[Length(max=20000)])
    documents = MultipleFileField(_l("Supporting documents (PDF, DOCX, XLSX, ODT, PNG or JPG; optional)"))


class AdmissibilityForm(FlaskForm):
    admissibility = RadioField(_l("Admissibility"), choices=[
        SelectChoice(value.value, label) for value, label in ADMISSIBILITY_LABELS.items()], validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[Length(max=4000)])


class AppealDecisionForm(FlaskForm):
    outcome = RadioField(_l("The appeals body's decision"), choices=[
        SelectChoice(value.value, label) for value, label in OUTCOME_LABELS.items()], validate_choice=False)
    reasons = TextAreaField(_l("Reasons"), validators=[Length(max=20000)])


class ComplaintForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[Length(max=200)])
    case_id = SelectField(_l("Case concerned (optional)"), coerce=int, validate_choice=False)
    text = TextAreaField(_l("What happened"), validators=[Length(max=20000)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer"), validators=[Length(max=20000)])
