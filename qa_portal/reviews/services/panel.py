"""Panel formation and conflicts of interest (SPEC §2.3, ESG 2.4): who sits on a case's panel — the composition
rules (one function), proposing and removing members, the expert candidates with their current load —, the
portal's own conflict detection (dated affiliations, institution memberships), each member's signed declaration,
the officer's ruling (mitigated with a written reason, or upheld: removed), the institution's objections to a
proposed member with the officer's ruling on them, and the start_review hooks of the workflow."""
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from qa_portal.core.dates import format_day
from qa_portal.audit.services import record
from qa_portal.auth.models import Role, User, UserRole
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import object_effect, problems_guard
from qa_portal.extensions import db
from qa_portal.pilots.models import InstitutionMembership
from qa_portal.reviews.models import (
    CaseAction, CaseState, ConflictDeclaration, ConflictKind, DeclaredConflict, ExpertAffiliation, ExpertProfile,
    MemberAction, MemberStatus, ObjectionAction, ObjectionRuling, PanelMember, PanelObjection, PanelRole,
)
from qa_portal.reviews.services.experts import panel_load_counts
from qa_portal.reviews.services.panel_rules import profile_of, seat_problem, seat_problems
from qa_portal.reviews.signals import member_proposed, objection_raised
from qa_portal.reviews.workflow import CASE_WORKFLOW, MEMBER_STATUS_LABELS, MEMBER_WORKFLOW, OBJECTION_WORKFLOW


# --- conflicts of interest -----------------------------------------------------------------------------------

KIND_LABELS = {
    ConflictKind.EMPLOYMENT: _l("Employment"),
    ConflictKind.STUDY: _l("Study"),
    ConflictKind.CONSULTANCY: _l("Consultancy"),
    ConflictKind.GOVERNANCE: _l("Governance role"),
    ConflictKind.FAMILY: _l("Family"),
    ConflictKind.COMPETING_APPLICATION: _l("Competing application"),
    ConflictKind.OTHER: _l("Other"),
}

MITIGATED, UPHELD = "mitigated", "upheld"


def _lookback_start(today: date) -> date:
    years = current_app.config["QA_COI_LOOKBACK_YEARS"]
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _period(affiliation: ExpertAffiliation) -> str:
    start = str(affiliation.started_on.year) if affiliation.started_on else "…"
    end = str(affiliation.ended_on.year) if affiliation.ended_on else _("today")
    return f"{start}–{end}"


def detected_conflicts(user_ids, case) -> dict[int, list[str]]:
    """The portal's findings per user against the case's institution: a current affiliation or one that ended
    within the look-back period (listed or typed by name), and membership of the institution's quality unit."""
    user_ids = list(dict.fromkeys(user_ids))
    findings: dict[int, list[str]] = {user_id: [] for user_id in user_ids}
    if not user_ids:
        return findings
    institution = case.institution
    since = _lookback_start(utcnow().date())
    names = [name.lower() for name in (institution.name_en, institution.short_name) if name]
    affiliations = db.session.execute(
        select(ExpertProfile.user_id, ExpertAffiliation)
        .join(ExpertAffiliation, ExpertAffiliation.profile_id == ExpertProfile.id)
        .where(ExpertProfile.user_id.in_(user_ids),
               or_(ExpertAffiliation.institution_id == institution.id,
                   func.lower(func.trim(ExpertAffiliation.institution_name)).in_(names)),
               or_(ExpertAffiliation.ended_on.is_(None), ExpertAffiliation.ended_on >= since))
        .order_by(ExpertAffiliation.started_on)
    ).all()
    years = current_app.config["QA_COI_LOOKBACK_YEARS"]
    for user_id, affiliation in affiliations:
        if affiliation.ended_on is None:
            text = _("Current affiliation with %(institution)s: %(role)s (%(period)s).",
                     institution=institution.name_en, role=affiliation.role, period=_period(affiliation))
        else:
            text = _("Affiliation with %(institution)s ended less than %(years)d years ago: %(role)s (%(period)s).",
                     institution=institution.name_en, years=years, role=affiliation.role,
                     period=_period(affiliation))
        findings[user_id].append(text)
    members = db.session.scalars(select(InstitutionMembership.user_id).where(
        InstitutionMembership.user_id.in_(user_ids), InstitutionMembership.institution_id == institution.id))
    for user_id in members:
        findings[user_id].append(_("A user of %(institution)s's quality unit in this portal.",
                                   institution=institution.name_en))
    return findings


def detect_conflicts(user, case) -> str:
    """The portal's finding for one expert and the case's institution, as the text stored on the seat."""
    return " ".join(detected_conflicts([user.id], case)[user.id])


