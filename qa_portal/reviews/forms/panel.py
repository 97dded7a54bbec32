"""Panel forms: propose and remove members, rule on conflicts and objections, object, declare interests."""
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from qa_portal.core.forms import FlaskForm
from qa_portal.core.input_checks import parse_id
from qa_portal.reviews.forms.experts import EXPERT_TYPE_LABELS
from qa_portal.reviews.models import ConflictKind
from qa_portal.reviews.services.panel import KIND_LABELS

__all__ = ["ProposeMemberForm", "RemoveMemberForm", "ConflictRulingForm", "ObjectionForm", "ObjectionRulingForm",
           "DeclarationForm", "FieldWarningForm"]

_REASON = [DataRequired(_l("Write the reasons.")), Length(max=10000)]


class ProposeMemberForm(FlaskForm):
    expert = SelectField(_l("Expert"), coerce=str, validate_choice=False,
                         validators=[DataRequired(_l("Choose an expert."))])
    role = SelectField(_l("Role on the panel"), coerce=str, validators=[DataRequired(_l("Choose a role."))])

    def set_choices(self, candidates, role_labels, findings, suggested=frozenset()) -> None:
        """candidates: [(profile, load)], suggested ones first; findings: {user_id: [texts]} flag a likely conflict;
        each option names the expert's type, fields, languages and current panels."""
        options = [SelectChoice("", _l("— choose an expert —"))]
        for profile, load in candidates:
            fields = ", ".join(field.isced_code for field in profile.fields) or "—"
            languages = ", ".join(language.language for language in profile.languages) or "—"
            label = _l("%(name)s — %(type)s; fields %(fields)s; languages %(languages)s; current panels: %(load)d",
                       name=profile.user.full_name, type=EXPERT_TYPE_LABELS[profile.expert_type], fields=fields,
                       languages=languages, load=load)
            if profile.user_id in suggested:
                label = f"★ {label} — {_l('suggested: fields match, no conflict found')}"
            if findings.get(profile.user_id):
                label = f"{label} — ⚠ {_l('likely conflict')}"
            options.append(SelectChoice(str(profile.user_id), str(label)))
        self.expert.choices = options
        self.role.choices = [SelectChoice("", _l("— choose a role —"))] + [
            SelectChoice(role.value, label) for role, label in role_labels.items()]

    def expert_id(self) -> int | None:
        return parse_id(self.expert.data)


class RemoveMemberForm(FlaskForm):
    reason = TextAreaField(_l("Reason for removing"), validators=_REASON)


class FieldWarningForm(FlaskForm):
    reason = TextAreaField(_l("Why the member may sit despite the field warning"), validators=_REASON)


class ConflictRulingForm(FlaskForm):
    ruling = RadioField(_l("Ruling"), choices=[SelectChoice("mitigated", _l("Mitigated: the member may sit")),
                                               SelectChoice("upheld", _l("Upheld: remove the member"))],
                        validators=[DataRequired(_l("Choose a ruling."))])
    reason = TextAreaField(_l("Written reasons (audited)"), validators=_REASON)


class ObjectionForm(FlaskForm):
    reasons = TextAreaField(_l("Reasons for the objection"), validators=_REASON)


class ObjectionRulingForm(FlaskForm):
    ruling = RadioField(_l("Ruling"), choices=[SelectChoice("upheld", _l("Uphold: remove the member")),
                                               SelectChoice("rejected", _l("Reject: the member stays"))],
                        validators=[DataRequired(_l("Choose a ruling."))])
    reason = TextAreaField(_l("Written reasons"), validators=_REASON)


class InterestForm(Form):
    kind = SelectField(_l("Kind of interest"), coerce=str, validate_choice=False, choices=[
        SelectChoice("", _l("— none —")), *(SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items())])
    details = TextAreaField(_l("Details"), validators=[Length(max=5000)])


class DeclarationForm(FlaskForm):
    declaration = RadioField(_l("My declaration"), choices=[
        SelectChoice("none", _l("I have no interest in this case or institution that could affect my judgement.")),
        SelectChoice("interests", _l("I declare the interests listed below."))],
        validators=[DataRequired(_l("Choose one."))])
    items = FieldList(FormField(InterestForm), min_entries=3, max_entries=10)
    signed_name = StringField(_l("Sign with your full name"), validators=[DataRequired(_l("Sign with your name.")),
                                                                         Length(max=200)])

    def declared_items(self) -> list[tuple[str, str]]:
        """The filled rows as (kind, details); a row with details but no kind counts as "other"."""
        rows = []
        for row in self.items:
            kind, details = row.form.kind.data or "", (row.form.details.data or "").strip()
            if kind or details:
                rows.append((kind or ConflictKind.OTHER.value, details))
        return rows
