"""Forms for standard sets, versions, standards, criteria, scale levels, consultation comments and answers."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from qa_portal.core.forms import FlaskForm
from qa_portal.core.input_checks import parse_id
from qa_portal.standards.models import ESG_PART1_REFS, PRINCIPLE_REFS, CommentResponse, StakeholderType

CODE_PATTERN = Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                      message=_l("Use letters, digits, dots, dashes or underscores, starting with a letter or digit."))

PRINCIPLE_LABELS = {
    1: _l("Quality"), 2: _l("Transparency"), 3: _l("Relevance"), 4: _l("Valid assessment"),
    5: _l("Learning pathways"), 6: _l("Recognition"), 7: _l("Portable"), 8: _l("Learner-centred"),
    9: _l("Authentic"), 10: _l("Information and guidance"),
}

ESG_LABELS = {
    "1.1": _l("Policy for quality assurance"), "1.2": _l("Design and approval of programmes"),
    "1.3": _l("Student-centred learning, teaching and assessment"),
    "1.4": _l("Student admission, progression, recognition and certification"), "1.5": _l("Teaching staff"),
    "1.6": _l("Learning resources and student support"), "1.7": _l("Information management"),
    "1.8": _l("Public information"), "1.9": _l("On-going monitoring and periodic review of programmes"),
    "1.10": _l("Cyclical external quality assurance"),
}

STAKEHOLDER_LABELS = {
    StakeholderType.HEI: _l("Higher-education institution"),
    StakeholderType.STUDENT: _l("Student or learner"),
    StakeholderType.EMPLOYER: _l("Employer"),
    StakeholderType.MINISTRY: _l("Ministry"),
    StakeholderType.RECOGNITION_CENTRE: _l("Recognition centre (ENIC-NARIC)"),
    StakeholderType.OTHER: _l("Other"),
}

RESPONSE_LABELS = {
    CommentResponse.ACCEPTED: _l("Accepted"),
    CommentResponse.PARTLY: _l("Partly accepted"),
    CommentResponse.NOT_ACCEPTED: _l("Not accepted"),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StandardSetForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), Regexp(
        r"^[a-z0-9][a-z0-9-]*$", message=_l("Use lower-case letters, digits and dashes (it appears in public URLs)."))])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    title_hy = StringField(_l("Title in Armenian"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])


class StandardSetEditForm(StandardSetForm):
    code = None


class VersionDetailsForm(FlaskForm):
    decision_rule = TextAreaField(_l("Decision rule"), validators=[Optional(), Length(max=10000)])
    change_note = TextAreaField(_l("What changed in this version"), validators=[Optional(), Length(max=5000)])


class StandardForm(FlaskForm):
    revision = HiddenField()  # the revision the officer typed on (no lost edits)
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20), CODE_PATTERN])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    statement = TextAreaField(_l("Statement"), validators=[DataRequired(), Length(max=5000)])
    guidelines = TextAreaField(_l("Guidelines"), validators=[Optional(), Length(max=10000)])
    esg_refs = MultiCheckboxField(_l("ESG 2015 Part 1 references"),
                                  choices=[SelectChoice(ref, f"{ref} {ESG_LABELS[ref]}") for ref in ESG_PART1_REFS])
    principle_refs = MultiCheckboxField(
        _l("Council Recommendation principles"),
        choices=[SelectChoice(str(ref), f"{ref}. {PRINCIPLE_LABELS[ref]}") for ref in PRINCIPLE_REFS])


class CriterionForm(FlaskForm):
    revision = HiddenField()
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20), CODE_PATTERN])
    text = TextAreaField(_l("Criterion"), validators=[DataRequired(), Length(max=5000)])
    expected_evidence = TextAreaField(_l("Expected evidence"), validators=[Optional(), Length(max=5000)])
    mandatory = BooleanField(_l("Mandatory"), default=True)


class LevelForm(FlaskForm):
    revision = HiddenField()
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), CODE_PATTERN])
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    not_applicable = BooleanField(_l("Means “not applicable”"))


def base_revision(form) -> int | None:
    """The revision a content form was typed on (None for a new item)."""
    return parse_id(str(form.revision.data or ""))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason for withdrawing"), validators=[DataRequired(), Length(max=2000)])


class CommentForm(FlaskForm):
    standard = SelectField(_l("Comment on"))
    # Officers only: a comment received on paper, recorded on behalf of a named organisation and its type (others
    # comment as the stakeholder type of their account).
    on_behalf_of = StringField(_l("Received on paper from (organisation)"), validators=[Length(max=300)])
    stakeholder_type = SelectField(
        _l("The organisation's stakeholder type"), validate_choice=False,
        choices=[SelectChoice(kind.value, label) for kind, label in STAKEHOLDER_LABELS.items()])
    text = TextAreaField(_l("Your comment"), validators=[DataRequired(), Length(max=5000)])

    def __init__(self, version, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard.choices = [SelectChoice("", _l("The whole version"))] + [
            SelectChoice(str(standard.id), f"{standard.code} {standard.title}") for standard in version.standards]


class AnswerForm(FlaskForm):
    response = SelectField(_l("Response"), validators=[DataRequired()],
                           choices=[SelectChoice(kind.value, label) for kind, label in RESPONSE_LABELS.items()])
    answer_text = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=5000)])


class CompareForm(FlaskForm):
    """The two versions to compare (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    old = SelectField(_l("From version"))
    new = SelectField(_l("To version"))