def require_panel_formation(case) -> None:
    """Panel changes (proposals, declarations, rulings, objections) happen only in panel formation."""
    if case.state != CaseState.PANEL_FORMATION:
        raise DomainError(_("The panel can change only while the case is in panel formation."))


def _clean(text: str | None) -> str:
    return (text or "").strip()


def declare_interests(actor, member: PanelMember, declares_none: bool, items, signed_name: str) -> ConflictDeclaration:
    """The expert signs their declaration for the case: none, or typed interests with details. Declaring none
    with nothing detected clears them (declare_clear); any declared or detected interest makes them conflicted
    (declare). The declaration's content is audited; the move is the workflow's."""
    require_panel_formation(member.case)
    if member.status == MemberStatus.REMOVED:
        raise DomainError(_("You were removed from this panel."))
    if member.declaration is not None:
        raise DomainError(_("You signed your declaration for this case on %(when)s; it cannot be changed. "
                            "Write to the coordinating officer if something changed.",
                            when=format_day(member.declaration.signed_at)))
    try:
        items = [(ConflictKind(kind), _clean(details)) for kind, details in items]
    except ValueError:
        raise DomainError(_("Choose the kind of each interest you declare."), field="items") from None
    if declares_none and items:
        raise DomainError(_("You declared no interest but listed some: choose one."), field="declares_none")
    if not declares_none and not items:
        raise DomainError(_("List at least one interest with its details, or declare none."), field="items")
    if any(not details for _kind, details in items):
        raise DomainError(_("Give the details of every interest you declare."), field="items")
    signed_name = " ".join((signed_name or "").split())
    if signed_name.casefold() != " ".join(member.user.full_name.split()).casefold():
        raise DomainError(_("Sign with your full name exactly as in your account: %(name)s.",
                            name=member.user.full_name), field="signed_name")
    declaration = ConflictDeclaration(declares_none=declares_none, signed_name=signed_name, signed_at=utcnow(),
                                      items=[DeclaredConflict(kind=kind, details=details) for kind, details in items])
    member.declaration = declaration
    clears = declares_none and not member.detected_conflict
    MEMBER_WORKFLOW.apply(member, MemberAction.DECLARE_CLEAR if clears else MemberAction.DECLARE, actor)
    record(actor, "panel.declaration_signed", member,
           f"{member.case.reference}: {member.user.full_name} declared "
           + ("no interest" if declares_none else f"{len(items)} interest(s)"),
           {"case": member.case.reference, "declares_none": declares_none, "status": member.status.value,
            "items": [{"kind": kind.value, "details": details} for kind, details in items]})
    return declaration


RULING_ACTIONS = {MITIGATED: MemberAction.MITIGATE_CONFLICT, UPHELD: MemberAction.UPHOLD_CONFLICT}


def _ruling_action(actions: dict, ruling: str, reason: str, choose_message):
    """The move an officer's ruling asks for: written reasons and one of the rulings offered, else refused."""
    if not _clean(reason):
        raise DomainError(_("Write the reasons for the ruling."), field="reason")
    if ruling not in actions:
        raise DomainError(str(choose_message), field="ruling")
    return actions[ruling]


def rule_on_conflict(actor, member: PanelMember, ruling: str, reason: str) -> None:
    """An officer rules on a conflicted member: "mitigated" clears them (only with a written reason and a signed
    declaration), "upheld" removes them — the workflow's moves, each audited."""
    require_panel_formation(member.case)
    if member.status != MemberStatus.CONFLICTED:
        raise DomainError(_("Only a member with a declared or detected conflict needs a ruling."))
    action = _ruling_action(RULING_ACTIONS, ruling, reason, _l("Choose whether the conflict is mitigated or upheld."))
    MEMBER_WORKFLOW.apply(member, action, actor, _clean(reason))


def raise_objection(actor, member: PanelMember, reasons: str) -> PanelObjection:
    """The institution objects to a proposed member with reasons, while the panel is being formed."""
    require_panel_formation(member.case)
    if member.status == MemberStatus.REMOVED:
        raise DomainError(_("%(name)s is no longer on the panel.", name=member.user.full_name))
    reasons = _clean(reasons)
    if not reasons:
        raise DomainError(_("Give the reasons for the objection."), field="reasons")
    objection = PanelObjection(member=member, raised_by_id=actor.id, raised_at=utcnow(), reasons=reasons)
    db.session.add(objection)
    db.session.flush()
    record(actor, "panel.objection_raised", objection,
           f"{member.case.reference}: objection to {member.user.full_name}",
           {"case": member.case.reference, "reasons": reasons})
    objection_raised.send(objection, actor=actor)
    return objection


