"""Panel-report forms: a standard's section, the overall conclusion and recommendation, factual-accuracy comments
and the chair's answers."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from qa_portal.core.forms import FlaskForm
from qa_portal.core.input_checks import parse_id

__all__ = ["ReportSectionForm", "ReportConclusionForm", "FactualCommentForm", "FactualAnswerForm",
           "FactualAnswerRowForm"]

_LONG = [Length(max=50000)]


def _optional_id(value: str | None) -> int | None:
    return parse_id(value)


class ReportSectionForm(FlaskForm):
    version = HiddenField()
    findings = TextAreaField(_l("Findings"), validators=_LONG)
    strengths = TextAreaField(_l("Strengths"), validators=_LONG)
    areas_for_improvement = TextAreaField(_l("Areas for improvement"), validators=_LONG)
    recommendations = TextAreaField(_l("Recommendations"), validators=_LONG)
    level = SelectField(_l("Judgement of the standard"), coerce=str)

    def set_levels(self, levels) -> None:
        self.level.choices = [SelectChoice("", _l("— not judged yet —"))] + [
            SelectChoice(str(level.id), level.label) for level in levels]

    def level_id(self) -> int | None:
        return _optional_id(self.level.data)

    def base_version(self) -> int | None:
        return _optional_id(self.version.data)


class ReportConclusionForm(FlaskForm):
    overall_conclusion = TextAreaField(_l("Overall conclusion"), validators=_LONG)
    recommended_outcome = SelectField(_l("Recommended outcome"), coerce=str)
    recommendation_reason = TextAreaField(
        _l("Reason for departing from the decision rule (required when a mandatory criterion is non-compliant and "
           "the recommendation is not negative, or partially compliant and the recommendation is positive: name "
           "each such criterion's code)"), validators=[Length(max=20000)])

    def set_outcomes(self, outcomes, locale: str = "en") -> None:
        self.recommended_outcome.choices = [SelectChoice("", _l("— not chosen yet —"))] + [
            SelectChoice(str(outcome.id), outcome.label(locale)) for outcome in outcomes]

    def outcome_id(self) -> int | None:
        return _optional_id(self.recommended_outcome.data)


class FactualCommentForm(FlaskForm):
    section = SelectField(_l("Section"), coerce=str, validators=[DataRequired()])
    comment = TextAreaField(_l("Comment on the facts"), validators=[DataRequired(), Length(max=20000)])
    evidence = SelectField(_l("Evidence (optional)"), coerce=str, default="")
    new_file = FileField(_l("Or a new evidence file (optional; PDF, DOCX, XLSX, ODT, PNG or JPG)"))
    new_file_title = StringField(_l("Title of the new file"), validators=[Length(max=300)])

    def set_choices(self, sections, evidence) -> None:
        self.section.choices = [SelectChoice(key, label) for key, label in sections]
        self.evidence.choices = [SelectChoice("", _l("— none —"))] + [
            SelectChoice(str(item.id), item.title) for item in evidence]

    def evidence_id(self) -> int | None:
        return _optional_id(self.evidence.data)

    def new_evidence(self):
        """The new file uploaded with the comment as the service takes it, or None."""
        from qa_portal.reviews.services.factual import NewEvidence

        upload = self.new_file.data
        if not upload or not getattr(upload, "filename", ""):
            return None
        return NewEvidence(upload.stream, upload.filename, self.new_file_title.data or "")


class FactualAnswerForm(FlaskForm):
    response = RadioField(_l("Response"), choices=[SelectChoice("accepted", _l("Accepted")),
                                                        SelectChoice("rejected", _l("Rejected"))],
                          validators=[DataRequired()])
    answer = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=20000)])


class FactualAnswerRowForm(FlaskForm):
    """One comment's answer in the chair's one form of answers (a row may stay blank; a started row needs both)."""

    response = RadioField(_l("Response"), choices=[SelectChoice("accepted", _l("Accepted")),
                                                        SelectChoice("rejected", _l("Rejected"))],
                          validate_choice=False)
    answer = TextAreaField(_l("Answer"), validators=[Length(max=20000)])
