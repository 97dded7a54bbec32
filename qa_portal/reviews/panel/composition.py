"""Who sits on a case's panel: the composition rules (one function), proposing and removing members, the expert
candidates with their current load, and the start_review hooks of the workflow."""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_portal.audit.services import record
from qa_portal.auth.models import Role, User, UserRole
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.reviews.experts import panel_load_counts
from qa_portal.reviews.models import ExpertProfile, MemberStatus, PanelMember, PanelRole
from qa_portal.reviews.panel.conflicts import require_panel_formation, detect_conflicts, mark_removed

ROLE_LABELS = {
    PanelRole.CHAIR: _l("Chair"),
    PanelRole.ACADEMIC: _l("Academic"),
    PanelRole.STUDENT: _l("Student"),
    PanelRole.EMPLOYER: _l("Employer"),
    PanelRole.INTERNATIONAL: _l("International"),
    PanelRole.SECRETARY: _l("Secretary"),
}
STATUS_LABELS = {
    MemberStatus.PROPOSED: _l("proposed — declaration awaited"),
    MemberStatus.CONFLICTED: _l("conflicted — ruling needed"),
    MemberStatus.CLEARED: _l("cleared"),
    MemberStatus.REMOVED: _l("removed"),
}


def members_of(case, *, include_removed: bool = False) -> list[PanelMember]:
    """The case's panel members in role order (with declarations and objections loaded)."""
    query = select(PanelMember).where(PanelMember.case_id == case.id).order_by(PanelMember.id)
    if not include_removed:
        query = query.where(PanelMember.status != MemberStatus.REMOVED)
    members = db.session.scalars(query).unique().all()
    order = list(PanelRole)
    return sorted(members, key=lambda member: (member.status == MemberStatus.REMOVED, order.index(member.role),
                                               member.id))


def composition_check(case, members=None) -> tuple[list[str], list[str]]:
    """The panel's composition against ESG 2.4: errors (exactly one chair, at least one student — never
    overridable —, at least one academic, the coordinator not a member) and warnings (no employer, no
    international member)."""
    members = members_of(case) if members is None else [m for m in members if m.status != MemberStatus.REMOVED]
    roles = [member.role for member in members]
    errors, warnings = [], []
    chairs = roles.count(PanelRole.CHAIR)
    if chairs == 0:
        errors.append(_("The panel has no chair."))
    elif chairs > 1:
        errors.append(_("The panel has %(n)d chairs; it needs exactly one.", n=chairs))
    if PanelRole.STUDENT not in roles:
        errors.append(_("The panel has no student member."))
    if PanelRole.ACADEMIC not in roles:
        errors.append(_("The panel has no academic member."))
    if case.coordinator_id is not None and any(member.user_id == case.coordinator_id for member in members):
        errors.append(_("The case coordinator cannot sit on the panel."))
    if PanelRole.EMPLOYER not in roles:
        warnings.append(_("The panel has no employer member."))
    if PanelRole.INTERNATIONAL not in roles:
        warnings.append(_("The panel has no international member."))
    return errors, warnings


def start_review_problems(case, members=None) -> list[str]:
    """The composition rules the panel breaks, every member not yet cleared, and every objection awaiting a ruling
    (empty when the desk review may start)."""
    members = members_of(case) if members is None else [m for m in members if m.status != MemberStatus.REMOVED]
    problems, _warnings = composition_check(case, members)
    for member in members:
        if member.status != MemberStatus.CLEARED:
            problems.append(_("%(name)s (%(role)s) is not cleared: %(status)s.", name=member.user.full_name,
                              role=ROLE_LABELS[member.role], status=STATUS_LABELS[member.status]))
        if any(objection.ruling is None for objection in member.objections):
            problems.append(_("The institution's objection to %(name)s awaits a ruling.", name=member.user.full_name))
    return problems


def on_review_started(case, actor) -> None:
    """Each cleared member's scoring deadline is set QA_SCORING_DAYS days from the start of the desk review."""
    due = utcnow() + timedelta(days=current_app.config["QA_SCORING_DAYS"])
    for member in members_of(case):
        if member.status == MemberStatus.CLEARED:
            member.scoring_due_at = due
    db.session.flush()


def _expert_query():
    return (select(ExpertProfile).join(User, ExpertProfile.user_id == User.id)
            .where(User.active.is_(True),
                   User.id.in_(select(UserRole.user_id).where(UserRole.role == Role.EXPERT))))


def expert_candidates(case) -> list[tuple[ExpertProfile, int]]:
    """Active experts with a profile who are not on this panel, with their current load as the expert pool shows
    it (seats on cases not finished), in two queries."""
    seated = select(PanelMember.user_id).where(PanelMember.case_id == case.id)
    profiles = db.session.scalars(
        _expert_query().where(User.id.not_in(seated)).options(selectinload(ExpertProfile.fields))
        .order_by(User.full_name)
    ).unique().all()
    loads = panel_load_counts([profile.user_id for profile in profiles])
    return [(profile, loads[profile.user_id]) for profile in profiles]


def propose_member(actor, case, user: User, role) -> PanelMember:
    """An officer proposes an expert (active, expert role, with a profile; never the case coordinator) for a
    panel role; the portal's conflict finding is stored and makes the member conflicted at once."""
    require_panel_formation(case)
    try:
        role = PanelRole(role)
    except ValueError:
        raise DomainError(_("Choose the member's role on the panel."), field="role") from None
    if user is None or db.session.scalar(_expert_query().where(User.id == user.id)) is None:
        raise DomainError(_("Choose an active expert with a profile in the expert pool."), field="expert")
    if case.coordinator_id == user.id:
        raise DomainError(_("%(name)s coordinates this case and cannot sit on its panel.", name=user.full_name),
                          field="expert")
    existing = db.session.scalar(select(PanelMember).where(PanelMember.case_id == case.id,
                                                           PanelMember.user_id == user.id))
    if existing is not None:
        if existing.status == MemberStatus.REMOVED:
            raise DomainError(_("%(name)s was removed from this panel (%(reason)s) and cannot be proposed again.",
                                name=user.full_name, reason=existing.removal_reason), field="expert")
        raise DomainError(_("%(name)s is already on this panel.", name=user.full_name), field="expert")
    finding = detect_conflicts(user, case)
    member = PanelMember(case_id=case.id, user_id=user.id, role=role, proposed_at=utcnow(), proposed_by_id=actor.id,
                         detected_conflict=finding,
                         status=MemberStatus.CONFLICTED if finding else MemberStatus.PROPOSED)
    db.session.add(member)
    db.session.flush()
    record(actor, "panel.member_proposed", member, f"{case.reference}: {user.full_name} proposed as {role.value}",
           {"case": case.reference, "role": role.value, "detected_conflict": finding})
    return member


def remove_member(actor, member: PanelMember, reason: str) -> None:
    """An officer removes a member from the panel being formed, with a reason."""
    require_panel_formation(member.case)
    if member.status == MemberStatus.REMOVED:
        raise DomainError(_("%(name)s is no longer on the panel.", name=member.user.full_name))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for removing the member."), field="reason")
    mark_removed(actor, member, reason, "panel.member_removed")