OBJECTION_ACTIONS = {ObjectionRuling.UPHELD: ObjectionAction.UPHOLD, ObjectionRuling.REJECTED: ObjectionAction.REJECT}


def rule_on_objection(actor, objection: PanelObjection, ruling: str, reason: str) -> None:
    """An officer upholds an objection (the member is removed) or rejects it, with a written reason: the
    workflow's moves, each audited."""
    require_panel_formation(objection.member.case)
    if objection.ruling != ObjectionRuling.PENDING:
        raise DomainError(_("This objection was already ruled on."))
    action = _ruling_action(OBJECTION_ACTIONS, ruling, reason,
                            _l("Choose whether the objection is upheld or rejected."))
    OBJECTION_WORKFLOW.apply(objection, action, actor, _clean(reason))


# --- composition, proposals and removals ----------------------------------------------------------------------

ROLE_LABELS = {
    PanelRole.CHAIR: _l("Chair"),
    PanelRole.ACADEMIC: _l("Academic"),
    PanelRole.STUDENT: _l("Student"),
    PanelRole.EMPLOYER: _l("Employer"),
    PanelRole.INTERNATIONAL: _l("International"),
    PanelRole.SECRETARY: _l("Secretary"),
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
    overridable —, at least one academic, the coordinator not a member, every seat fitting its expert's profile
    today, every field warning acknowledged) and warnings (no employer, no international member, each field
    warning)."""
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
    seat_errors, field_warnings = seat_problems(case, members)
    return errors + seat_errors, warnings + [text for _member, text in field_warnings]


def start_review_problems(case, members=None) -> list[str]:
    """The composition rules the panel breaks, every member not yet cleared, and every objection awaiting a ruling
    (empty when the desk review may start)."""
    members = members_of(case) if members is None else [m for m in members if m.status != MemberStatus.REMOVED]
    problems, _warnings = composition_check(case, members)
    for member in members:
        if member.status != MemberStatus.CLEARED:
            problems.append(_("%(name)s (%(role)s) is not cleared: %(status)s.", name=member.user.full_name,
                              role=ROLE_LABELS[member.role], status=MEMBER_STATUS_LABELS[member.status]))
        if any(objection.ruling == ObjectionRuling.PENDING for objection in member.objections):
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
    """Active, available experts with a profile who are not on this panel, with their current load as the expert pool shows
    it (seats on cases not finished), in two queries."""
    seated = select(PanelMember.user_id).where(PanelMember.case_id == case.id)
    profiles = db.session.scalars(
        _expert_query().where(User.id.not_in(seated), ExpertProfile.available.is_(True))
        .options(selectinload(ExpertProfile.fields))
        .order_by(User.full_name)
    ).unique().all()
    loads = panel_load_counts([profile.user_id for profile in profiles])
    return [(profile, loads[profile.user_id]) for profile in profiles]


def propose_member(actor, case, user: User, role) -> PanelMember:
    """An officer proposes an expert (active, available, expert role, with a profile; never the case coordinator)
    for a panel role their profile fits (panel_rules.seat_problem); the portal's conflict finding is stored and
    makes the member conflicted at once."""
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
    profile = profile_of(user.id)
    if not profile.available:
        raise DomainError(_("%(name)s is marked unavailable for new panels.", name=user.full_name), field="expert")
    if problem := seat_problem(profile, role, case, utcnow().date()):
        raise DomainError(problem, field="role")
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
    member_proposed.send(member, actor=actor)
    return member


def remove_member(actor, member: PanelMember, reason: str) -> None:
    """An officer removes a member from the panel being formed, with a reason (the workflow's move, audited)."""
    require_panel_formation(member.case)
    if member.status == MemberStatus.REMOVED:
        raise DomainError(_("%(name)s is no longer on the panel.", name=member.user.full_name))
    if not _clean(reason):
        raise DomainError(_("Give the reason for removing the member."), field="reason")
    MEMBER_WORKFLOW.apply(member, MemberAction.REMOVE, actor, _clean(reason))


# --- the panel's rules on the case workflow (reviews/workflow.py holds the table) -------------------------------
# The desk review starts with a panel that keeps the composition rules, every member cleared and every objection
# ruled on; starting it sets the members' scoring deadlines.
CASE_WORKFLOW.extend(CaseAction.START_REVIEW, guards=[problems_guard(
    start_review_problems, _l("The desk review cannot start yet: %(problems)s"))],
    effects=[object_effect(on_review_started)])
