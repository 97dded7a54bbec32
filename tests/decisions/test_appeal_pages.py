"""Appeal pages: the institution lodges from its decision page (with a document), officers record admissibility,
the appeals body decides, documents download with a permission check, the register shows the appeal status, and
My work flags overdue appeals for the appeals body."""
import io
from datetime import timedelta

from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.decisions.services.appeals import decide_appeal
from qa_portal.decisions.models import Appeal
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState, MemberStatus, PanelMember, PanelRole
from tests.decisions.appeal_factories import admitted, appealable, appeals_member, lodged
from tests.decisions.factories import statements_for
from tests.factories import login, make_institution, make_user
from tests.reviews.factories import tiny_pdf


def test_institution_lodges_an_appeal_from_the_decision_page(app, client):
    """The decision page offers the appeal with its deadline; the form lodges it with a document (case moves)."""
    case, decision, hei = appealable()
    login(client, hei)
    page = client.get(f"/cases/{case.id}/decision").get_data(as_text=True)
    assert "Lodge an appeal" in page and "may appeal against this decision until" in page
    assert 'href="/my-work"' in page  # the way back, for anyone but the council
    response = client.post(f"/cases/{case.id}/appeal", data={
        "grounds": ["evidence_misread", "process_not_followed"], "statement": "The panel misread our evidence.",
        "documents": [(io.BytesIO(tiny_pdf("Annex")), "annex.pdf")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    appeal = db.session.scalar(select(Appeal))
    assert appeal.grounds == ["evidence_misread", "process_not_followed"] and len(appeal.documents) == 1
    db.session.refresh(case)
    assert case.state == CaseState.APPEAL_LODGED
    page = client.get(f"/cases/{case.id}/decision").get_data(as_text=True)
    assert "Admissibility is being examined." in page


def test_lodge_form_refuses_missing_grounds_with_409_and_keeps_the_text(app, client):
    """A form without grounds answers 409 with the message, the statement kept, nothing stored."""
    case, _decision, hei = appealable()
    login(client, hei)
    response = client.post(f"/cases/{case.id}/appeal", data={"statement": "Our words stay."})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Choose at least one ground of appeal." in page and "Our words stay." in page
    assert db.session.scalar(select(Appeal)) is None


def test_only_the_institution_reaches_the_lodge_form(app, client):
    """Another institution's user, an officer and an appeals member get 403 on the lodge form."""
    case, _decision, _hei = appealable()
    for user in (make_user(Role.HEI, institution=make_institution()), make_user(Role.OFFICER), appeals_member()):
        login(client, user)
        assert client.get(f"/cases/{case.id}/appeal").status_code == 403
        client.post("/logout")


def test_officer_records_admissibility_on_the_appeal_page(app, client):
    """The officer's form records admissibility; without a reason it answers 409 with the message."""
    appeal = lodged()
    login(client, make_user(Role.OFFICER))
    assert "Record admissibility" in client.get(f"/appeals/{appeal.id}").get_data(as_text=True)
    response = client.post(f"/appeals/{appeal.id}/admissibility", data={"admissibility": "admissible", "reason": ""})
    assert response.status_code == 409
    assert "Give the reason for the admissibility ruling." in response.get_data(as_text=True)
    response = client.post(f"/appeals/{appeal.id}/admissibility",
                           data={"admissibility": "admissible", "reason": "In time, by the institution."})
    assert response.status_code == 302
    db.session.refresh(appeal)
    assert appeal.admissibility == "admissible"


def test_appeals_body_returns_the_decision_and_the_register_shows_it_under_reconsideration(app, client):
    """An independent appeals member returns the decision on the form; the case goes back to the council and
    the public register says "Under reconsideration"."""
    appeal = admitted()
    login(client, appeals_member())
    assert "Decide the appeal" in client.get(f"/appeals/{appeal.id}").get_data(as_text=True)
    response = client.post(f"/appeals/{appeal.id}/decision", data={
        "outcome": "return_for_reconsideration", "reasons": "The reasons contradict the panel's findings."})
    assert response.status_code == 302
    db.session.refresh(appeal)
    assert appeal.case.state == CaseState.DECISION_PENDING
    client.post("/logout")
    page = client.get(f"/register/{appeal.decision_id}").get_data(as_text=True)
    assert "Under reconsideration" in page


def test_register_shows_an_upheld_appeal_and_one_under_appeal(app, client):
    """The public register shows "Under appeal" while an appeal is open and "Upheld on appeal" once upheld."""
    appeal = admitted()
    assert "Under appeal" in client.get(f"/register/{appeal.decision_id}").get_data(as_text=True)
    decide_appeal(appeals_member(), appeal, "uphold", "The criteria were applied as written.")
    db.session.commit()
    assert "Upheld on appeal" in client.get(f"/register/{appeal.decision_id}").get_data(as_text=True)


def test_a_panel_member_with_the_appeals_role_cannot_decide_on_the_page(app, client):
    """A2 on the page: an appeals member who sat on the panel gets 403 on the appeal and its decision form."""
    appeal = admitted()
    member = appeals_member()
    db.session.add(PanelMember(case_id=appeal.case_id, user_id=member.id, role=PanelRole.ACADEMIC,
                               status=MemberStatus.CLEARED))
    db.session.commit()
    login(client, member)
    assert client.get(f"/appeals/{appeal.id}").status_code == 403
    assert client.post(f"/appeals/{appeal.id}/decision",
                       data={"outcome": "uphold", "reasons": "x"}).status_code == 403
    assert appeal.case.reference not in client.get("/appeals").get_data(as_text=True)


def test_documents_download_for_readers_only(app, client):
    """The institution, officers and the appeals body download the appeal's documents; another HEI gets 403."""
    appeal = lodged(documents=1)
    document = appeal.documents[0]
    url = f"/appeals/{appeal.id}/documents/{document.id}"
    login(client, make_user(Role.OFFICER))
    response = client.get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    client.post("/logout")
    login(client, make_user(Role.HEI, institution=make_institution()))
    assert client.get(url).status_code == 403
    assert client.get(f"/appeals/{appeal.id}").status_code == 403


def test_appeal_list_for_officers_and_appeals_body_in_constant_queries(app, client):
    """Officers see every appeal, the appeals body the admissible ones; an HEI user gets 403; the list's query
    count does not grow with the number of appeals."""
    first = admitted()
    login(client, make_user(Role.OFFICER))
    one = statements_for(client, "/appeals")
    lodged()
    lodged()
    assert statements_for(client, "/appeals") == one
    client.post("/logout")
    login(client, appeals_member())
    page = client.get("/appeals").get_data(as_text=True)
    assert first.case.reference in page
    client.post("/logout")
    login(client, make_user(Role.HEI, institution=first.case.institution))
    assert client.get("/appeals").status_code == 403


def test_my_work_flags_overdue_appeals_for_the_appeals_body(app, client):
    """A3 on My work: the appeals body sees admissible appeals awaiting it, overdue ones flagged."""
    appeal = admitted()
    appeal.decision_due_on = appeal.lodged_at.date() - timedelta(days=1)
    db.session.commit()
    login(client, appeals_member())
    page = client.get("/my-work").get_data(as_text=True)
    assert appeal.case.reference in page and "Decide the appeal" in page and "overdue" in page.lower()


def test_appeal_and_complaint_pages_are_accessible(app, client):
    """The lodge form, appeal page (with both forms), list, procedures and complaint pages pass the checks."""
    from tests.core.test_accessibility import assert_accessible

    case, _decision, hei = appealable()
    login(client, hei)
    for url in (f"/cases/{case.id}/appeal", "/complaints/new"):
        assert_accessible(url, client.get(url).get_data(as_text=True))
    client.post("/logout")
    appeal = lodged()
    login(client, make_user(Role.OFFICER, Role.APPEALS))
    for url in (f"/appeals/{appeal.id}", "/appeals", "/complaints", "/appeals-and-complaints"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))
