"""The mail settings form: immediate or a daily digest, and the optional categories a user turns off."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from qa_portal.core.forms import FlaskForm
from qa_portal.notifications.kinds import OPTIONAL_CATEGORIES

IMMEDIATE, DIGEST = "immediate", "digest"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MailSettingsForm(FlaskForm):
    delivery = RadioField(_l("How to get your mail"), choices=[
        SelectChoice(IMMEDIATE, _l("Each message as it happens")),
        SelectChoice(DIGEST, _l("One summary a day (account and security mail still comes at once)"))],
        default=IMMEDIATE)
    opted_out = MultiCheckboxField(_l("Do not send me mail about"),
                                   choices=[SelectChoice(key, label) for key, label in OPTIONAL_CATEGORIES.items()])
