"""The expert pool: create and edit expert profiles and their dated affiliations, search the pool, count panel load.

For panel formation (reviews/services/panel.py) two read-only helpers are enough to pick experts:
``search_experts(filters) -> Select`` (profiles matching field, type, language, availability, name) and
``panel_load_counts(user_ids) -> {user_id: open seats}`` (one aggregate query whatever the number of users).
"""
import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, literal, or_, select

from qa_portal.audit.services import record
from qa_portal.auth.models import Role, User, UserRole
from qa_portal.core.errors import DomainError
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution
from qa_portal.pilots.models.reference import countries, isced_fields, languages
from qa_portal.reviews.models import (
    Case, CaseState, ExpertAffiliation, ExpertField, ExpertLanguage, ExpertProfile, ExpertType, MemberStatus,
    PanelMember,
)

# A case in one of these states no longer needs its panel: its seats do not count towards an expert's load.
FINISHED_STATES = (CaseState.DECIDED, CaseState.PUBLISHED, CaseState.FOLLOW_UP, CaseState.CLOSED,
                   CaseState.APPEAL_LODGED, CaseState.APPEAL_DECIDED, CaseState.WITHDRAWN)

# The working languages offered on the profile form (all ISO 639-1): the region's, the EHEA's most used.
EXPERT_LANGUAGES = ("hy", "en", "ru", "fr", "de", "es", "it", "pt", "nl", "pl", "cs", "el", "ka", "uk", "tr",
                    "fa", "ar", "zh", "sv", "fi", "lt", "lv", "et", "ro")


@dataclass
class ProfileDetails:
    """What an expert profile says about its expert (codes as entered; the service validates them)."""

    expert_type: str
    country: str
    fields: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    training_date: date | None = None
    available: bool = True
    biography: str = ""
    student_status_from: date | None = None
    student_status_until: date | None = None


@dataclass
class AffiliationDetails:
    """One dated affiliation: an institution from the list or a typed name, the role, from and to."""

    role: str
    institution_id: int | None = None
    institution_name: str = ""
    started_on: date | None = None
    ended_on: date | None = None


@dataclass
class ExpertFilters:
    """Pool search: ISCED-F field (code or prefix), expert type, language, available only, name or email text."""

    field: str = ""
    expert_type: str = ""
    language: str = ""
    available_only: bool = False
    text: str = ""


def split_codes(text: str | None) -> list[str]:
    """Codes typed in one box ("0413, 0611 0688") as a list without repeats, in the order given."""
    seen: list[str] = []
    for code in re.split(r"[\s,;]+", (text or "").strip()):
        if code and code not in seen:
            seen.append(code)
    return seen


def unknown_field_codes(codes) -> list[str]:
    """The codes that are not ISCED-F 2013 field codes."""
    known = isced_fields()
    return [code for code in codes if code not in known]


def unknown_language_codes(codes) -> list[str]:
    """The codes that are not ISO 639-1 language codes."""
    known = languages()
    return [code for code in codes if code not in known]


def affiliation_problem(details: AffiliationDetails) -> tuple[str, str] | None:
    """(field, message) for the first rule an affiliation breaks, or None when it is valid."""
    if not details.role.strip():
        return "role", _("Give the role held at the institution.")
    if details.institution_id is None and not details.institution_name.strip():
        return "institution_name", _("Choose the institution from the list or type its name.")
    if details.started_on and details.ended_on and details.ended_on < details.started_on:
        return "ended_on", _("The end date cannot be before the start date.")
    return None


