"""Sign-in, password and user-administration forms."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from qa_portal.auth.models import Role
from qa_portal.auth.services.passwords import password_problems
from qa_portal.core.forms import FlaskForm

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.OFFICER: _l("Agency officer"),
    Role.COUNCIL: _l("Council member"),
    Role.HEI: _l("HEI quality unit"),
    Role.EXPERT: _l("Expert"),
    Role.APPEALS: _l("Appeals body member"),
}


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class NewPasswordMixin:
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm_password = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
    )

    def policy_email(self) -> str:
        return ""

    def validate_new_password(self, field):
        problems = password_problems(field.data or "", self.policy_email())
        if problems:
            raise ValidationError(" ".join(problems))


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])

    def __init__(self, email: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._email = email

    def policy_email(self) -> str:
        return self._email


class SetPasswordForm(ChangePasswordForm):
    current_password = None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    roles = MultiCheckboxField(
        _l("Roles"), choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]
    )

    def role_set(self) -> set[Role]:
        return {Role(value) for value in self.roles.data or []}


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=64)],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"})


class EnrolTwoFactorForm(FlaskForm):
    code = StringField(_l("Code from your app"), validators=[DataRequired(), Length(max=16)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class TwoFactorCodeForm(FlaskForm):
    """A current code from one's authenticator app, confirming a change to two-factor sign-in."""

    code = StringField(_l("Current code from your app"), validators=[DataRequired(), Length(max=16)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
