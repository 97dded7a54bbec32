"""Who is told what: each lifecycle move (core.workflow.transitioned) and domain signal that concerns someone becomes
one message per person, queued in the same transaction as the move. The table EVENTS maps (workflow, action) to a
function(obj, actor) that queues the messages."""
from flask import current_app
from sqlalchemy import select

from qa_portal.auth.models import Role, User, UserRole
from qa_portal.core.urls import public_url
from qa_portal.decisions.models import Appeal, Decision
from qa_portal.extensions import db
from qa_portal.notifications.services.outbox import queue_for_each, queue_message
from qa_portal.pilots.models import InstitutionMembership
from qa_portal.reviews.models import MemberStatus, PanelMember
from qa_portal.reviews.services.panel import ROLE_LABELS
from qa_portal.reviews.services.report import report_of


# --- recipients ------------------------------------------------------------------------------------------------

def institution_users(institution_id: int) -> list[User]:
    """The active users of an institution's quality unit (its memberships), in one query."""
    return list(db.session.scalars(
        select(User).join(InstitutionMembership, InstitutionMembership.user_id == User.id)
        .where(InstitutionMembership.institution_id == institution_id, User.active.is_(True)).order_by(User.id)))


def all_institution_users() -> list[User]:
    """The active users of every registered institution's quality unit, each once."""
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.id.in_(select(InstitutionMembership.user_id)))
        .order_by(User.id)))


def role_users(role: Role) -> list[User]:
    """The active users holding a role."""
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
        .order_by(User.id)))


def panel_users(case) -> list[User]:
    """The users sitting on the case's panel (not removed)."""
    return list(db.session.scalars(
        select(User).join(PanelMember, PanelMember.user_id == User.id)
        .where(PanelMember.case_id == case.id, PanelMember.status != MemberStatus.REMOVED).order_by(PanelMember.id)))


def coordinator_or_officers(case) -> list[User]:
    """The case's coordinating officer, or every officer while nobody coordinates it."""
    return [case.coordinator] if case.coordinator is not None else role_users(Role.OFFICER)


def case_link(case) -> str:
    """The case page's absolute address (QA_PUBLIC_BASE_URL), for a message's link."""
    return public_url("reviews.case_detail", case_id=case.id)


# --- domain signals (not lifecycle moves) ------------------------------------------------------------------------

def expert_proposed(member, actor=None) -> None:
    """The proposed expert is told, with the link to their declaration of interests."""
    queue_message("expert_proposed", member.user, case=member.case,
                  link=public_url("reviews.panel_declaration", member_id=member.id),
                  params={"role": str(ROLE_LABELS[member.role])})


def objection_raised(objection, actor=None) -> None:
    """The coordinating officer is told the institution objects to a proposed member."""
    case = objection.member.case
    queue_for_each("objection_raised", coordinator_or_officers(case), case=case,
                   link=public_url("reviews.panel_page", case_id=case.id))


def set_password_link(user, token: str, actor=None) -> None:
    """The new user gets their set-password link by mail as well (always at once: account mail)."""
    queue_message("set_password", user, link=public_url("auth.set_password", token=token),
                  params={"email": user.email, "hours": current_app.config["QA_SET_PASSWORD_MAX_AGE_HOURS"]})


def meeting_scheduled(meeting, actor=None) -> None:
    """The members recorded as present are told the meeting's date and how many cases its agenda holds."""
    queue_for_each("meeting_agenda", [attendance.user for attendance in meeting.attendances],
                   link=public_url("decisions.meeting_detail", meeting_id=meeting.id),
                   params={"title": meeting.title, "due": meeting.held_on, "count": len(meeting.items)})


# --- lifecycle moves --------------------------------------------------------------------------------------------

def _ser_submitted(case, actor):
    queue_for_each("ser_submitted", coordinator_or_officers(case), case=case, link=case_link(case))


def _ser_returned(case, actor):
    queue_for_each("ser_returned", institution_users(case.institution_id), case=case, link=case_link(case),
                   params={"due": case.ser_due_at})


def _ser_accepted(case, actor):
    queue_for_each("ser_accepted", institution_users(case.institution_id), case=case, link=case_link(case))


