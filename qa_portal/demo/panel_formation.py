"""Demo panels: form_panel(case) proposes the demo experts (chair@, academic@, student@, employer@example.org)
through the panel services and has them declare; with the flag, academic@ stays conflicted (an affiliation with
the institution that ended about two years ago) and the institution's objection to employer@ awaits a ruling."""
from datetime import date, timedelta

from sqlalchemy import select

from qa_portal.auth.models import Role, User, UserRole
from qa_portal.demo.accounts import demo_user
from qa_portal.extensions import db
from qa_portal.pilots.models import InstitutionMembership
from qa_portal.reviews.services import panel as services
from qa_portal.reviews.services import panel_rules
from qa_portal.reviews.models import (
    CaseState, ExpertAffiliation, ExpertField, ExpertLanguage, ExpertProfile, ExpertType, MemberStatus, PanelMember,
    PanelRole,
)

# email -> (panel role, expert type when the profile has to be created here)
DEMO_PANEL = {
    "chair@example.org": (PanelRole.CHAIR, ExpertType.ACADEMIC),
    "academic@example.org": (PanelRole.ACADEMIC, ExpertType.ACADEMIC),
    "student@example.org": (PanelRole.STUDENT, ExpertType.STUDENT),
    "employer@example.org": (PanelRole.EMPLOYER, ExpertType.EMPLOYER),
}
OBJECTION = ("Mr Employer's company recruits most graduates of this micro-credential and sits on its advisory "
             "board; we ask for an employer from another sector.")
FIELD_REASON = ("The chair covers the subject field; this member brings curriculum design and assessment "
                "expertise that the panel needs.")
MITIGATION = ("The affiliation was a visiting lectureship in another faculty, unrelated to the micro-credential; "
              "the expert declared it. Mitigated: the expert does not lead the standards on teaching staff.")


def _profile(user, expert_type: ExpertType) -> ExpertProfile:
    """The expert's profile (from the expert-pool demo data), or a minimal one."""
    profile = db.session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == user.id))
    if profile is None:
        profile = ExpertProfile(user_id=user.id, expert_type=expert_type, country="AM",
                                training_date=date.today() - timedelta(days=200),
                                student_status_from=date(date.today().year - 1, 9, 1),
                                student_status_until=date(date.today().year + 1, 6, 30),
                                fields=[ExpertField(isced_code="0413")],
                                languages=[ExpertLanguage(language="hy"), ExpertLanguage(language="en")])
        db.session.add(profile)
        db.session.flush()
    return profile


def _recent_affiliation(profile: ExpertProfile, institution) -> None:
    """Make sure the expert's affiliation with the institution ended about two years ago."""
    if any(item.institution_id == institution.id for item in profile.affiliations):
        return
    today = date.today()
    profile.affiliations.append(ExpertAffiliation(
        institution_id=institution.id, role="Visiting lecturer", started_on=date(today.year - 6, 9, 1),
        ended_on=date(today.year - 2, 6, 30)))
    db.session.flush()


def _hei_user(case) -> User | None:
    """The first HEI user of the case's institution (who raises the demo objection)."""
    return db.session.scalar(
        select(User).join(InstitutionMembership, InstitutionMembership.user_id == User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(InstitutionMembership.institution_id == case.institution_id, UserRole.role == Role.HEI)
        .order_by(InstitutionMembership.id).limit(1))


def form_panel(case, *, with_conflict_and_objection: bool = False, clear: bool = True) -> dict:
    """Propose the demo experts on a case in panel formation and (clear=True) have each declare none. With the flag
    academic@ is left conflicted and the institution objects to employer@, so the case stays in panel formation;
    without it any detected conflict is ruled mitigated so the panel is ready for start_review. Flushes only."""
    if case.state != CaseState.PANEL_FORMATION:
        raise ValueError(f"{case.reference} is not in panel formation")
    officer = demo_user("officer@example.org")
    members: dict[PanelRole, PanelMember] = {}
    for email, (role, expert_type) in DEMO_PANEL.items():
        user = demo_user(email)
        profile = _profile(user, expert_type)
        if with_conflict_and_objection and role == PanelRole.ACADEMIC:
            _recent_affiliation(profile, case.institution)
        seat = db.session.scalar(select(PanelMember).where(PanelMember.case_id == case.id,
                                                           PanelMember.user_id == user.id))
        members[role] = seat or services.propose_member(officer, case, user, role)
    if clear:
        for role, member in members.items():
            if member.declaration is None:
                services.declare_interests(member.user, member, True, [], member.user.full_name)
            if member.status == MemberStatus.CONFLICTED and not with_conflict_and_objection:
                services.rule_on_conflict(officer, member, services.MITIGATED, MITIGATION)
    # The members acknowledge the briefing; on the panel still being formed the student has not yet, so the
    # officer sees who has and who has not.
    for role, member in members.items():
        waiting = with_conflict_and_objection and role == PanelRole.STUDENT
        if clear and member.status == MemberStatus.CLEARED and member.briefed_at is None and not waiting:
            panel_rules.acknowledge_briefing(member.user, member)
    if clear and not with_conflict_and_objection:
        _, field_warnings = panel_rules.seat_problems(case, list(members.values()))
        for member, _text in field_warnings:
            panel_rules.acknowledge_field_warning(officer, member, FIELD_REASON)
        hei_user = _hei_user(case)
        if hei_user is not None:
            panel_rules.confirm_no_objection(hei_user, case)
    if with_conflict_and_objection:
        employer = members[PanelRole.EMPLOYER]
        hei_user = _hei_user(case)
        if hei_user is not None and not employer.objections:
            services.raise_objection(hei_user, employer, OBJECTION)
    db.session.flush()
    return members
