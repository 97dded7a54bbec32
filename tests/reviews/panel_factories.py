"""Factory helpers for the panel stages: make_expert(…), seat(case, …), cleared_panel(case) -> {role: member}."""
from datetime import date, timedelta

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.reviews.models import (
    ConflictDeclaration, ExpertAffiliation, ExpertField, ExpertLanguage, ExpertProfile, ExpertType, MemberStatus,
    PanelMember, PanelRole,
)
from tests.factories import make_user

_TYPE_FOR_ROLE = {PanelRole.STUDENT: ExpertType.STUDENT, PanelRole.EMPLOYER: ExpertType.EMPLOYER,
                  PanelRole.INTERNATIONAL: ExpertType.INTERNATIONAL}
# What the seat's rules (services/panel_rules.py) ask of a profile: a current student status, recent training,
# a country other than the institution's.
_PROFILE_FOR_ROLE = {
    PanelRole.STUDENT: {"student_status_from": date(2020, 9, 1), "student_status_until": date.today() + timedelta(days=400)},
    PanelRole.CHAIR: {"training_date": date.today() - timedelta(days=100)},
    PanelRole.INTERNATIONAL: {"country": "FR"},
}


def make_expert(expert_type: ExpertType = ExpertType.ACADEMIC, *, fields=("0413",), languages=("hy", "en"),
                affiliations=(), user=None, **profile_fields) -> ExpertProfile:
    """An expert user with a profile; affiliations are (institution or name, role, started_on, ended_on) tuples."""
    user = user or make_user(Role.EXPERT)
    # By default the profile fits its seats: a recent training, and a current student status for a student.
    profile_fields.setdefault("training_date", date.today() - timedelta(days=100))
    if expert_type == ExpertType.INTERNATIONAL:
        profile_fields.setdefault("country", "FR")
    if expert_type == ExpertType.STUDENT:
        profile_fields.setdefault("student_status_from", date(2020, 9, 1))
        profile_fields.setdefault("student_status_until", date.today() + timedelta(days=400))
    profile = ExpertProfile(user_id=user.id, expert_type=expert_type, **profile_fields)
    profile.fields = [ExpertField(isced_code=code) for code in fields]
    profile.languages = [ExpertLanguage(language=code) for code in languages]
    for where, role, started_on, ended_on in affiliations:
        institution_id = getattr(where, "id", None)
        profile.affiliations.append(ExpertAffiliation(
            institution_id=institution_id, institution_name="" if institution_id else where, role=role,
            started_on=started_on, ended_on=ended_on))
    db.session.add(profile)
    db.session.commit()
    return profile


def seat(case, role: PanelRole = PanelRole.ACADEMIC, *, user=None, status: MemberStatus = MemberStatus.CLEARED,
         **fields) -> PanelMember:
    """A panel seat on the case (cleared by default, with a signed "none" declaration when cleared)."""
    if user is None:
        user = make_expert(_TYPE_FOR_ROLE.get(role, ExpertType.ACADEMIC), **_PROFILE_FOR_ROLE.get(role, {})).user
    # Proposed well before today, so the institution's objection window has passed; briefed when cleared.
    fields.setdefault("proposed_at", utcnow() - timedelta(days=30))
    if status == MemberStatus.CLEARED:
        fields.setdefault("briefed_at", utcnow())
    member = PanelMember(case_id=case.id, user_id=user.id, role=role, status=status, **fields)
    if status == MemberStatus.CLEARED:
        member.declaration = ConflictDeclaration(declares_none=True, signed_name=user.full_name,
                                                 signed_at=utcnow())
    db.session.add(member)
    db.session.commit()
    return member


def cleared_panel(case, roles=(PanelRole.CHAIR, PanelRole.ACADEMIC, PanelRole.STUDENT)) -> dict:
    """A panel that meets the composition rules, every member cleared: {role: member}."""
    return {role: seat(case, role) for role in roles}
