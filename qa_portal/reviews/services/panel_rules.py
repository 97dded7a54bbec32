"""Who may sit in which seat (issue 15, ESG 2.4), judged from the expert's profile and not from the seat's label:
a student seat needs a student whose student status is current on the day the desk review starts, an academic seat
an academic, an international seat an expert from a country other than the institution's, the chair a training
within QA_CHAIR_TRAINING_YEARS. An academic whose fields miss the micro-credential's broad ISCED-F field is a
warning the officer acknowledges with a reason. Every member acknowledges the case's briefing before scoring.

The institution's objection window: QA_OBJECTION_WINDOW_WORKING_DAYS working days after the last member was
proposed; the desk review starts only once it has ended, or once the institution confirmed it has no objection
(after that last proposal). These rules are guards on start_review (registered at the end of this module)."""
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import problems_guard
from qa_portal.extensions import db
from qa_portal.pilots.models.reference import country_name, isced_name
from qa_portal.reviews.models import (
    CaseAction, CaseState, ExpertProfile, ExpertType, MemberStatus, PanelMember, PanelRole,
)
from qa_portal.reviews.services.report import add_working_days
from qa_portal.reviews.workflow import CASE_WORKFLOW

__all__ = ["PROFILED_SEATS", "HOME_COUNTRY", "profile_of", "student_status_current", "chair_training_current", "seat_problem",
           "case_broad_fields", "field_gaps", "seat_problems", "acknowledge_field_warning", "acknowledge_briefing",
           "briefing_outstanding", "last_proposal_at", "objection_window_ends_at", "no_objection_confirmed",
           "objection_window_problems",
           "confirm_no_objection", "record_refused_proposal"]

# The seats whose rules read the expert's profile (employer and secretary seats have none).
PROFILED_SEATS = frozenset({PanelRole.STUDENT, PanelRole.ACADEMIC, PanelRole.INTERNATIONAL, PanelRole.CHAIR})
# The agency's own country: an institution without a recorded country is taken to be in it.
HOME_COUNTRY = "AM"


def profile_of(user_id: int) -> ExpertProfile | None:
    """The expert profile of a user, if any."""
    return db.session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == user_id))


def student_status_current(profile: ExpertProfile, on: date) -> bool:
    """The expert is a student whose recorded student status covers the given day."""
    return (profile.expert_type == ExpertType.STUDENT and profile.student_status_until is not None
            and profile.student_status_until >= on
            and (profile.student_status_from is None or profile.student_status_from <= on))


def chair_training_current(profile: ExpertProfile, on: date) -> bool:
    """The expert's agency training took place within QA_CHAIR_TRAINING_YEARS before the given day."""
    years = current_app.config["QA_CHAIR_TRAINING_YEARS"]
    if profile.training_date is None or profile.training_date > on:
        return False
    try:
        earliest = on.replace(year=on.year - years)
    except ValueError:  # 29 February
        earliest = on.replace(year=on.year - years, day=28)
    return profile.training_date >= earliest


def seat_problem(profile: ExpertProfile | None, role, case, on: date) -> str | None:
    """Why the expert's profile does not fit the seat on that day (None when it fits): the seat's role must be the
    expert's, not a label."""
    role = PanelRole(role)
    if role not in PROFILED_SEATS:
        return None
    if profile is None:
        return _("The expert has no profile in the expert pool.")
    name = profile.user.full_name
    if role == PanelRole.STUDENT and not student_status_current(profile, on):
        if profile.expert_type != ExpertType.STUDENT:
            return _("%(name)s is not a student expert and cannot take the student seat.", name=name)
        return _("%(name)s's student status is not current on %(day)s and cannot take the student seat.",
                 name=name, day=on.isoformat())
    if role == PanelRole.ACADEMIC and profile.expert_type != ExpertType.ACADEMIC:
        return _("%(name)s is not an academic expert and cannot take the academic seat.", name=name)
    if role == PanelRole.INTERNATIONAL:
        home = case.institution.country or HOME_COUNTRY
        if (profile.country or "").upper() == home.upper():
            return _("%(name)s is from %(country)s, the institution's country, and cannot take the international "
                     "seat.", name=name, country=country_name(home))
    if role == PanelRole.CHAIR and not chair_training_current(profile, on):
        return _("%(name)s has no agency training within the last %(years)d years and cannot chair the panel.",
                 name=name, years=current_app.config["QA_CHAIR_TRAINING_YEARS"])
    return None


def record_refused_proposal(actor, case, user, role, message: str) -> None:
    """Audit a proposal the seat rules refused (who, which seat, why), so the refusal stays on the case's record
    after the refused request rolled back."""
    record(actor, "panel.proposal_refused", case, f"{case.reference}: {user.full_name} refused as {role}",
           {"case": case.reference, "user_id": user.id, "role": str(role), "reason": message})


def case_broad_fields(case) -> set[str]:
    """The broad ISCED-F fields (two digits) of the micro-credentials the case reviews."""
    return {link.specification_version.isced_f_code[:2] for link in case.specification_links
            if len(link.specification_version.isced_f_code or "") >= 2}


def suggested_first(candidates: list, broad_fields: set[str], findings: dict) -> tuple[list, set[int]]:
    """The proposal list with the suggested experts first — their fields cover the case's broad fields and the portal
    found no likely conflict — each group by name; and the suggested user ids."""
    suggested = {profile.user_id for profile, _load in candidates if not findings.get(profile.user_id)
                 and broad_fields and broad_fields <= {item.isced_code[:2] for item in profile.fields}}
    return sorted(candidates, key=lambda pair: pair[0].user_id not in suggested), suggested


