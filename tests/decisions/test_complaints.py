"""Complaints (domain.md §5.3 A4), tracked apart from appeals: any signed-in user lodges one, an officer answers,
the complainant reads the answer; the public page explains both procedures and their deadlines."""
import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.errors import DomainError
from qa_portal.decisions.services.complaints import answer_complaint, lodge_complaint
from qa_portal.decisions.models import Appeal, Complaint
from qa_portal.extensions import db
from qa_portal.core.workflow import ActionForbidden
from tests.factories import login, make_institution, make_user
from tests.reviews.factories import hei_user_for, make_case


def test_a4_any_signed_in_user_lodges_a_complaint_and_reads_the_answer(app, client):
    """A4: an expert lodges a complaint on the page; an officer answers it; the complainant reads the answer; both
    steps are audited and no appeal is created."""
    expert = make_user(Role.EXPERT)
    login(client, expert)
    response = client.post("/complaints/new", data={"subject": "Site visit schedule", "case_id": "0",
                                                    "text": "The schedule changed the night before."})
    assert response.status_code == 302
    complaint = db.session.scalar(select(Complaint))
    assert complaint.status == "open" and complaint.case_id is None
    client.post("/logout")
    login(client, make_user(Role.OFFICER))
    assert "Site visit schedule" in client.get("/complaints").get_data(as_text=True)
    response = client.post(f"/complaints/{complaint.id}", data={"answer": "We apologise; schedules now freeze."})
    assert response.status_code == 302
    client.post("/logout")
    login(client, expert)
    page = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert "We apologise; schedules now freeze." in page
    assert {"complaint.lodge", "complaint.answer"} <= set(db.session.scalars(select(AuditEntry.action)))
    assert db.session.scalar(select(Appeal)) is None


def test_a4_a_complaint_needs_a_subject_and_text(app):
    """A4: a complaint says what it is about and what happened."""
    user = make_user(Role.HEI, institution=make_institution())
    with pytest.raises(DomainError) as caught:
        lodge_complaint(user, "", "Something happened.")
    assert caught.value.message == "Give the complaint a subject."
    with pytest.raises(DomainError) as caught:
        lodge_complaint(user, "Process", " ")
    assert caught.value.message == "Describe what happened in the process you complain about."


def test_a4_a_complaint_names_only_a_case_the_user_can_see(app):
    """A4: the optional case must be one the complainant can see."""
    case = make_case()
    with pytest.raises(DomainError) as caught:
        lodge_complaint(make_user(Role.HEI, institution=make_institution()), "Process", "Text.", case.id)
    assert caught.value.message == "Choose one of the cases listed, or none."
    complaint = lodge_complaint(hei_user_for(case), "Process", "Text.", case.id)
    assert complaint.case_id == case.id


def test_a4_only_officers_answer_and_only_once_with_an_answer(app):
    """A4: officers answer, with a text, once; others are refused."""
    complaint = lodge_complaint(make_user(Role.EXPERT), "Conduct", "The chair was rude.")
    officer = make_user(Role.OFFICER)
    with pytest.raises(ActionForbidden) as caught:
        answer_complaint(make_user(Role.APPEALS), complaint, "No.")
    assert caught.value.message == "Only officers answer complaints."
    with pytest.raises(DomainError) as caught:
        answer_complaint(officer, complaint, "")
    assert caught.value.message == "Write the answer to the complaint."
    answer_complaint(officer, complaint, "We spoke to the chair.")
    with pytest.raises(DomainError) as caught:
        answer_complaint(officer, complaint, "Again.")
    assert caught.value.message == "This complaint has already been answered."


def test_complainants_see_only_their_own_complaints(app, client):
    """A complainant lists and reads only their own complaints; another user's answer page is 403, and posting an
    answer as a non-officer is 403."""
    mine = lodge_complaint(make_user(Role.EXPERT), "Mine", "Text.")
    other_user = make_user(Role.EXPERT)
    theirs = lodge_complaint(other_user, "Theirs", "Text.")
    db.session.commit()
    login(client, other_user)
    page = client.get("/complaints").get_data(as_text=True)
    assert "Theirs" in page and "Mine" not in page
    assert client.get(f"/complaints/{mine.id}").status_code == 403
    assert client.post(f"/complaints/{theirs.id}", data={"answer": "Self-answer"}).status_code == 403


def test_a4_public_page_explains_both_procedures_and_deadlines(app, client):
    """A4: without signing in, the procedures page states the appeal window, the decision time and complaints."""
    page = client.get("/appeals-and-complaints")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "within 30 days of its publication" in text and "within 90 days of its lodging" in text
    assert "Complaints about the conduct of a process" in text


def test_the_lodge_page_needs_sign_in(app, client):
    """Anonymous visitors are sent to sign in before lodging a complaint."""
    assert client.get("/complaints/new").status_code in (302, 401)
