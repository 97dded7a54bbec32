"""Forms of the decisions pages: the council's declaration and decision, the officers' publication selection, the
condition follow-up (report, verdict), appeals (lodge, admissibility, the appeals body's decision), complaints
(lodge, answer) and the outcome-scheme pages (the scheme with outcome rows when created, one outcome, a copy, a
move)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField, DateField, FieldList, Form, FormField, HiddenField, IntegerField, RadioField, SelectField,
    StringField, TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from qa_portal.auth.forms import MultiCheckboxField
from qa_portal.core.forms import FlaskForm
from qa_portal.decisions.services.appeals import ADMISSIBILITY_LABELS, GROUND_LABELS, OUTCOME_LABELS
from qa_portal.decisions.services.schemes import CODE_MAX, MAX_MONTHS, MAX_YEARS, NAME_MAX, OutcomeData, SchemeData
from qa_portal.pilots.models import DeqarDecision, OutcomeKind

__all__ = ["DeclarationForm", "DecisionForm", "PublishForm", "CONDITION_ROWS", "ConditionReportForm",
           "ConditionVerdictForm", "AppealForm", "AdmissibilityForm", "AppealDecisionForm", "ComplaintForm",
           "AnswerForm", "SchemeForm", "NewSchemeForm", "OutcomeForm", "CopySchemeForm", "MoveForm", "KIND_LABELS",
           "NEW_OUTCOME_ROWS", "MeetingForm", "VoteForm"]


# --- the council and publication ---------------------------------------------------------------------------------

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
    departure_reason = TextAreaField(
        _l("Reason for departing from the panel's recommendation or the decision rule (name each criterion "
           "concerned by its code)"), validators=[Length(max=20000)])
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


# --- follow-up of conditions -------------------------------------------------------------------------------------

class ConditionReportForm(FlaskForm):
    report = TextAreaField(_l("What the institution has done to meet the condition"), validators=[Length(max=20000)])
    document = FileField(_l("Evidence document (PDF, DOCX, XLSX, ODT, PNG or JPG; optional)"))

    def upload(self):
        """The chosen document as (stream, filename), or None."""
        document = self.document.data
        return (document.stream, document.filename) if document and document.filename else None


class ConditionVerdictForm(FlaskForm):
    verdict = RadioField(_l("Verdict"), choices=[SelectChoice("met", _l("Met")),
                                                 SelectChoice("not_met", _l("Not met"))], validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[Length(max=4000)])

    def validate_verdict(self, field) -> None:
        """Met or not met, nothing else."""
        if field.data not in ("met", "not_met"):
            raise ValidationError(_l("Choose met or not met."))


# --- appeals and complaints --------------------------------------------------------------------------------------

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


# --- outcome schemes ----------------------------------------------------------------------------------------------

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


# --- council meetings ---------------------------------------------------------------------------------------------

class MeetingForm(FlaskForm):
    held_on = DateField(_l("Date of the meeting"), validators=[Optional()])
    title = StringField(_l("Title"), validators=[Length(max=200)])
    case_ids = MultiCheckboxField(_l("Agenda: cases awaiting a decision"), coerce=int, validate_choice=False)
    attendee_ids = MultiCheckboxField(_l("Council members present"), coerce=int, validate_choice=False)
    quorum = IntegerField(_l("Quorum (members; empty: a majority of the members not recused)"),
                          validators=[Optional(), NumberRange(min=1, max=999)])


class VoteForm(FlaskForm):
    choice = RadioField(_l("Your vote"), choices=[SelectChoice("for", _l("For")), SelectChoice("against", _l("Against")),
                                                  SelectChoice("abstain", _l("Abstain"))], validate_choice=False)
