"""Complaints (domain.md §5.3 A4): any signed-in user complains about the conduct of a process (not an outcome),
optionally naming a case they can see; an officer records the answer. Tracked apart from appeals, every step
audited."""
from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import ActionForbidden
from qa_portal.decisions.models import Complaint, ComplaintAction, ComplaintStatus
from qa_portal.decisions.workflow import COMPLAINT_WORKFLOW
from qa_portal.extensions import db
from qa_portal.pilots.permissions import is_officer
from qa_portal.reviews.models import Case
from qa_portal.reviews.permissions import visible_cases

__all__ = ["complainable_cases", "lodge_complaint", "answer_complaint", "complaints_of"]


def complainable_cases(user) -> list[Case]:
    """The cases the user can see, which a complaint may name."""
    return list(db.session.scalars(visible_cases(user).order_by(Case.reference)).unique())


def lodge_complaint(actor, subject: str, text: str, case_id: int | None = None) -> Complaint:
    """A4: record a complaint about the conduct of a process, optionally about a case the user can see."""
    if not actor.is_authenticated:
        raise ActionForbidden(_("Sign in to lodge a complaint."))
    subject, text = (subject or "").strip(), (text or "").strip()
    if not subject:
        raise DomainError(_("Give the complaint a subject."), field="subject")
    if not text:
        raise DomainError(_("Describe what happened in the process you complain about."), field="text")
    if case_id and case_id not in set(db.session.scalars(visible_cases(actor).with_only_columns(Case.id))):
        raise DomainError(_("Choose one of the cases listed, or none."), field="case_id")
    complaint = Complaint(lodged_by_id=actor.id, lodged_at=utcnow(), case_id=case_id or None, subject=subject,
                          text=text)
    db.session.add(complaint)
    db.session.flush()
    record(actor, "complaint.lodge", complaint, f"complaint {complaint.id}: {subject}", {"case": case_id or None})
    return complaint


def answer_complaint(actor, complaint: Complaint, answer: str) -> Complaint:
    """A4: an officer records the answer to an open complaint, which closes it as answered (the complaint's
    workflow; audited)."""
    if not is_officer(actor):
        raise ActionForbidden(_("Only officers answer complaints."))
    if complaint.status == ComplaintStatus.ANSWERED:
        raise DomainError(_("This complaint has already been answered."))
    if not (answer or "").strip():
        raise DomainError(_("Write the answer to the complaint."), field="answer")
    COMPLAINT_WORKFLOW.apply(complaint, ComplaintAction.ANSWER, actor, answer)
    return complaint


def complaints_of(user) -> list[Complaint]:
    """The complaints this user lodged, newest first."""
    return list(db.session.scalars(select(Complaint).where(Complaint.lodged_by_id == user.id)
                                   .order_by(Complaint.id.desc())))
