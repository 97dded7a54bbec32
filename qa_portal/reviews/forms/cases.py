"""Review-case forms: workflow actions, coordination, SER entries and texts, evidence uploads."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from qa_portal.core.forms import FlaskForm
from qa_portal.core.input_checks import parse_id
from qa_portal.reviews.services.evidence import EVIDENCE_LANGUAGES
from qa_portal.reviews.models import Confidentiality, EvidenceType

EVIDENCE_TYPE_LABELS = {
    EvidenceType.POLICY: _l("Policy"),
    EvidenceType.SYLLABUS: _l("Syllabus"),
    EvidenceType.ASSESSMENT_SAMPLE: _l("Assessment sample"),
    EvidenceType.FEEDBACK_DATA: _l("Feedback data"),
    EvidenceType.OTHER: _l("Other"),
}
CONFIDENTIALITY_LABELS = {
    Confidentiality.PUBLIC: _l("Public (may be published with the report)"),
    Confidentiality.PANEL_ONLY: _l("Panel only (downloads are logged)"),
}
LANGUAGE_LABELS = {"hy": _l("Armenian"), "en": _l("English"), "ru": _l("Russian"), "other": _l("Other")}


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(FlaskForm):
    comment = TextAreaField(_l("Comment or reasons"), validators=[Length(max=10000)])


class CoordinationForm(FlaskForm):
    coordinator = SelectField(_l("Coordinating officer"), coerce=str)
    ser_due_at = DateField(_l("SER due date"), validators=[Optional()])

    def set_officers(self, officers) -> None:
        self.coordinator.choices = [SelectChoice("", _l("— none —"))] + [
            SelectChoice(str(officer.id), officer.full_name) for officer in officers]


class SerEntryForm(FlaskForm):
    version = HiddenField()
    narrative = TextAreaField(_l("Narrative"), validators=[Length(max=50000)])
    level = SelectField(_l("Self-rating"), coerce=str)
    justification = TextAreaField(_l("Justification when no evidence applies"), validators=[Length(max=10000)])
    evidence = MultiCheckboxField(_l("Evidence backing this criterion"), coerce=int)

    def set_choices(self, levels, evidence) -> None:
        self.level.choices = [SelectChoice("", _l("— not rated yet —"))] + [
            SelectChoice(str(level.id), level.label) for level in levels]
        self.evidence.choices = [SelectChoice(item.id, item.title) for item in evidence]

    def level_id(self) -> int | None:
        return int(self.level.data) if self.level.data else None

    def base_version(self) -> int | None:
        return parse_id(self.version.data)


class SerStandardForm(FlaskForm):
    """The one form of a standard's SER page: its CSRF token and the pressed button ("all" or a criterion id); each
    criterion's fields come from a SerEntryForm with the prefix c<criterion id> and no token of its own."""

    save = StringField()

    def only_criterion(self) -> int | None:
        """The criterion whose own Save button was pressed, or None for the whole page."""
        return parse_id(self.save.data)


def ser_entry_subform(criterion_id: int, **data) -> SerEntryForm:
    """One criterion's fields on a standard's page (the page's form carries the CSRF token)."""
    return SerEntryForm(prefix=f"c{criterion_id}", meta={"csrf": False}, **data)


class SerTextsForm(FlaskForm):
    version = HiddenField()
    summary = TextAreaField(_l("Summary"), validators=[Length(max=50000)])
    strengths = TextAreaField(_l("Strengths"), validators=[Length(max=50000)])
    weaknesses = TextAreaField(_l("Weaknesses"), validators=[Length(max=50000)])
    improvement_plan = TextAreaField(_l("Improvement plan"), validators=[Length(max=50000)])

    def base_version(self) -> int | None:
        return parse_id(self.version.data)


class EvidenceDetailsForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    evidence_type = SelectField(_l("Type"), choices=[
        SelectChoice(value.value, label) for value, label in EVIDENCE_TYPE_LABELS.items()])
    language = SelectField(_l("Language"), choices=[
        SelectChoice(code, LANGUAGE_LABELS[code]) for code in EVIDENCE_LANGUAGES])
    confidentiality = SelectField(_l("Confidentiality"), choices=[
        SelectChoice(value.value, label) for value, label in CONFIDENTIALITY_LABELS.items()])
    criteria = MultiCheckboxField(_l("Criteria this file backs"), coerce=int)

    def set_criteria(self, standards) -> None:
        self.criteria.choices = [SelectChoice(criterion.id, f"{criterion.code} — {_shorten(criterion.text)}")
                                 for standard in standards for criterion in standard.criteria]


class EvidenceUploadForm(EvidenceDetailsForm):
    file = FileField(_l("File (PDF, DOCX, XLSX, ODT, PNG or JPG)"), validators=[FileRequired()])

