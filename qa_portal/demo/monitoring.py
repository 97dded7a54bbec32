"""Demo monitoring data: two years of offerings (cohorts) of each published micro-credential — the 2025 ones with
outcomes six months after and their year locked, the 2026 ones still open — and answers to the feedback surveys the
published cases sent, so the dashboard, /pilot, the impact reports and the drafting page's per-standard feedback
have something to show. HEI-A's survey on its latest published case is left unanswered to try. A self-declared
stakeholder's comment on the version in consultation, and the approved version's consensus summary."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from qa_portal.demo.accounts import demo_user
from qa_portal.extensions import db
from qa_portal.monitoring.models import LockedPeriod, Offering, OfferingMode, SurveyInvitation
from qa_portal.monitoring.services.consultation import (
    add_open_comment, confirm_contact, request_confirmation, write_consensus_summary,
)
from qa_portal.monitoring.services.feedback import answer_survey, case_standards
from qa_portal.monitoring.services.offerings import OfferingData, lock_period, record_offering
from qa_portal.pilots.models import MicroCredential, SpecificationStatus, SpecificationVersion
from qa_portal.standards.models import StakeholderType, StandardVersion, VersionStatus

# (start, end, mode, enrolled, completed, ages, genders, employed at enrolment, prior education, satisfaction,
#  respondents, outcomes six months after or None) — each group of bands adds up to enrolled.
COHORTS = [
    (date(2025, 2, 3), date(2025, 5, 30), OfferingMode.BLENDED, 24, 19, (6, 10, 6, 2), (13, 10, 1), 15, (5, 14, 5),
     Decimal("4.3"), 18, (14, 3, 2)),
    (date(2025, 9, 15), date(2025, 12, 19), OfferingMode.ONLINE, 40, 27, (14, 15, 8, 3), (22, 17, 1), 22,
     (12, 21, 7), Decimal("3.9"), 25, None),
    (date(2026, 3, 2), date(2026, 6, 26), OfferingMode.IN_PERSON, 18, 16, (3, 8, 5, 2), (8, 10, 0), 14, (2, 10, 6),
     Decimal("4.6"), 15, None),
]
DEMO_ANSWERS = [(4, 3, "The self-evaluation template was clear; the evidence upload limits were tight."),
                (5, 4, ""), (3, 2, "The site visit agenda reached us late."), (4, 4, ""), (5, 3, "")]


def _data(cohort, scale: float) -> OfferingData:
    """A cohort scaled for one micro-credential (every band scaled, the first one absorbing the rounding)."""
    (starts, ends, mode, enrolled, completed, ages, genders, employed, prior, mean, respondents, outcomes) = cohort

    def bands(values):
        scaled = [round(value * scale) for value in values]
        scaled[0] += round(enrolled * scale) - sum(scaled)
        return scaled

    total = round(enrolled * scale)
    done = min(round(completed * scale), total)
    after = [min(round(value * scale), done) for value in outcomes] if outcomes else [None, None, None]
    return OfferingData(starts, ends, mode, total, done, *bands(ages), *bands(genders),
                        min(round(employed * scale), total), *bands(prior), mean,
                        min(round(respondents * scale), total), *after)


def _offerings(officer) -> None:
    credentials = db.session.scalars(
        select(MicroCredential).join(SpecificationVersion).where(
            SpecificationVersion.status == SpecificationStatus.PUBLISHED).distinct().order_by(MicroCredential.id))
    for position, credential in enumerate(credentials):
        for cohort in COHORTS:
            record_offering(officer, credential, _data(cohort, 1 - 0.2 * position))
    lock_period(officer, 2025)


def _answers() -> None:
    hei_a = demo_user("hei-a@example.org")
    invitations = db.session.scalars(select(SurveyInvitation).where(SurveyInvitation.answered_at.is_(None))
                                     .order_by(SurveyInvitation.id)).all()
    keep = max((i.id for i in invitations if hei_a is not None and i.user_id == hei_a.id), default=None)
    for index, invitation in enumerate(invitations):
        if invitation.id == keep:
            continue
        clarity, workload, comments = DEMO_ANSWERS[index % len(DEMO_ANSWERS)]
        ratings = {standard.id: 3 + (standard.position + index) % 3 for standard in case_standards(invitation.case)}
        answer_survey(invitation.user, invitation, clarity, workload, comments, ratings)


def _consultation(officer) -> None:
    """A confirmed employers' union comments on the version in consultation; the approved version that went through
    consultation gets its consensus summary."""
    in_consultation = db.session.scalar(select(StandardVersion).where(
        StandardVersion.status == VersionStatus.CONSULTATION).order_by(StandardVersion.id).limit(1))
    if in_consultation is not None:
        contact, token = request_confirmation("consult@employers.example.am", "Union of Employers of Armenia",
                                              StakeholderType.EMPLOYER)
        confirm_contact(token)
        standard = in_consultation.standards[0] if in_consultation.standards else None
        add_open_comment(contact, in_consultation, standard.id if standard else None,
                         "Ask for an employer on every panel, not only where the field is regulated.")
    approved = db.session.scalar(select(StandardVersion).where(
        StandardVersion.status == VersionStatus.APPROVED, StandardVersion.consultation_opened_at.is_not(None))
        .order_by(StandardVersion.id).limit(1))
    if approved is not None:
        write_consensus_summary(officer, approved, CONSENSUS)


CONSENSUS = ("Taken up: the learners' workload is now stated in ECTS and hours (comments of two universities and the "
             "students' union); assessment must name how identity is checked (employers).\n"
             "Not taken up: a separate standard for stackability — the Council Recommendation treats it as an element "
             "of the description, which standard 1 already asks for.")


def load() -> bool:
    """Offerings, survey answers and the open consultation's input, once (nothing happens once any offering
    exists)."""
    officer = demo_user("officer@example.org")
    if officer is None or db.session.scalar(select(Offering.id).limit(1)) is not None:
        return False
    if db.session.scalar(select(LockedPeriod.id).limit(1)) is None:
        _offerings(officer)
    _answers()
    _consultation(officer)
    return True