def _review_started(case, actor):
    """Each cleared member learns their scoring deadline; the institution learns the panel is confirmed."""
    members = db.session.scalars(select(PanelMember).where(PanelMember.case_id == case.id,
                                                           PanelMember.status == MemberStatus.CLEARED))
    for member in members:
        queue_message("scoring_started", member.user, case=case,
                      link=public_url("reviews.scoring_page", case_id=case.id), params={"due": member.scoring_due_at})
    queue_for_each("panel_confirmed", institution_users(case.institution_id), case=case,
                   link=public_url("reviews.panel_page", case_id=case.id))


def _sent_for_factual_check(case, actor):
    report = report_of(case)
    queue_for_each("factual_check", institution_users(case.institution_id), case=case,
                   link=public_url("reviews.report_page", case_id=case.id),
                   params={"due": getattr(report, "factual_check_due_at", None)})


def _report_finalised(case, actor):
    queue_for_each("report_final", coordinator_or_officers(case) + role_users(Role.COUNCIL), case=case,
                   link=case_link(case))


def _published(case, actor):
    """The institution and the panel members are told, with the link to the decision in the register."""
    decision = db.session.scalar(select(Decision).where(Decision.case_id == case.id,
                                                        Decision.published_at.is_not(None))
                                 .order_by(Decision.id.desc()).limit(1))
    link = (public_url("decisions.register_decision", decision_id=decision.id) if decision is not None
            else case_link(case))
    queue_for_each("decision_published", institution_users(case.institution_id) + panel_users(case), case=case,
                   link=link)


def _appeal_lodged(case, actor):
    appeal = db.session.scalar(select(Appeal).where(Appeal.case_id == case.id).order_by(Appeal.id.desc()).limit(1))
    link = public_url("decisions.appeal_page", appeal_id=appeal.id) if appeal is not None else case_link(case)
    queue_for_each("appeal_lodged", coordinator_or_officers(case) + role_users(Role.APPEALS), case=case, link=link,
                   params={"due": getattr(appeal, "decision_due_on", None)})


def _appeal_decided(case, actor):
    queue_for_each("appeal_decided", institution_users(case.institution_id), case=case, link=case_link(case))


def _conflict_flagged(member, actor):
    case = member.case
    queue_for_each("conflict_flagged", coordinator_or_officers(case), case=case,
                   link=public_url("reviews.panel_page", case_id=case.id))


def _conflict_ruled(member, actor):
    queue_message("conflict_ruled", member.user, case=member.case,
                  link=public_url("reviews.panel_declaration", member_id=member.id))


def _objection_ruled(objection, actor):
    case = objection.member.case
    queue_for_each("objection_ruled", institution_users(case.institution_id), case=case,
                   link=public_url("reviews.panel_page", case_id=case.id))


def _call_opened(call, actor):
    queue_for_each("call_opened", all_institution_users(), link=public_url("pilots.public_call", call_id=call.id),
                   params={"title": call.title, "due": call.closes_at})


def _consultation_opened(version, actor):
    """Institutions' quality units and experts are invited to comment on draft standards."""
    queue_for_each("consultation_opened", all_institution_users() + role_users(Role.EXPERT),
                   link=public_url("standards.consultation", version_id=version.id), params={"title": version.label})


EVENTS = {
    ("case", "submit_ser"): _ser_submitted,
    ("case", "return_ser"): _ser_returned,
    ("case", "accept_ser"): _ser_accepted,
    ("case", "start_review"): _review_started,
    ("case", "send_for_factual_check"): _sent_for_factual_check,
    ("case", "finalise_report"): _report_finalised,
    ("case", "publish"): _published,
    ("case", "lodge_appeal"): _appeal_lodged,
    ("case", "uphold_decision"): _appeal_decided,
    ("case", "return_for_reconsideration"): _appeal_decided,
    ("case", "dismiss_appeal"): _appeal_decided,
    ("panel_member", "declare"): _conflict_flagged,
    ("panel_member", "mitigate_conflict"): _conflict_ruled,
    ("panel_member", "uphold_conflict"): _conflict_ruled,
    ("panel_objection", "uphold"): _objection_ruled,
    ("panel_objection", "reject"): _objection_ruled,
    ("call", "open"): _call_opened,
    ("standards.version", "open_consultation"): _consultation_opened,
}


def notify_transition(workflow_name: str, action: str, obj, actor) -> None:
    """Queue the messages a lifecycle move sets off (nothing for moves nobody needs to hear about)."""
    handler = EVENTS.get((workflow_name, action))
    if handler is not None:
        handler(obj, actor)