def field_gaps(member: PanelMember, profile: ExpertProfile | None, broad_fields: set[str]) -> list[str]:
    """The case's broad fields an academic member's fields do not cover ([] for other seats)."""
    if member.role != PanelRole.ACADEMIC or profile is None:
        return []
    covered = {item.isced_code[:2] for item in profile.fields}
    return sorted(broad_fields - covered)


def _profiles(members) -> dict[int, ExpertProfile]:
    """The members' expert profiles keyed by user id, in one query."""
    user_ids = [member.user_id for member in members]
    return {profile.user_id: profile for profile in db.session.scalars(
        select(ExpertProfile).where(ExpertProfile.user_id.in_(user_ids)))} if user_ids else {}


def seat_problems(case, members, on: date | None = None) -> tuple[list[str], list[tuple[PanelMember, str]]]:
    """(errors, field warnings) of the members' seats on the day given (today by default): every seat whose
    expert does not fit it, and every academic whose fields miss the micro-credential's broad field — a
    warning that blocks the start until the officer acknowledges it with a reason."""
    on = on or utcnow().date()
    profiles = _profiles(members)
    broad_fields = case_broad_fields(case)
    errors, warnings = [], []
    for member in members:
        profile = profiles.get(member.user_id)
        if problem := seat_problem(profile, member.role, case, on):
            errors.append(problem)
        gaps = field_gaps(member, profile, broad_fields)
        if gaps:
            text = _("%(name)s's fields do not cover the micro-credential's broad field %(fields)s.",
                     name=member.user.full_name,
                     fields=", ".join(f"{code} {isced_name(code)}".strip() for code in gaps))
            warnings.append((member, text))
            if member.field_warning_at is None:
                errors.append(_("%(warning)s The coordinating officer acknowledges it with a reason.", warning=text))
    return errors, warnings


def acknowledge_field_warning(actor, member: PanelMember, reason: str) -> None:
    """An officer acknowledges, with a written reason, that an academic member's fields miss the
    micro-credential's broad field (audited)."""
    if member.case.state != CaseState.PANEL_FORMATION:
        raise DomainError(_("The panel can change only while the case is in panel formation."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason the member may sit on the panel despite the field warning."),
                          field="reason")
    member.field_warning_reason, member.field_warning_by_id, member.field_warning_at = reason, actor.id, utcnow()
    db.session.flush()
    record(actor, "panel.field_warning_acknowledged", member,
           f"{member.case.reference}: field warning on {member.user.full_name} acknowledged", {"reason": reason})


def acknowledge_briefing(actor, member: PanelMember) -> None:
    """The member acknowledges the case's briefing (procedure, standards version, conflict rules,
    confidentiality) — once, before scoring; audited."""
    if member.status == MemberStatus.REMOVED:
        raise DomainError(_("You were removed from this panel."))
    if member.briefed_at is not None:
        raise DomainError(_("You acknowledged this case's briefing on %(when)s.",
                            when=member.briefed_at.strftime("%Y-%m-%d")))
    member.briefed_at = utcnow()
    db.session.flush()
    record(actor, "panel.briefing_acknowledged", member,
           f"{member.case.reference}: {member.user.full_name} acknowledged the briefing",
           {"case": member.case.reference, "standard_version_id": member.case.standard_version_id})


def briefing_outstanding(member: PanelMember) -> bool:
    """The member has not acknowledged the case's briefing yet (scoring waits for it)."""
    return member.briefed_at is None


# --- the institution's objection window ----------------------------------------------------------------------

def last_proposal_at(case) -> datetime | None:
    """When the latest member still on the panel was proposed (the objection window runs from it)."""
    return db.session.scalar(select(func.max(PanelMember.proposed_at)).where(
        PanelMember.case_id == case.id, PanelMember.status != MemberStatus.REMOVED))


def objection_window_ends_at(case) -> datetime | None:
    """The end of the institution's window to object to the panel: QA_OBJECTION_WINDOW_WORKING_DAYS working days
    after the last proposal (None while nobody is proposed)."""
    proposed = last_proposal_at(case)
    if proposed is None:
        return None
    return add_working_days(proposed, current_app.config["QA_OBJECTION_WINDOW_WORKING_DAYS"])


def no_objection_confirmed(case) -> bool:
    """The institution confirmed it has no objection after the last member was proposed."""
    proposed = last_proposal_at(case)
    return case.no_objection_at is not None and (proposed is None or case.no_objection_at >= proposed)


def objection_window_problems(case) -> list[str]:
    """Why the desk review cannot start yet for the institution's sake: its objection window is still open and it
    has not confirmed that it has no objection."""
    ends_at = objection_window_ends_at(case)
    if ends_at is None or utcnow() >= ends_at or no_objection_confirmed(case):
        return []
    return [_("the institution's window to object to the panel is open until %(when)s (unless it confirms it has "
              "no objection)", when=ends_at.strftime("%Y-%m-%d %H:%M"))]


def confirm_no_objection(actor, case) -> None:
    """The institution confirms it has no objection to the panel as proposed, which ends its objection window
    (audited)."""
    if case.state != CaseState.PANEL_FORMATION:
        raise DomainError(_("The panel can change only while the case is in panel formation."))
    if last_proposal_at(case) is None:
        raise DomainError(_("No member is proposed yet."))
    case.no_objection_at, case.no_objection_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "panel.no_objection", case, f"{case.reference}: the institution has no objection to the panel",
           {"case": case.reference})


CASE_WORKFLOW.extend(CaseAction.START_REVIEW, guards=[problems_guard(
    objection_window_problems, _l("The desk review cannot start yet: %(problems)s"))])