def _check_profile(details: ProfileDetails) -> None:
    if details.expert_type not in {kind.value for kind in ExpertType}:
        raise DomainError(_("Choose the kind of expert."), field="expert_type")
    if details.country not in countries():
        raise DomainError(_("“%(code)s” is not an ISO 3166 country code.", code=details.country), field="country")
    if bad := unknown_field_codes(details.fields):
        raise DomainError(_("Not ISCED-F 2013 field codes: %(codes)s.", codes=", ".join(bad)), field="isced_codes")
    if bad := unknown_language_codes(details.languages):
        raise DomainError(_("Not ISO 639-1 language codes: %(codes)s.", codes=", ".join(bad)), field="languages")
    if (details.student_status_from and details.student_status_until
            and details.student_status_until < details.student_status_from):
        raise DomainError(_("The student status must end after it starts."), field="student_status_until")


def _apply_profile(profile: ExpertProfile, details: ProfileDetails) -> None:
    profile.expert_type = ExpertType(details.expert_type)
    profile.country = details.country
    profile.training_date = details.training_date
    profile.student_status_from = details.student_status_from
    profile.student_status_until = details.student_status_until
    profile.available = details.available
    profile.biography = details.biography.strip()
    kept_fields = {item.isced_code: item for item in profile.fields}
    profile.fields = [kept_fields.get(code) or ExpertField(isced_code=code) for code in details.fields]
    kept_languages = {item.language: item for item in profile.languages}
    profile.languages = [kept_languages.get(code) or ExpertLanguage(language=code) for code in details.languages]


def _profile_data(profile: ExpertProfile) -> dict:
    return {"type": profile.expert_type.value, "country": profile.country, "available": profile.available,
            "training_date": profile.training_date, "student_status_until": profile.student_status_until,
            "fields": [item.isced_code for item in profile.fields],
            "languages": [item.language for item in profile.languages]}


def eligible_expert_users() -> Select:
    """Active users with the expert role who have no profile yet (the officer's choice when creating one)."""
    return (select(User).where(User.active.is_(True),
                               exists().where(UserRole.user_id == User.id, UserRole.role == Role.EXPERT),
                               ~exists().where(ExpertProfile.user_id == User.id))
            .order_by(User.full_name, User.id))


def profile_for_user(user) -> ExpertProfile | None:
    """The user's own expert profile, or None."""
    return db.session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == user.id))


def create_profile(actor, user: User, details: ProfileDetails) -> ExpertProfile:
    """Create the profile of an active expert-role user who has none yet (audited)."""
    if not user.active or not user.has_role(Role.EXPERT):
        raise DomainError(_("Only an active account with the expert role can have an expert profile."), field="user")
    if profile_for_user(user) is not None:
        raise DomainError(_("%(name)s already has an expert profile.", name=user.full_name), field="user")
    _check_profile(details)
    profile = ExpertProfile(user_id=user.id, user=user)
    _apply_profile(profile, details)
    db.session.add(profile)
    db.session.flush()
    record(actor, "expert.profile_create", profile, f"Created the expert profile of {user.full_name}",
           _profile_data(profile))
    return profile


def update_profile(actor, profile: ExpertProfile, details: ProfileDetails) -> ExpertProfile:
    """Change a profile's type, fields, languages, country, training, availability and biography (audited)."""
    _check_profile(details)
    before = _profile_data(profile)
    _apply_profile(profile, details)
    db.session.flush()
    record(actor, "expert.profile_update", profile, f"Updated the expert profile of {profile.user.full_name}",
           {"before": before, "after": _profile_data(profile)})
    return profile


def _apply_affiliation(affiliation: ExpertAffiliation, details: AffiliationDetails) -> None:
    if problem := affiliation_problem(details):
        raise DomainError(problem[1], field=problem[0])
    if details.institution_id is not None and db.session.get(Institution, details.institution_id) is None:
        raise DomainError(_("Choose the institution from the list or type its name."), field="institution_id")
    affiliation.institution_id = details.institution_id
    affiliation.institution_name = "" if details.institution_id else details.institution_name.strip()
    affiliation.role = details.role.strip()
    affiliation.started_on = details.started_on
    affiliation.ended_on = details.ended_on


