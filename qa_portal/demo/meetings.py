"""Demo helpers for the council as a body and for a status that changes (issue 15): decide_at_meeting(case, officer)
has the council meet yesterday with the case on its agenda and three members present — Davit declares a conflict and
is recused, Karen proposes a positive outcome, Karen and Lilit vote for it, and Karen records the decision;
redecide_negative(case, officer) takes a published conditional decision through follow-up (its conditions not met)
back to the council, which decides negatively: the micro-credential's public status goes from quality-assured to
not quality-assured. review_specification(case, title) points the case at another published specification.
All go through the real services and workflow; they flush, the demo commits."""
from datetime import timedelta

from sqlalchemy import select

from qa_portal.core.models import utcnow
from qa_portal.decisions.services.council import declaration_of, declare_interests, record_decision
from qa_portal.decisions.services.follow_up import followed_decision, verify_condition
from qa_portal.decisions.services.meetings import cast_vote, propose_outcome, record_meeting_decision, schedule_meeting
from qa_portal.decisions.services.rules import DecisionInput, add_years, scheme_of
from qa_portal.demo import decisions
from qa_portal.demo.accounts import demo_user
from qa_portal.extensions import db
from qa_portal.pilots.models import OutcomeKind, SpecificationStatus, SpecificationVersion
from qa_portal.reviews.models import CaseAction, CaseSpecification
from qa_portal.reviews.workflow import CASE_WORKFLOW

MEETING_TITLE = "Council meeting — decisions on micro-credential reviews"
CONFLICT = "My spouse teaches on the reviewed micro-credential at the institute."
POSITIVE_REASONS = ("Every standard is met: the learning outcomes, the assessment and the quality of delivery are "
                    "documented and confirmed at the site visit; the panel recommends a positive outcome.")
NEGATIVE_REASONS = ("Neither condition of the conditional decision was met by its due date: the assessment rubric is "
                    "still unpublished and no analysis of learner feedback was made, so the criteria they address "
                    "remain only partially met.")
NOT_MET = "No report was made by the due date and the officer found no evidence of the change."


def review_specification(case, title_en: str) -> None:
    """Have the case review the institution's published specification of that title (instead of its first one)."""
    version = db.session.scalar(select(SpecificationVersion).where(
        SpecificationVersion.title_en == title_en, SpecificationVersion.status == SpecificationStatus.PUBLISHED)
        .order_by(SpecificationVersion.number.desc()))
    if version is not None:
        case.specification_links = [CaseSpecification(specification_version_id=version.id)]
        db.session.flush()


def _declared(case, member, conflict: str = "") -> None:
    if declaration_of(case, member) is None:
        declare_interests(member, case, has_conflict=bool(conflict), recuse=bool(conflict), details=conflict)


def decide_at_meeting(case, officer):
    """A meeting of three with one recusal and two votes for a positive outcome; returns the decision."""
    karen, lilit, davit = (demo_user("council@example.org"), demo_user("council2@example.org"),
                           demo_user("council3@example.org"))
    _declared(case, karen)
    _declared(case, lilit)
    _declared(case, davit, CONFLICT)
    held_on = utcnow().date() - timedelta(days=1)
    meeting = schedule_meeting(officer, held_on, MEETING_TITLE, [case.id], [karen.id, lilit.id, davit.id])
    item = meeting.items[0]
    positive = next(outcome for outcome in scheme_of(case).outcomes if outcome.kind == OutcomeKind.POSITIVE)
    criteria = [criterion for standard in case.standard_version.standards for criterion in standard.criteria]
    propose_outcome(karen, item, DecisionInput(
        outcome_id=positive.id, valid_from=held_on, valid_to=add_years(held_on, positive.max_validity_years),
        reasons=POSITIVE_REASONS, criterion_ids=[criteria[0].id], meeting_date=held_on, hei_heard=True))
    cast_vote(karen, item, "for")
    cast_vote(lilit, item, "for")
    return record_meeting_decision(karen, item)


REDECISION_DEPARTURE = ("The panel recommended a positive outcome with conditions; the institution met none of them "
                        "in the follow-up, so the micro-credential no longer meets the standards the panel judged.")


def redecide_negative(case, officer, council_user):
    """Published conditional decision → follow-up, every condition found not met → the council decides negatively
    (published): the later decision supersedes the conditional one."""
    CASE_WORKFLOW.apply(case, CaseAction.START_FOLLOW_UP, officer)
    for condition in followed_decision(case).conditions:
        verify_condition(officer, case, condition, False, NOT_MET)
    CASE_WORKFLOW.apply(case, CaseAction.REQUIRE_REDECISION, officer,
                        comment="Neither condition was met: the council must decide again.")
    negative = next(outcome for outcome in scheme_of(case).outcomes if outcome.kind == OutcomeKind.NEGATIVE)
    criteria = [criterion for standard in case.standard_version.standards for criterion in standard.criteria]
    decision = record_decision(council_user, case, DecisionInput(
        outcome_id=negative.id, valid_from=None, valid_to=None, reasons=NEGATIVE_REASONS,
        criterion_ids=[criteria[0].id], meeting_date=utcnow().date(), hei_heard=True,
        departure_reason=REDECISION_DEPARTURE))
    decisions.publish(case, officer)
    return decision
