"""Desk review and site visit forms: a member's judgement, the consensus, the visit plan, sessions, skipping."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from qa_portal.core.forms import AgencyDateTimeField, FlaskForm, in_agency_zone
from qa_portal.core.input_checks import parse_id
from qa_portal.reviews.forms.cases import MultiCheckboxField
from qa_portal.reviews.models import VisitMode
from qa_portal.reviews.services.site_visit import GROUP_LABELS, MODE_LABELS

__all__ = ["JudgementForm", "ConsensusForm", "ConsensusCellForm", "ScoringPageForm", "SubmitJudgementsForm",
           "VisitPlanForm", "VisitSessionForm", "SkipJustificationForm"]


def _level_choices(levels, empty_label) -> list:
    return [SelectChoice("", empty_label)] + [SelectChoice(str(level.id), level.label) for level in levels]


class JudgementForm(FlaskForm):
    """One criterion's judgement; drafts may leave fields empty, submitting needs a level and a rationale."""

    version = HiddenField()
    level = SelectField(_l("Your level"), coerce=str)
    rationale = TextAreaField(_l("Rationale (required to submit)"), validators=[Length(max=20000)],
                              render_kw={"rows": 6})
    evidence = MultiCheckboxField(_l("Evidence relied on"), coerce=int)

    def set_choices(self, levels, evidence) -> None:
        self.level.choices = _level_choices(levels, _l("— not judged yet —"))
        self.evidence.choices = [SelectChoice(item.id, item.title) for item in evidence]

    def level_id(self) -> int | None:
        return parse_id(self.level.data)

    def base_version(self) -> int | None:
        return parse_id(self.version.data)


class ConsensusForm(FlaskForm):
    """The panel's consensus on one criterion, recorded by the chair."""

    version = HiddenField()
    level = SelectField(_l("Panel's level"), coerce=str, validators=[DataRequired(_l("Choose the panel's level."))])
    rationale = TextAreaField(_l("Panel's rationale"),
                              validators=[DataRequired(_l("Write the panel's rationale.")), Length(max=20000)],
                              render_kw={"rows": 4})

    def set_choices(self, levels) -> None:
        self.level.choices = _level_choices(levels, _l("— choose —"))

    def level_id(self) -> int | None:
        return parse_id(self.level.data)


    def base_version(self) -> int | None:
        return parse_id(self.version.data)


class ConsensusCellForm(FlaskForm):
    """One criterion's consensus cell in the chair's grid (a row may stay blank; a started row needs both)."""

    version = HiddenField()
    level = SelectField(_l("Panel's level"), coerce=str)
    rationale = TextAreaField(_l("Panel's rationale"), validators=[Length(max=20000)], render_kw={"rows": 3})

    def set_choices(self, levels) -> None:
        self.level.choices = _level_choices(levels, _l("— not agreed yet —"))

    def level_id(self) -> int | None:
        return parse_id(self.level.data)

    def base_version(self) -> int | None:
        return parse_id(self.version.data)


class ScoringPageForm(FlaskForm):
    """The one form of a member's scoring page or of the chair's grid: the CSRF token; rows are sub-forms."""


class SubmitJudgementsForm(FlaskForm):
    """Submitting a member's judgements (CSRF only)."""


class VisitPlanForm(FlaskForm):
    mode = SelectField(_l("Mode"), choices=[SelectChoice(mode.value, label) for mode, label in MODE_LABELS.items()],
                       default=VisitMode.ONSITE.value)
    starts_on = DateField(_l("First day"), validators=[Optional()])
    ends_on = DateField(_l("Last day"), validators=[Optional()])
    location = StringField(_l("Location or online meeting room"), validators=[Length(max=300)])


class VisitSessionForm(FlaskForm):
    version = HiddenField()
    starts_at = AgencyDateTimeField(in_agency_zone(_l("Starts at")), format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                   validators=[DataRequired(_l("Give the session's date and start time."))])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=60,
                                    validators=[DataRequired(_l("Give the duration in minutes.")),
                                                NumberRange(min=5, max=600)])
    stakeholder_group = SelectField(_l("Stakeholder group"), choices=[
        SelectChoice(group.value, label) for group, label in GROUP_LABELS.items()])
    attendees = TextAreaField(_l("Attendees"), validators=[Length(max=5000)])
    notes = TextAreaField(_l("Panel notes (not shown to the institution)"), validators=[Length(max=50000)],
                          render_kw={"rows": 8})
    standards = MultiCheckboxField(_l("Standards the notes concern"), coerce=int)

    def set_standards(self, standards) -> None:
        self.standards.choices = [SelectChoice(standard.id, f"{standard.code} {standard.title}")
                                  for standard in standards]

    def base_version(self) -> int | None:
        return parse_id(self.version.data)


class SkipJustificationForm(FlaskForm):
    justification = TextAreaField(_l("Why the visit can be skipped"),
                                  validators=[DataRequired(_l("Write why the visit can be skipped.")),
                                              Length(max=20000)])
