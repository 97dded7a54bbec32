"""Site visit: the plan (mode, dates, place), the agenda of sessions with notes tagged to standards, and the
written justification for skipping the visit (an officer approves it with the workflow's skip_site_visit)."""
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from qa_portal.core.dates import agency_date, format_day
from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.versioning import ensure_version, flush_or_conflict
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import problems_guard
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseAction, CaseState, SiteVisit, StakeholderGroup, VisitMode, VisitSession
from qa_portal.reviews.services.scoring import desk_review_finished
from qa_portal.reviews.workflow import CASE_WORKFLOW
from qa_portal.standards.models import Standard

PLANNING_STATES = (CaseState.DESK_REVIEW, CaseState.SITE_VISIT)

MODE_LABELS = {VisitMode.ONSITE: _l("On-site"), VisitMode.ONLINE: _l("Online"), VisitMode.HYBRID: _l("Hybrid")}
GROUP_LABELS = {
    StakeholderGroup.MANAGEMENT: _l("Management"),
    StakeholderGroup.SER_TEAM: _l("Self-evaluation team"),
    StakeholderGroup.STUDENTS: _l("Students"),
    StakeholderGroup.ALUMNI: _l("Alumni"),
    StakeholderGroup.EMPLOYERS: _l("Employers"),
    StakeholderGroup.TEACHING_STAFF: _l("Teaching staff"),
    StakeholderGroup.QA_UNIT: _l("Quality assurance unit"),
}


class VisitRefused(DomainError):
    """A site-visit change the rules do not allow now (HTTP 409)."""

    status_code = 409


def visit_of(case) -> SiteVisit | None:
    """The case's site visit (with its sessions and their standards), if planned."""
    return db.session.scalar(select(SiteVisit).where(SiteVisit.case_id == case.id))


def _ensure_planning_open(case) -> None:
    if case.state not in PLANNING_STATES:
        raise VisitRefused(_("The site visit can be planned only during the desk review and the visit itself."))


def _visit_for_change(case) -> SiteVisit:
    visit = visit_of(case)
    if visit is None:
        visit = SiteVisit(case_id=case.id, mode=VisitMode.ONSITE)
        db.session.add(visit)
        db.session.flush()
    return visit


def save_visit_plan(actor, case, mode: VisitMode, starts_on: date | None, ends_on: date | None,
                    location: str) -> SiteVisit:
    """Set the visit's mode, dates (the last day not before the first) and place."""
    _ensure_planning_open(case)
    if starts_on and ends_on and ends_on < starts_on:
        raise VisitRefused(_("The last day cannot come before the first."), field="ends_on")
    if ends_on and not starts_on:
        raise VisitRefused(_("Give the first day of the visit too."), field="starts_on")
    visit = _visit_for_change(case)
    visit.mode, visit.starts_on, visit.ends_on = VisitMode(mode), starts_on, ends_on or starts_on
    visit.location = (location or "").strip()
    db.session.flush()
    record(actor, "site_visit.planned", case, f"{case.reference}: visit {visit.mode.value} {starts_on}–{ends_on}",
           {"mode": visit.mode.value, "starts_on": starts_on, "ends_on": visit.ends_on, "location": visit.location})
    return visit


def _standards_of_case(case, standard_ids) -> list[Standard]:
    ids = set(standard_ids or [])
    if not ids:
        return []
    standards = list(db.session.scalars(select(Standard).where(Standard.id.in_(ids),
                                                               Standard.version_id == case.standard_version_id)))
    if len(standards) != len(ids):
        raise VisitRefused(_("Tag the notes with standards of this case only."), field="standards")
    return sorted(standards, key=lambda standard: (standard.position, standard.id))


def _check_session_day(visit: SiteVisit, starts_at: datetime) -> None:
    if visit.starts_on and visit.ends_on and not visit.starts_on <= agency_date(starts_at) <= visit.ends_on:
        raise VisitRefused(_("The session must fall within the visit's dates (%(first)s to %(last)s).",
                             first=format_day(visit.starts_on), last=format_day(visit.ends_on)), field="starts_at")


