"""Demo review cases in every panel stage, each walked through the real services and workflow from an accepted
self-evaluation: panel formation (a flagged conflict and an objection), desk review (partly scored, one
divergent criterion), site visit, report drafting (visit skipped with an approved justification),
factual-accuracy check (with the institution's comments), decision pending (final report), decided (conditional,
waiting for publication), published (positive, in the public register) and a negative decision under an
admissible appeal (with two complaints about process conduct, one answered), a conditional decision in
follow-up (one condition reported and verified met, one overdue without a report) and one upgraded to positive by a
linked decision after its conditions were met; one decided by the council at a meeting (three members, one
recused, two votes for) and one whose conditions were not met, decided again negatively (its micro-credential is no
longer quality-assured). The case in
panel formation also has a proposed expert who has not declared yet (intl@example.org)."""
from sqlalchemy import select

from qa_portal.decisions.services import complaints
from qa_portal.demo import appeals, decisions, desk_review, follow_up, meetings, panel_formation, panel_report
from qa_portal.demo.accounts import demo_user
from qa_portal.demo.reviews import complete_ser, institution, new_case
from qa_portal.extensions import db
from qa_portal.core.errors import DomainError
from qa_portal.reviews.services import panel, panel_rules
from qa_portal.reviews.models import PanelMember, PanelRole
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from qa_portal.standards.models import StandardVersion, VersionStatus

# (institution, the last stage the case reaches) in the order the cases are opened.
STAGES = [
    ("HEI-A", "panel_formation"),
    ("HEI-B", "desk_review"),
    ("HEI-B", "site_visit"),
    ("HEI-A", "report_drafting"),
    ("HEI-A", "factual_accuracy"),
    ("HEI-B", "decision_pending"),
    ("HEI-A", "decided"),  # conditional, waiting in the officers' publication list
    ("HEI-B", "published"),  # positive, in the public register
    ("HEI-A", "appealed"),  # negative, published, under an admissible appeal awaiting the appeals body
    ("HEI-B", "follow_up"),  # conditional, published, one condition met and one overdue (not reported)
    ("HEI-A", "upgraded"),  # conditional, conditions met, upgraded by a new positive decision linked to it
    ("HEI-B", "council_meeting"),  # decided by the council at a meeting of three, one recused, two votes for
    ("HEI-A", "redecided_negative"),  # conditional, conditions not met, negative re-decision: status changes
]


def _accepted_case(short_name: str, version: StandardVersion, officer):
    """A case whose complete self-evaluation was submitted and accepted: it waits in panel formation."""
    hei = institution(short_name)
    hei_user = demo_user("hei-a@example.org" if short_name == "HEI-A" else "hei-b@example.org")
    case = new_case(hei, version)
    case.coordinator_id = officer.id
    complete_ser(hei_user, case)
    CASE_WORKFLOW.apply(case, CaseAction.SUBMIT_SER, hei_user, comment="Submitted for the panel.")
    CASE_WORKFLOW.apply(case, CaseAction.ACCEPT_SER, officer, comment="Complete and backed by evidence.")
    return case, hei_user


def _employer_refused_as_student(case, officer) -> None:
    """The officer tried employer@ in the student seat: the seat rules refused it, and the refusal is audited on the
    case (issue 15); the institution's objection window on this panel is still running."""
    employer = demo_user("employer@example.org")
    try:
        panel.propose_member(officer, case, employer, PanelRole.STUDENT)
    except DomainError as refused:
        panel_rules.record_refused_proposal(officer, case, employer, PanelRole.STUDENT.value, refused.message)


