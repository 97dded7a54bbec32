"""Conflicts of interest: the portal's own detection (dated affiliations, institution memberships), each member's
signed declaration, the officer's ruling (mitigated with a written reason, or upheld: removed) and the
institution's objections to a proposed member with the officer's ruling on them."""
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import InstitutionMembership
from qa_portal.reviews.models import (
    CaseState, ConflictDeclaration, ConflictKind, DeclaredConflict, ExpertAffiliation, ExpertProfile, MemberStatus,
    ObjectionRuling, PanelMember, PanelObjection,
)

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


def mark_removed(actor, member: PanelMember, reason: str, action: str) -> None:
    """Take a member off the panel with the reason (the seat and its history stay), audited."""
    member.removal_reason = reason
    member.removed_at = utcnow()
    member.status = MemberStatus.REMOVED
    db.session.flush()
    record(actor, action, member, f"{member.case.reference}: {member.user.full_name} removed from the panel",
           {"case": member.case.reference, "reason": reason})


def _clean(text: str | None) -> str:
    return (text or "").strip()


def declare_interests(actor, member: PanelMember, declares_none: bool, items, signed_name: str) -> ConflictDeclaration:
    """The expert signs their declaration for the case: none, or typed interests with details. Declaring none
    with nothing detected clears them; any declared or detected interest makes them conflicted."""
    require_panel_formation(member.case)
    if member.status == MemberStatus.REMOVED:
        raise DomainError(_("You were removed from this panel."))
    if member.declaration is not None:
        raise DomainError(_("You signed your declaration for this case on %(when)s; it cannot be changed. "
                            "Write to the coordinating officer if something changed.",
                            when=member.declaration.signed_at.strftime("%Y-%m-%d")))
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
    cleared = declares_none and not member.detected_conflict
    member.status = MemberStatus.CLEARED if cleared else MemberStatus.CONFLICTED
    db.session.flush()
    record(actor, "panel.declaration_signed", member,
           f"{member.case.reference}: {member.user.full_name} declared "
           + ("no interest" if declares_none else f"{len(items)} interest(s)"),
           {"case": member.case.reference, "declares_none": declares_none, "status": member.status.value,
            "items": [{"kind": kind.value, "details": details} for kind, details in items]})
    return declaration


def rule_on_conflict(actor, member: PanelMember, ruling: str, reason: str) -> None:
    """An officer rules on a conflicted member: "mitigated" clears them (only with a written reason and a signed
    declaration), "upheld" removes them. Both are audited."""
    require_panel_formation(member.case)
    if member.status != MemberStatus.CONFLICTED:
        raise DomainError(_("Only a member with a declared or detected conflict needs a ruling."))
    reason = _clean(reason)
    if not reason:
        raise DomainError(_("Write the reasons for the ruling."), field="reason")
    if ruling not in (MITIGATED, UPHELD):
        raise DomainError(_("Choose whether the conflict is mitigated or upheld."), field="ruling")
    if ruling == MITIGATED and member.declaration is None:
        raise DomainError(_("%(name)s has not signed a declaration yet; a conflict can be ruled mitigated only "
                            "after the declaration.", name=member.user.full_name), field="ruling")
    actor_id = actor.id  # read before any change: loading it may autoflush
    member.conflict_ruling_reason = reason
    member.conflict_ruling_by_id = actor_id
    member.conflict_ruling_at = utcnow()
    if ruling == MITIGATED:
        member.status = MemberStatus.CLEARED
        db.session.flush()
        record(actor, "panel.conflict_mitigated", member,
               f"{member.case.reference}: conflict of {member.user.full_name} ruled mitigated",
               {"case": member.case.reference, "reason": reason, "detected": member.detected_conflict})
    else:
        mark_removed(actor, member, reason, "panel.conflict_upheld")


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
    return objection


def rule_on_objection(actor, objection: PanelObjection, ruling: str, reason: str) -> None:
    """An officer upholds an objection (the member is removed) or rejects it, with a written reason."""
    member = objection.member
    require_panel_formation(member.case)
    if objection.ruling is not None:
        raise DomainError(_("This objection was already ruled on."))
    reason = _clean(reason)
    if not reason:
        raise DomainError(_("Write the reasons for the ruling."), field="reason")
    try:
        ruling = ObjectionRuling(ruling)
    except ValueError:
        raise DomainError(_("Choose whether the objection is upheld or rejected."), field="ruling") from None
    actor_id = actor.id  # read before any change: loading it may autoflush
    objection.ruling_reason = reason
    objection.ruling = ruling
    objection.ruled_by_id = actor_id
    objection.ruled_at = utcnow()
    db.session.flush()
    record(actor, f"panel.objection_{objection.ruling.value}", objection,
           f"{member.case.reference}: objection to {member.user.full_name} {objection.ruling.value}",
           {"case": member.case.reference, "reason": reason})
    if objection.ruling == ObjectionRuling.UPHELD and member.status != MemberStatus.REMOVED:
        mark_removed(actor, member, reason, "panel.member_removed")
