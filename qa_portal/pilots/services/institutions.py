"""Institution services: create and edit institutions, link and unlink their HEI users."""
import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from qa_portal.audit.services import record
from qa_portal.auth.models import Role, User
from qa_portal.core.errors import DomainError
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, InstitutionMembership, InstitutionType
from qa_portal.pilots.models.reference import countries
from qa_portal.pilots.signals import institution_changed

DEQAR_ID = re.compile(r"^DEQARINST\d+$")
WEBSITE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
class InstitutionInvalid(DomainError):
    """An institution's details break a rule (a bad or duplicate identifier): bad input, answered with 400."""

    status_code = 400


FIELDS = ("name_en", "name_hy", "short_name", "country", "national_id", "deqar_id", "eter_id", "website",
          "institution_type")


def check_institution(data: dict) -> dict[str, str]:
    """Every rule that refuses an institution's details: field name → message."""
    errors: dict[str, str] = {}
    if not (data.get("name_en") or "").strip():
        errors["name_en"] = _("Enter the name in English.")
    if not (data.get("short_name") or "").strip():
        errors["short_name"] = _("Enter a short name, e.g. YSU.")
    if data.get("country") and data["country"] not in countries():
        errors["country"] = _("Choose a country from the list.")
    if data.get("deqar_id") and not DEQAR_ID.match(data["deqar_id"]):
        errors["deqar_id"] = _("A DEQAR id is DEQARINST followed by digits, e.g. DEQARINST0123.")
    if data.get("website") and not WEBSITE.match(data["website"]):
        errors["website"] = _("Enter a web address that starts with http:// or https://.")
    if data.get("institution_type") is not None and data["institution_type"] not in set(InstitutionType):
        errors["institution_type"] = _("Choose a type from the list.")
    return errors


def _clean(data: dict) -> dict:
    cleaned = {field: data.get(field) for field in FIELDS}
    for field in FIELDS:
        if isinstance(cleaned[field], str):
            cleaned[field] = cleaned[field].strip() or None
    return cleaned


def _validate(data: dict, institution: Institution | None) -> None:
    errors = check_institution(data)
    if errors:
        field, message = next(iter(errors.items()))
        raise InstitutionInvalid(message, field=field)
    others = select(Institution.id).where(Institution.id != (institution.id if institution else -1))
    if db.session.scalar(others.where(func.lower(Institution.short_name) == data["short_name"].lower())):
        raise InstitutionInvalid(_("Another institution already uses this short name."), field="short_name")
    if data["deqar_id"] and db.session.scalar(others.where(Institution.deqar_id == data["deqar_id"])):
        raise InstitutionInvalid(_("Another institution already has this DEQAR id."), field="deqar_id")


def create_institution(actor, data: dict) -> Institution:
    """Register a new institution with its identifiers."""
    data = _clean(data)
    _validate(data, None)
    institution = Institution(**data)
    db.session.add(institution)
    db.session.flush()
    record(actor, "institution.create", institution, f"Created institution {institution.short_name}",
           {field: data[field] for field in FIELDS})
    return institution


def update_institution(actor, institution: Institution, data: dict) -> Institution:
    """Change an institution's names and identifiers."""
    data = _clean(data)
    _validate(data, institution)
    before = {field: getattr(institution, field) for field in FIELDS}
    for field in FIELDS:
        setattr(institution, field, data[field])
    db.session.flush()
    changed = {field: [before[field], data[field]] for field in FIELDS if before[field] != data[field]}
    record(actor, "institution.update", institution, f"Updated institution {institution.short_name}", changed)
    if changed:
        institution_changed.send(institution)
    return institution


def link_institution_user(actor, institution: Institution, user: User) -> InstitutionMembership:
    """Make an HEI user a member of the institution's quality unit."""
    if not user.has_role(Role.HEI):
        raise DomainError(_("Only users with the HEI quality unit role can be linked to an institution."),
                          field="user_id")
    existing = db.session.scalar(select(InstitutionMembership).where(
        InstitutionMembership.institution_id == institution.id, InstitutionMembership.user_id == user.id))
    if existing is not None:
        raise DomainError(_("%(name)s is already linked to this institution.", name=user.full_name),
                          field="user_id")
    membership = InstitutionMembership(institution=institution, user=user)
    db.session.add(membership)
    db.session.flush()
    record(actor, "institution.link_user", institution,
           f"Linked {user.email} to {institution.short_name}", {"user_id": user.id})
    return membership


def unlink_institution_user(actor, membership: InstitutionMembership) -> None:
    """Remove an HEI user from the institution's quality unit."""
    institution, user = membership.institution, membership.user
    db.session.delete(membership)
    db.session.flush()
    record(actor, "institution.unlink_user", institution,
           f"Unlinked {user.email} from {institution.short_name}", {"user_id": user.id})