def _walk(case, last_stage: str, officer, hei_user) -> None:
    """Take the case through the panel stages up to last_stage, as the people involved would."""
    if last_stage == "panel_formation":
        panel_formation.form_panel(case, with_conflict_and_objection=True)
        # The international expert is proposed too and has not declared yet: their My work asks them to.
        panel.propose_member(officer, case, demo_user("intl@example.org"), PanelRole.INTERNATIONAL)
        _employer_refused_as_student(case, officer)
        return
    members = panel_formation.form_panel(case)
    chair = members[PanelRole.CHAIR]
    CASE_WORKFLOW.apply(case, CaseAction.START_REVIEW, officer)
    if last_stage == "desk_review":
        desk_review.score(case, members, submit_all=False, divergent_criterion=True)
        return
    desk_review.score(case, members, divergent_criterion=True)
    desk_review.record_consensus(case, chair)
    if last_stage == "report_drafting":
        desk_review.request_visit_skip(case, chair.user)
        CASE_WORKFLOW.apply(case, CaseAction.SKIP_SITE_VISIT, officer,
                     comment="Approved: the programme is fully online and the panel met the team online twice.")
        return
    desk_review.plan_visit(case, with_notes=last_stage != "site_visit", actor=officer)
    CASE_WORKFLOW.apply(case, CaseAction.START_SITE_VISIT, officer)
    if last_stage == "site_visit":
        return
    CASE_WORKFLOW.apply(case, CaseAction.CLOSE_SITE_VISIT, chair.user)
    panel_report.draft_report(case, chair)
    panel_report.send_report(case, chair)
    panel_report.comment_on_report(case, hei_user)
    if last_stage == "factual_accuracy":
        return
    panel_report.answer_comments(case, chair)
    panel_report.no_further_comments(case, hei_user)
    panel_report.finalise(case, chair)
    if last_stage == "decision_pending":
        return
    if last_stage == "council_meeting":
        meetings.decide_at_meeting(case, officer)
        decisions.publish(case, officer)
        return
    if last_stage == "redecided_negative":
        meetings.review_specification(case, "Cybersecurity essentials for small businesses")
    outcome = {"published": "positive", "appealed": "negative"}.get(last_stage, "positive_with_conditions")
    council = demo_user("council@example.org")
    decisions.decide(case, council, outcome_code=outcome, overdue_condition=last_stage == "follow_up")
    if last_stage == "decided":
        return
    decisions.publish(case, officer)
    if last_stage == "appealed":
        appeals.lodge_and_admit(case, hei_user, officer)
        _complaints(case, hei_user, officer)
    elif last_stage in ("follow_up", "upgraded"):
        CASE_WORKFLOW.apply(case, CaseAction.START_FOLLOW_UP, officer)
        follow_up.report_conditions(case, hei_user)  # only conditions not yet due: the overdue one stays open
        follow_up.verify(case, officer, met=True)
        if last_stage == "upgraded":
            follow_up.upgrade(case, council, officer)
    elif last_stage == "redecided_negative":
        meetings.redecide_negative(case, officer, council)


def _complaints(case, hei_user, officer) -> None:
    """Two complaints about how a process was run: one answered by the agency, one still open."""
    answered = complaints.lodge_complaint(
        hei_user, "Site-visit schedule changed at short notice",
        "The visit agenda was changed two days before the visit, so two employers could not attend.", case.id)
    complaints.answer_complaint(officer, answered, "The change followed a panel member's illness. From now on "
                                "agendas are fixed ten working days ahead and changes need the coordinator's consent.")
    complaints.lodge_complaint(demo_user("student@example.org"), "Travel costs reimbursed late",
                               "My travel costs for a site visit were reimbursed three months after the visit.")


def load() -> bool:
    """Open one case per panel stage (idempotent: nothing happens once any panel seat exists)."""
    officer = demo_user("officer@example.org")
    version = db.session.scalar(select(StandardVersion).where(StandardVersion.status == VersionStatus.APPROVED)
                                .order_by(StandardVersion.id))
    if officer is None or version is None or None in (institution("HEI-A"), institution("HEI-B")):
        return False
    if db.session.scalar(select(PanelMember.id).limit(1)) is not None:
        return False
    for short_name, last_stage in STAGES:
        case, hei_user = _accepted_case(short_name, version, officer)
        _walk(case, last_stage, officer, hei_user)
        db.session.flush()
    return True