def _affiliation_data(affiliation: ExpertAffiliation) -> dict:
    return {"institution_id": affiliation.institution_id, "institution_name": affiliation.institution_name,
            "role": affiliation.role, "from": affiliation.started_on, "to": affiliation.ended_on}


def add_affiliation(actor, profile: ExpertProfile, details: AffiliationDetails) -> ExpertAffiliation:
    """Add a dated affiliation to a profile (audited: it feeds conflict-of-interest detection)."""
    affiliation = ExpertAffiliation(profile_id=profile.id)
    _apply_affiliation(affiliation, details)
    profile.affiliations.append(affiliation)
    db.session.flush()
    db.session.refresh(affiliation, ["institution"])
    record(actor, "expert.affiliation_add", affiliation,
           f"Added the affiliation “{affiliation.display_name}” to {profile.user.full_name}'s profile",
           _affiliation_data(affiliation))
    return affiliation


def update_affiliation(actor, affiliation: ExpertAffiliation, details: AffiliationDetails) -> ExpertAffiliation:
    """Change an affiliation's institution, role or dates (audited)."""
    before = _affiliation_data(affiliation)
    _apply_affiliation(affiliation, details)
    db.session.flush()
    db.session.refresh(affiliation, ["institution"])
    record(actor, "expert.affiliation_update", affiliation,
           f"Updated the affiliation “{affiliation.display_name}” of {affiliation.profile.user.full_name}",
           {"before": before, "after": _affiliation_data(affiliation)})
    return affiliation


def remove_affiliation(actor, affiliation: ExpertAffiliation) -> None:
    """Remove an affiliation from a profile (audited, with what it said)."""
    profile, affiliation_id = affiliation.profile, affiliation.id
    data = _affiliation_data(affiliation)
    name = affiliation.display_name
    profile.affiliations.remove(affiliation)
    db.session.flush()
    record(actor, "expert.affiliation_remove", ("ExpertAffiliation", affiliation_id),
           f"Removed the affiliation “{name}” from {profile.user.full_name}'s profile", data)


def search_experts(filters: ExpertFilters) -> Select:
    """Profiles matching the filters, ordered by name; ``field`` matches broader or narrower ISCED-F codes
    (searching "04" finds "0413", searching "0413" finds "041" and "04")."""
    query = select(ExpertProfile).join(ExpertProfile.user).order_by(User.full_name, ExpertProfile.id)
    if filters.field:
        query = query.where(exists().where(
            ExpertField.profile_id == ExpertProfile.id,
            or_(ExpertField.isced_code.startswith(filters.field, autoescape=True),
                literal(filters.field).startswith(ExpertField.isced_code))))
    if filters.expert_type in {kind.value for kind in ExpertType}:
        query = query.where(ExpertProfile.expert_type == filters.expert_type)
    if filters.language:
        query = query.where(exists().where(ExpertLanguage.profile_id == ExpertProfile.id,
                                           ExpertLanguage.language == filters.language))
    if filters.available_only:
        query = query.where(ExpertProfile.available.is_(True))
    if text := filters.text.strip():
        pattern = f"%{text.lower()}%"
        query = query.where(or_(func.lower(User.full_name).like(pattern), func.lower(User.email).like(pattern)))
    return query


def panel_load_counts(user_ids) -> dict[int, int]:
    """Seats (not removed) each user holds on cases that are not finished, in one aggregate query; 0 when none."""
    user_ids = list(user_ids)
    counts = dict.fromkeys(user_ids, 0)
    if not user_ids:
        return counts
    rows = db.session.execute(
        select(PanelMember.user_id, func.count(PanelMember.id))
        .join(Case, Case.id == PanelMember.case_id)
        .where(PanelMember.user_id.in_(user_ids), PanelMember.status != MemberStatus.REMOVED,
               Case.state.not_in(FINISHED_STATES))
        .group_by(PanelMember.user_id))
    counts.update({user_id: count for user_id, count in rows})
    return counts