def save_session(actor, case, session: VisitSession | None, *, starts_at: datetime, duration_minutes: int,
                 stakeholder_group: StakeholderGroup, attendees: str, notes: str, standard_ids,
                 expected_version: int | None = None) -> VisitSession:
    """Add a session to the agenda, or change one: time within the visit's dates, group, attendees, notes, tags;
    a change typed on an older version of the session (members share the notes) is a conflict."""
    _ensure_planning_open(case)
    if session is not None and expected_version is not None:
        ensure_version(session, expected_version, _("Someone else saved this session after you opened it. "
                                                    "Compare the two texts below."))
    visit = _visit_for_change(case)
    if session is not None and session.visit_id != visit.id:
        raise VisitRefused(_("This session belongs to another visit."))
    if not 5 <= duration_minutes <= 600:
        raise VisitRefused(_("A session lasts between 5 and 600 minutes."), field="duration_minutes")
    _check_session_day(visit, starts_at)
    standards = _standards_of_case(case, standard_ids)
    created = session is None
    if created:
        session = VisitSession(visit=visit)
        db.session.add(session)
    session.starts_at, session.duration_minutes = starts_at, duration_minutes
    session.stakeholder_group = StakeholderGroup(stakeholder_group)
    session.attendees, session.notes = (attendees or "").strip(), (notes or "").strip()
    session.standards = standards
    session_id = session.id
    flush_or_conflict(_("Someone else saved this session at the same moment. Compare the two texts below."),
                      lambda: db.session.get(VisitSession, session_id))
    record(actor, "site_visit.session_added" if created else "site_visit.session_changed", case,
           f"{case.reference}: {session.stakeholder_group.value} session at {starts_at:%Y-%m-%d %H:%M}",
           {"session_id": session.id, "has_notes": bool(session.notes),
            "standards": [standard.code for standard in standards]})
    return session


def delete_session(actor, case, session: VisitSession) -> None:
    """Remove a session from the agenda while the visit can still be planned."""
    _ensure_planning_open(case)
    summary = (f"{case.reference}: removed {session.stakeholder_group.value} session "
               f"at {session.starts_at:%Y-%m-%d %H:%M}")
    db.session.delete(session)
    db.session.flush()
    record(actor, "site_visit.session_deleted", case, summary, {"session_id": session.id})


def request_skip(actor, case, justification: str) -> SiteVisit:
    """The chair or an officer writes why the visit should be skipped; an officer's skip_site_visit approves it."""
    if case.state != CaseState.DESK_REVIEW:
        raise VisitRefused(_("Skipping the visit can be asked only during the desk review."))
    justification = (justification or "").strip()
    if not justification:
        raise VisitRefused(_("Write why the visit can be skipped."), field="justification")
    visit = _visit_for_change(case)
    visit.skip_justification = justification
    visit.skip_requested_by_id, visit.skip_requested_at = getattr(actor, "id", None), utcnow()
    db.session.flush()
    record(actor, "site_visit.skip_requested", case, f"{case.reference}: skipping the visit requested",
           {"justification": justification})
    return visit


# --- workflow hooks ------------------------------------------------------------------------------------------

def skip_problems(case) -> list[str]:
    """Skipping the visit needs a written justification (the officer's action and comment approve it)."""
    visit = visit_of(case)
    if visit is None or not visit.skip_justification.strip():
        return [_("no justification for skipping the visit has been written")]
    return []


def close_problems(case) -> list[str]:
    """Closing the visit needs its dates, at least one session, and notes on every session."""
    visit = visit_of(case)
    problems = []
    if visit is None or visit.starts_on is None:
        problems.append(_("the visit's dates are not set"))
    sessions = visit.sessions if visit is not None else []
    if not sessions:
        problems.append(_("the agenda has no session"))
    without_notes = [session for session in sessions if not session.notes.strip()]
    if without_notes:
        problems.append(_("sessions without notes: %(sessions)s", sessions=", ".join(
            f"{session.starts_at:%Y-%m-%d %H:%M} {GROUP_LABELS[session.stakeholder_group]}"
            for session in without_notes)))
    return problems


# --- the visit's rules on the case workflow (reviews/workflow.py holds the table) -------------------------------
# Skipping needs a finished desk review and a written justification (the officer's action approves it); closing
# needs the visit's dates and notes on every session.
CASE_WORKFLOW.extend(CaseAction.SKIP_SITE_VISIT, guards=[desk_review_finished, problems_guard(
    skip_problems, _l("The site visit cannot be skipped yet: %(problems)s"))])
CASE_WORKFLOW.extend(CaseAction.CLOSE_SITE_VISIT, guards=[problems_guard(
    close_problems, _l("The site visit cannot be closed yet: %(problems)s"))])
