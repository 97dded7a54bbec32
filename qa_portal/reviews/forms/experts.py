"""Expert-pool forms: the expert profile (officer's create form adds the account) and a dated affiliation."""
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from qa_portal.core.forms import FlaskForm
from qa_portal.pilots.models.reference import countries, language_name
from qa_portal.reviews.services.experts import (
    EXPERT_LANGUAGES, AffiliationDetails, ProfileDetails, affiliation_problem, split_codes, unknown_field_codes,
    unknown_language_codes,
)
from qa_portal.reviews.forms.cases import MultiCheckboxField
from qa_portal.reviews.models import ExpertType

__all__ = ["EXPERT_TYPE_LABELS", "display_language", "ExpertProfileForm", "NewExpertProfileForm",
           "AffiliationForm"]

EXPERT_TYPE_LABELS = {
    ExpertType.ACADEMIC: _l("Academic"),
    ExpertType.STUDENT: _l("Student"),
    ExpertType.EMPLOYER: _l("Employer"),
    ExpertType.QA_PROFESSIONAL: _l("QA professional"),
    ExpertType.INTERNATIONAL: _l("International"),
}


def display_language(code: str) -> str:
    """A language's name in the reader's language (ISO 639-1 code), falling back to English."""
    locale = get_locale()
    return (locale.languages.get(code) if locale is not None else None) or language_name(code)


class ExpertProfileForm(FlaskForm):
    expert_type = SelectField(_l("Kind of expert"), choices=[
        SelectChoice(kind.value, label) for kind, label in EXPERT_TYPE_LABELS.items()])
    isced_codes = StringField(_l("Fields of expertise (ISCED-F 2013 codes, separated by commas)"),
                              validators=[Length(max=500)])
    languages = MultiCheckboxField(_l("Working languages"), validate_choice=False)
    country = SelectField(_l("Country"))
    training_date = DateField(_l("Date of the agency's expert training"), validators=[Optional()])
    student_status_from = DateField(_l("Student status from (student experts: enrolled since)"),
                                    validators=[Optional()])
    student_status_until = DateField(_l("Student status until (student experts: enrolled until)"),
                                     validators=[Optional()])
    available = BooleanField(_l("Available for new panels"), default=True)
    biography = TextAreaField(_l("Short biography"), validators=[Length(max=3000)])

    def set_choices(self, current_languages=()) -> None:
        """Offer the usual languages plus any the profile already holds, and every ISO 3166 country."""
        codes = list(EXPERT_LANGUAGES) + [code for code in current_languages if code not in EXPERT_LANGUAGES]
        self.languages.choices = [SelectChoice(code, f"{display_language(code)} ({code})") for code in codes]
        self.country.choices = [SelectChoice(code, name) for code, name in countries().items()]

    def validate_isced_codes(self, field) -> None:
        codes = split_codes(field.data)
        if not codes:
            raise ValidationError(_l("Give at least one ISCED-F field code, e.g. 0413."))
        if bad := unknown_field_codes(codes):
            raise ValidationError(_l("Not ISCED-F 2013 field codes: %(codes)s.", codes=", ".join(bad)))

    def validate_languages(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Tick at least one working language."))
        if bad := unknown_language_codes(field.data):
            raise ValidationError(_l("Not ISO 639-1 language codes: %(codes)s.", codes=", ".join(bad)))

    def details(self) -> ProfileDetails:
        """The form's content for the service."""
        return ProfileDetails(expert_type=self.expert_type.data, country=self.country.data,
                              fields=split_codes(self.isced_codes.data), languages=list(self.languages.data or []),
                              training_date=self.training_date.data, available=bool(self.available.data),
                              biography=self.biography.data or "",
                              student_status_from=self.student_status_from.data,
                              student_status_until=self.student_status_until.data)

    @classmethod
    def for_profile(cls, profile) -> "ExpertProfileForm":
        """The form filled from a stored profile."""
        return cls(formdata=None, expert_type=profile.expert_type.value, country=profile.country,
                   isced_codes=", ".join(item.isced_code for item in profile.fields),
                   languages=[item.language for item in profile.languages], training_date=profile.training_date,
                   available=profile.available, biography=profile.biography,
                   student_status_from=profile.student_status_from, student_status_until=profile.student_status_until)


class NewExpertProfileForm(ExpertProfileForm):
    user = SelectField(_l("Expert account"), validators=[DataRequired(_l("Choose the expert's account."))])

    def set_users(self, users) -> None:
        self.user.choices = [SelectChoice("", _l("— choose an account —"))] + [
            SelectChoice(str(user.id), f"{user.full_name} ({user.email})") for user in users]


class AffiliationForm(FlaskForm):
    institution_id = SelectField(_l("Institution from the list"), default="")
    institution_name = StringField(_l("Or the institution's name, when it is not in the list"),
                                   validators=[Length(max=300)])
    role = StringField(_l("Role (e.g. professor, student, board member)"), validators=[Length(max=200)])
    started_on = DateField(_l("From"), validators=[Optional()])
    ended_on = DateField(_l("To (leave empty while current)"), validators=[Optional()])

    def set_institutions(self, institutions) -> None:
        self.institution_id.choices = [SelectChoice("", _l("— not in the list —"))] + [
            SelectChoice(str(item.id), f"{item.name_en} ({item.short_name})") for item in institutions]

    def details(self) -> AffiliationDetails:
        """The form's content for the service."""
        chosen = self.institution_id.data
        return AffiliationDetails(role=self.role.data or "", institution_id=int(chosen) if chosen else None,
                                  institution_name=self.institution_name.data or "",
                                  started_on=self.started_on.data, ended_on=self.ended_on.data)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if problem := affiliation_problem(self.details()):
            getattr(self, problem[0]).errors.append(problem[1])
            return False
        return True

    @classmethod
    def for_affiliation(cls, affiliation) -> "AffiliationForm":
        """The form filled from a stored affiliation."""
        return cls(formdata=None, institution_id=str(affiliation.institution_id or ""),
                   institution_name=affiliation.institution_name, role=affiliation.role,
                   started_on=affiliation.started_on, ended_on=affiliation.ended_on)
