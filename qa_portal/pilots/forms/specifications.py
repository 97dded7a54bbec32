"""Forms for writing, publishing and withdrawing micro-credential specifications."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from qa_portal.core.forms import FlaskForm
from qa_portal.pilots.models import (
    AssessmentType, CertificateType, LearningMode, ParticipationForm, QfEheaCycle, Stackability, Supervision,
)
from qa_portal.pilots.models.specification_rules import (
    check_specification, parse_ects, parse_positive_int, split_codes, split_lines,
)

EXTRA_OUTCOME_ROWS = 3
NOT_APPLICABLE = "na"

ASSESSMENT_LABELS = {
    AssessmentType.TESTING: _l("Testing (written or oral examination)"),
    AssessmentType.SKILL_APPLICATION: _l("Application of a skill (project, practical task)"),
    AssessmentType.PORTFOLIO: _l("Portfolio"),
    AssessmentType.PRIOR_LEARNING: _l("Recognition of prior learning"),
    AssessmentType.OTHER: _l("Other"),
}
PARTICIPATION_LABELS = {
    ParticipationForm.ONLINE: _l("Online"),
    ParticipationForm.ONSITE: _l("Onsite"),
    ParticipationForm.BLENDED: _l("Blended"),
    ParticipationForm.WORK_BASED: _l("Work-based"),
    ParticipationForm.OTHER: _l("Other"),
}
SUPERVISION_LABELS = {
    Supervision.UNSUPERVISED_NO_ID: _l("Unsupervised with no identity verification"),
    Supervision.SUPERVISED_NO_ID: _l("Supervised with no identity verification"),
    Supervision.SUPERVISED_WITH_ID: _l("Supervised online or onsite with identity verification"),
}
CERTIFICATE_LABELS = {
    CertificateType.ATTENDANCE: _l("Attendance certificate"),
    CertificateType.ASSESSMENT_BASED: _l("Assessment-based certificate"),
    CertificateType.NONE: _l("No assessment and no certificate"),
}
STACKABILITY_LABELS = {
    Stackability.STANDALONE: _l("Stand-alone, independent micro-credential"),
    Stackability.STACKABLE: _l("Integrated, stackable towards another credential"),
}
LEARNING_MODE_LABELS = {
    LearningMode.FULL_TIME: _l("Full-time"),
    LearningMode.PART_TIME: _l("Part-time"),
    LearningMode.SELF_PACED: _l("Self-paced"),
}
CYCLE_CHOICE_LABELS = {
    QfEheaCycle.SHORT: _l("Short cycle (EQF 5)"),
    QfEheaCycle.FIRST: _l("First cycle (EQF 6)"),
    QfEheaCycle.SECOND: _l("Second cycle (EQF 7)"),
    QfEheaCycle.THIRD: _l("Third cycle (EQF 8)"),
}


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice("", _l("— not set —"))] + [SelectChoice(key.value, label) for key, label in labels.items()]


def _enum_or_none(enum_cls, value):
    return enum_cls(value) if value in {member.value for member in enum_cls} else None


class OutcomeForm(Form):
    """One learning-outcome row (blank rows are ignored)."""

    statement = TextAreaField(_l("Learning outcome"), validators=[Optional(), Length(max=2000)])
    esco_uris = TextAreaField(_l("ESCO skill URIs (one per line, optional)"), validators=[Optional(), Length(max=4000)])


class SpecificationForm(FlaskForm):
    base = HiddenField(validators=[Length(max=40)])  # "<number>.<revision>" the edit started from (no lost edits)
    institution_id = SelectField(_l("Institution"), validate_choice=False)
    title_en = StringField(_l("Title in English"), validators=[Length(max=300)])
    title_hy = StringField(_l("Title in Armenian"), validators=[Optional(), Length(max=300)])
    awarding_bodies = TextAreaField(_l("Awarding body(ies), one per line"), validators=[Optional(), Length(max=4000)])
    issuer_countries = StringField(_l("Country(ies) of the issuer (ISO 3166 codes, e.g. AM, GE)"),
                                   validators=[Optional(), Length(max=200)])
    short_description = TextAreaField(_l("Short description"), validators=[Optional(), Length(max=5000)])
    outcomes = FieldList(FormField(OutcomeForm), label=_l("Learning outcomes"), min_entries=1)
    ects = StringField(_l("Workload in ECTS credits"), validators=[Optional(), Length(max=10)])
    ects_override_reason = TextAreaField(_l("Reason for 60 ECTS or more (visible to the agency)"),
                                         validators=[Optional(), Length(max=2000)])
    notional_hours = StringField(_l("Notional hours of learning"), validators=[Optional(), Length(max=10)])
    hours_reason = TextAreaField(_l("Reason for notional hours outside 25–30 per ECTS credit"),
                                 validators=[Optional(), Length(max=2000)])
    eqf_level = SelectField(_l("EQF level"), validate_choice=False)
    nqf_level = StringField(_l("NQF level"), validators=[Optional(), Length(max=3)])
    qf_ehea_cycle = SelectField(_l("QF-EHEA cycle"), choices=_choices(CYCLE_CHOICE_LABELS))
    isced_f_code = StringField(_l("Field of study (ISCED-F 2013 code, e.g. 0613)"), validators=[Optional(), Length(max=10)])
    assessment_type = SelectField(_l("Type of assessment"), choices=_choices(ASSESSMENT_LABELS))
    assessment_details = TextAreaField(_l("Assessment details"), validators=[Optional(), Length(max=4000)])
    participation_form = SelectField(_l("Form of participation"), choices=_choices(PARTICIPATION_LABELS))
    supervision = SelectField(_l("Supervision and identity verification during assessment"),
                              choices=_choices(SUPERVISION_LABELS))
    grading_scale = StringField(_l("Grading scale"), validators=[Optional(), Length(max=300)])
    certificate_type = SelectField(_l("Certificate type"), choices=_choices(CERTIFICATE_LABELS))
    prerequisites = TextAreaField(_l("Prerequisites / admission requirements"), validators=[Optional(), Length(max=4000)])
    stackability = SelectField(_l("Integration / stackability"), choices=_choices(STACKABILITY_LABELS))
    stackable_towards = StringField(_l("Stackable towards (qualification)"), validators=[Optional(), Length(max=300)])
    learning_mode = SelectField(_l("Mode of learning"), choices=_choices(LEARNING_MODE_LABELS))
    languages = StringField(_l("Languages (ISO 639-1 codes, e.g. hy, en)"), validators=[Optional(), Length(max=200)])
    qa_type = TextAreaField(_l("Type of quality assurance"), validators=[Optional(), Length(max=4000)])
    further_learning = TextAreaField(_l("Further-learning options"), validators=[Optional(), Length(max=4000)])
    valid_from = DateField(_l("Offered from"), validators=[Optional()])
    valid_to = DateField(_l("Offered until"), validators=[Optional()])

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.eqf_level.choices = [SelectChoice("", _l("— not set —"))] + [
            SelectChoice(str(level), str(level)) for level in range(1, 9)
        ] + [SelectChoice(NOT_APPLICABLE, _l("Not applicable"))]
        if institutions is None:
            del self.institution_id
        else:
            self.institution_id.choices = [SelectChoice(str(i.id), i.name_en) for i in institutions]
        self._parse_errors: dict[str, str] = {}

    def fill_from(self, data: dict) -> None:
        """Show a version's content in the form (used on GET)."""
        for name in ("title_en", "title_hy", "short_description", "ects_override_reason", "hours_reason",
                     "isced_f_code",
                     "assessment_details", "grading_scale", "prerequisites", "stackable_towards", "qa_type",
                     "further_learning", "valid_from", "valid_to"):
            getattr(self, name).data = data[name]
        self.awarding_bodies.data = "\n".join(data["awarding_bodies"])
        self.issuer_countries.data = ", ".join(data["issuer_countries"])
        self.languages.data = ", ".join(data["languages"])
        self.ects.data = str(data["ects"]) if data["ects"] is not None else ""
        self.notional_hours.data = str(data["notional_hours"] or "")
        self.nqf_level.data = str(data["nqf_level"] or "")
        self.eqf_level.data = NOT_APPLICABLE if data["eqf_not_applicable"] else str(data["eqf_level"] or "")
        for name in ("qf_ehea_cycle", "assessment_type", "participation_form", "supervision", "certificate_type",
                     "stackability", "learning_mode"):
            getattr(self, name).data = data[name].value if data[name] else ""
        while self.outcomes.entries:
            self.outcomes.pop_entry()
        for outcome in data["outcomes"]:
            self.outcomes.append_entry({"statement": outcome["statement"],
                                        "esco_uris": "\n".join(outcome["esco_uris"])})

    def add_blank_outcomes(self) -> None:
        """Leave empty rows for new learning outcomes (the page works without JavaScript)."""
        for _ in range(EXTRA_OUTCOME_ROWS):
            self.outcomes.append_entry()

    def specification_data(self) -> dict:
        """The typed values, parsed, as the services take them (parse problems go to self._parse_errors)."""
        errors = self._parse_errors = {}
        ects, problem = parse_ects(self.ects.data)
        if problem:
            errors["ects"] = problem
        hours, problem = parse_positive_int(self.notional_hours.data,
                                            str(_l("Notional hours must be a whole number greater than 0.")))
        if problem:
            errors["notional_hours"] = problem
        nqf, problem = parse_positive_int(self.nqf_level.data, str(_l("The NQF level must be between 1 and 8.")))
        if problem or (nqf is not None and nqf > 8):
            errors["nqf_level"] = str(_l("The NQF level must be between 1 and 8."))
            nqf = None
        eqf_raw = self.eqf_level.data or ""
        eqf = int(eqf_raw) if eqf_raw in {str(level) for level in range(1, 9)} else None
        if eqf_raw and eqf is None and eqf_raw != NOT_APPLICABLE:
            errors["eqf_level"] = str(_l("Choose an EQF level from 1 to 8, or “not applicable”."))
        return {
            "title_en": self.title_en.data or "",
            "title_hy": self.title_hy.data or "",
            "awarding_bodies": split_lines(self.awarding_bodies.data),
            "issuer_countries": [code.upper() for code in split_codes(self.issuer_countries.data)],
            "short_description": self.short_description.data or "",
            "ects": ects,
            "ects_override_reason": self.ects_override_reason.data or "",
            "notional_hours": hours,
            "hours_reason": self.hours_reason.data or "",
            "eqf_level": eqf,
            "eqf_not_applicable": eqf_raw == NOT_APPLICABLE,
            "nqf_level": nqf,
            "qf_ehea_cycle": _enum_or_none(QfEheaCycle, self.qf_ehea_cycle.data),
            "isced_f_code": (self.isced_f_code.data or "").strip(),
            "assessment_type": _enum_or_none(AssessmentType, self.assessment_type.data),
            "assessment_details": self.assessment_details.data or "",
            "participation_form": _enum_or_none(ParticipationForm, self.participation_form.data),
            "supervision": _enum_or_none(Supervision, self.supervision.data),
            "grading_scale": self.grading_scale.data or "",
            "certificate_type": _enum_or_none(CertificateType, self.certificate_type.data),
            "prerequisites": self.prerequisites.data or "",
            "stackability": _enum_or_none(Stackability, self.stackability.data),
            "stackable_towards": self.stackable_towards.data or "",
            "learning_mode": _enum_or_none(LearningMode, self.learning_mode.data),
            "languages": [code.lower() for code in split_codes(self.languages.data)],
            "qa_type": self.qa_type.data or "",
            "further_learning": self.further_learning.data or "",
            "valid_from": self.valid_from.data,
            "valid_to": self.valid_to.data,
            "outcomes": [
                {"statement": entry.form.statement.data or "", "esco_uris": split_codes(entry.form.esco_uris.data)}
                for entry in self.outcomes.entries
            ],
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        data = self.specification_data()
        errors = {**check_specification(data), **self._parse_errors}
        for key, message in errors.items():
            field = self._field_for(key)
            field.errors = [*field.errors, message]
        return valid and not errors

    def _field_for(self, key: str):
        if key.startswith("outcomes-"):
            _prefix, index, name = key.split("-", 2)
            return getattr(self.outcomes.entries[int(index)].form, name)
        return getattr(self, key)


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why is this micro-credential withdrawn?"), validators=[Optional(), Length(max=2000)])
