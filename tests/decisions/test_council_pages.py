"""Council pages: the queue, the declaration, and the decision form (who may use them, rule messages on the form)."""
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.decisions.models import CouncilDeclaration, Decision
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState
from tests.decisions.factories import council_member, outcome, pending_case
from tests.factories import login, make_user
from tests.reviews.factories import criteria_of, hei_user_for


def _form(case, **overrides) -> dict:
    data = {"outcome": str(outcome("positive").id), "valid_from": "2026-12-01", "valid_to": "2030-12-01",
            "reasons": "The final report shows every criterion met.", "criteria": [str(criteria_of(case)[0].id)],
            "meeting_date": "2026-11-20", "hei_heard": "yes", "confirmed": "yes"}
    data.update(overrides)
    return data


def test_council_queue_lists_pending_cases_with_the_members_declaration(app, client):
    """Council members see the cases awaiting a decision and whether they declared; HEI users get 403."""
    case = pending_case()
    member = council_member(case)
    login(client, member)
    page = client.get("/decisions").get_data(as_text=True)
    assert case.reference in page and "no conflict" in page
    client.post("/logout")
    login(client, hei_user_for(case))
    assert client.get("/decisions").status_code == 403


def test_declaration_page_records_a_conflict_and_recuses(app, client):
    """A council member declares a conflict on the page: recorded as recused; an officer may not declare (403)."""
    case = pending_case()
    member = council_member(case, declared=False)
    login(client, member)
    assert client.get(f"/cases/{case.id}/decision/declaration").status_code == 200
    response = client.post(f"/cases/{case.id}/decision/declaration",
                           data={"has_conflict": "y", "details": "I teach a course there."})
    assert response.status_code == 302
    declaration = db.session.scalar(select(CouncilDeclaration).where(CouncilDeclaration.user_id == member.id))
    assert declaration.recused and declaration.has_conflict
    client.post("/logout")
    login(client, make_user(Role.OFFICER))
    assert client.get(f"/cases/{case.id}/decision/declaration").status_code == 403


def test_declaration_without_details_for_a_conflict_answers_409(app, client):
    """A conflict without a description is refused on the form with the message (409)."""
    case = pending_case()
    login(client, council_member(case, declared=False))
    response = client.post(f"/cases/{case.id}/decision/declaration", data={"has_conflict": "y", "details": ""})
    assert response.status_code == 409
    assert "Describe the conflict or the reason for stepping aside." in response.get_data(as_text=True)


def test_council_member_records_a_decision_on_the_form(app, client):
    """The form records the decision and the case moves to decided."""
    case = pending_case()
    login(client, council_member(case))
    page = client.get(f"/cases/{case.id}/decision").get_data(as_text=True)
    assert "Record the council’s decision" in page and "The panel finds the micro-credential sound." in page
    response = client.post(f"/cases/{case.id}/decision", data=_form(case, valid_from="2026-11-01",
                                                                     valid_to="2030-11-01"))
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.state == CaseState.DECIDED
    assert db.session.scalar(select(Decision.outcome_id).where(Decision.case_id == case.id)) == outcome("positive").id


def test_decision_form_shows_every_broken_rule_with_409(app, client):
    """A form breaking rules answers 409 with each message, the typed reasons kept, nothing stored."""
    case = pending_case()
    login(client, council_member(case))
    response = client.post(f"/cases/{case.id}/decision", data=_form(
        case, outcome=str(outcome("negative").id), criteria=[], hei_heard="",
        reasons="Assessment does not test the outcomes."))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    for message in ("A negative outcome has no validity period: leave both dates empty.",
                    "Cite at least one criterion the reasons rest on.", "Say whether the institution was heard."):
        assert message in page
    assert "Assessment does not test the outcomes." in page
    assert db.session.scalar(select(Decision.id)) is None


def test_conditions_entered_on_the_form_are_stored(app, client):
    """A conditional outcome's conditions come from the form's condition rows."""
    case = pending_case()
    login(client, council_member(case))
    response = client.post(f"/cases/{case.id}/decision", data=_form(
        case, outcome=str(outcome("positive_with_conditions").id), **{
            "conditions-0-text": "Publish the assessment rules.", "conditions-0-due_on": "2027-06-01"}))
    assert response.status_code == 302
    decision = db.session.scalar(select(Decision).where(Decision.case_id == case.id))
    assert [(condition.text, str(condition.due_on)) for condition in decision.conditions] == [
        ("Publish the assessment rules.", "2027-06-01")]


def test_officer_reads_but_cannot_decide_and_hei_cannot_open_before_the_decision(app, client):
    """Officers read the decision page without a form (posting is 403); the HEI sees it only once decided."""
    case = pending_case()
    login(client, make_user(Role.OFFICER))
    page = client.get(f"/cases/{case.id}/decision").get_data(as_text=True)
    assert "Record the council’s decision" not in page
    assert client.post(f"/cases/{case.id}/decision", data=_form(case)).status_code == 403
    client.post("/logout")
    login(client, hei_user_for(case))
    assert client.get(f"/cases/{case.id}/decision").status_code == 403


def test_recused_member_sees_why_they_cannot_decide(app, client):
    """A recused member sees the reason on the form page, and posting is refused with it (409)."""
    case = pending_case()
    member = council_member(case, declared=False, full_name="Ani Council")
    db.session.add(CouncilDeclaration(case_id=case.id, user_id=member.id, has_conflict=True, recused=True,
                                      details="Former employee."))
    db.session.commit()
    login(client, member)
    assert "Ani Council is recused from this case" in client.get(f"/cases/{case.id}/decision").get_data(as_text=True)
    response = client.post(f"/cases/{case.id}/decision", data=_form(case))
    assert response.status_code == 409
    assert "Ani Council is recused from this case and cannot decide it." in response.get_data(as_text=True)
