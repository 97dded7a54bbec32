"""Forms of the credentials pages: the public verification form, registering an issuer, revoking one."""
from flask_babel import lazy_gettext as _l
from qa_portal.core.forms import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class VerifyForm(FlaskForm):
    """Paste a credential (JWT or JSON) or upload its file; the view enforces QA_VERIFY_MAX_KB."""

    credential = TextAreaField(_l("Credential (VC-JWT or JSON)"), validators=[Optional()])
    upload = FileField(_l("…or upload the credential file (.jwt or .json)"))


class IssuerKeyForm(FlaskForm):
    """An issuer id as the institution's badges carry it, and its Ed25519 public key."""

    issuer_id = StringField(_l("Issuer (as in your badges: did:web:…, did:key:… or https://…)"),
                            validators=[DataRequired(), Length(max=500)])
    public_key = TextAreaField(_l("Public key (JWK, PEM or z6Mk… multibase; leave empty for a did:key)"),
                               validators=[Optional(), Length(max=4000)])


class RevokeIssuerKeyForm(FlaskForm):
    """A confirmed revocation (the CSRF token is the whole form)."""
