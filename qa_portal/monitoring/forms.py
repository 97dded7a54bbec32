"""Forms of the monitoring pages: an offering, the CSV upload, locking a year, the feedback survey."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms.fields.choices import SelectChoice
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from qa_portal.core.forms import FlaskForm
from qa_portal.monitoring.models import OfferingMode
from qa_portal.monitoring.services.offerings import OFFERING_FIELDS, OfferingData
from qa_portal.standards.forms import STAKEHOLDER_LABELS

MODE_LABELS = {OfferingMode.IN_PERSON: _l("In person"), OfferingMode.ONLINE: _l("Online"),
               OfferingMode.BLENDED: _l("Blended")}


def _count(label, required: bool = True):
    return IntegerField(label, default=0 if required else None,
                        validators=[InputRequired() if required else Optional(), NumberRange(min=0)])


class OfferingForm(FlaskForm):
    """One offering: dates, mode, counts of learners by band, satisfaction and outcomes six months after."""

    micro_credential_id = SelectField(_l("Micro-credential"), coerce=int, validators=[InputRequired()])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired()])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired()])
    mode = SelectField(_l("Mode"), choices=[SelectChoice(mode.value, label) for mode, label in MODE_LABELS.items()])
    enrolled = _count(_l("Enrolled"))
    completed = _count(_l("Completed"))
    age_under_25 = _count(_l("Under 25"))
    age_25_34 = _count(_l("25–34"))
    age_35_49 = _count(_l("35–49"))
    age_50_plus = _count(_l("50 and over"))
    gender_female = _count(_l("Women"))
    gender_male = _count(_l("Men"))
    gender_other = _count(_l("Other or not stated"))
    employed_at_enrolment = _count(_l("Employed at enrolment"))
    prior_secondary = _count(_l("Secondary education or less"))
    prior_bachelor = _count(_l("Bachelor's degree or equivalent"))
    prior_master = _count(_l("Master's degree or higher"))
    satisfaction_mean = DecimalField(_l("Mean satisfaction (1–5)"), places=2,
                                     validators=[Optional(), NumberRange(min=1, max=5)])
    satisfaction_respondents = _count(_l("Learners who rated their satisfaction"))
    employed_after = _count(_l("Employed six months after"), required=False)
    promoted_after = _count(_l("Promoted six months after"), required=False)
    continued_study_after = _count(_l("In further study six months after"), required=False)

    def offering_data(self) -> OfferingData:
        """The submitted values as the service takes them."""
        values = {name: getattr(self, name).data for name in OFFERING_FIELDS}
        values["mode"] = OfferingMode(values["mode"])
        return OfferingData(**values)


class OfferingUploadForm(FlaskForm):
    """A CSV file in the template's columns."""

    file = FileField(_l("CSV file (the template's columns, UTF-8)"), validators=[FileRequired()])


class LockPeriodForm(FlaskForm):
    """A reporting year to lock."""

    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])


RATING_CHOICES = [SelectChoice(value, str(value)) for value in range(1, 6)]


class SurveyForm(FlaskForm):
    """The short survey after publication; per-standard usefulness fields are added by the view."""

    clarity = SelectField(_l("How clear was the procedure? (1 not at all … 5 very)"), coerce=int,
                          choices=RATING_CHOICES, validators=[InputRequired()])
    workload = SelectField(_l("How reasonable was the workload? (1 far too heavy … 5 reasonable)"), coerce=int,
                           choices=RATING_CHOICES, validators=[InputRequired()])
    comments = TextAreaField(_l("Anything else the agency should know (optional; shared only without your name)"),
                             validators=[Optional(), Length(max=4000)])


class JoinConsultationForm(FlaskForm):
    """An e-mail address to confirm, and a self-declared organisation and stakeholder type."""

    email = StringField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])
    organisation = StringField(_l("Organisation (or “individual”)"), validators=[InputRequired(), Length(max=300)])
    stakeholder_type = SelectField(_l("You take part as"), validators=[InputRequired()],
                                   choices=[SelectChoice(kind.value, label) for kind, label in STAKEHOLDER_LABELS.items()])


class OpenCommentForm(FlaskForm):
    """A comment on one standard of the version (or on the whole)."""

    standard_id = SelectField(_l("On"), coerce=lambda value: int(value) if value not in (None, "", "None") else None)
    text = TextAreaField(_l("Your comment"), validators=[InputRequired(), Length(max=5000)])


class ConsensusSummaryForm(FlaskForm):
    """What changed in response to which comments, and why others were not taken up."""

    text = TextAreaField(_l("Consensus summary"), validators=[InputRequired(), Length(max=20000)])
