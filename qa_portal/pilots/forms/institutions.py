"""Forms for institutions and for linking HEI users to them."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from qa_portal.core.forms import FlaskForm
from qa_portal.pilots.models import InstitutionType
from qa_portal.pilots.models.reference import countries
from qa_portal.pilots.services.institutions import check_institution

INSTITUTION_TYPE_LABELS = {
    InstitutionType.UNIVERSITY: _l("University"),
    InstitutionType.OTHER_PROVIDER: _l("Other provider"),
}


class InstitutionForm(FlaskForm):
    name_en = StringField(_l("Name in English"), validators=[Length(max=300)])
    name_hy = StringField(_l("Name in Armenian"), validators=[Optional(), Length(max=300)])
    short_name = StringField(_l("Short name"), validators=[Length(max=40)])
    country = SelectField(_l("Country (ISO 3166)"), validate_choice=False)
    national_id = StringField(_l("National id"), validators=[Optional(), Length(max=60)])
    deqar_id = StringField(_l("DEQAR id"), validators=[Optional(), Length(max=30)])
    eter_id = StringField(_l("ETER id"), validators=[Optional(), Length(max=30)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    institution_type = SelectField(_l("Institution type"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [SelectChoice("", _l("— choose —"))] + [
            SelectChoice(code, f"{name} ({code})") for code, name in countries().items()
        ]
        self.institution_type.choices = [SelectChoice("", _l("— choose —"))] + [
            SelectChoice(kind.value, label) for kind, label in INSTITUTION_TYPE_LABELS.items()
        ]

    def institution_data(self) -> dict:
        """The typed values as the services take them."""
        kind = self.institution_type.data or None
        return {
            "name_en": self.name_en.data, "name_hy": self.name_hy.data, "short_name": self.short_name.data,
            "country": self.country.data or None, "national_id": self.national_id.data,
            "deqar_id": (self.deqar_id.data or "").strip() or None, "eter_id": self.eter_id.data,
            "website": (self.website.data or "").strip() or None,
            "institution_type": InstitutionType(kind) if kind in set(InstitutionType) else kind,
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field, message in check_institution(self.institution_data()).items():
            getattr(self, field).errors = [*getattr(self, field).errors, message]
            valid = False
        return valid


class LinkUserForm(FlaskForm):
    user_id = SelectField(_l("HEI user"), validate_choice=False)

    def set_choices(self, users) -> None:
        """Offer the HEI users not yet linked."""
        self.user_id.choices = [SelectChoice("", _l("— choose —"))] + [
            SelectChoice(str(user.id), f"{user.full_name} <{user.email}>") for user in users
        ]

    def validate_user_id(self, field) -> None:
        if not (field.data or "").isdigit():
            raise ValidationError(_l("Choose an HEI user."))


class UnlinkUserForm(FlaskForm):
    """Only the CSRF token: the membership comes from the URL."""
