"""Panel pages: the officer forms the panel over HTTP, the HEI objects, experts declare on their own page, the case
card summarises; refusals keep the user's text with 409; constant queries; My work; the demo helper."""
from datetime import date, timedelta

from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.reviews.models import (
    CaseState, ConflictDeclaration, ExpertType, MemberStatus, ObjectionRuling, PanelMember, PanelObjection, PanelRole,
    SelfEvaluation,
)
from tests.factories import login, make_user
from tests.reviews.factories import hei_user_for, make_case
from tests.reviews.panel_factories import cleared_panel, make_expert, seat
from tests.reviews.test_accessibility import assert_accessible
from tests.reviews.test_cases import QueryCounter


def _case(**fields):
    return make_case(CaseState.PANEL_FORMATION, standards=1, criteria=1, **fields)


def _officer(client):
    officer = make_user(Role.OFFICER)
    login(client, officer)
    return officer


def test_officer_proposes_a_member_through_the_page(client):
    """The officer's propose form (expert with type, fields and load) adds a proposed member."""
    case = _case()
    expert = make_expert(ExpertType.STUDENT, fields=("0311",))
    other_case = _case()
    seat(other_case, PanelRole.STUDENT, user=expert.user)  # one panel at work: load 1
    _officer(client)
    page = client.get(f"/cases/{case.id}/panel").get_data(as_text=True)
    assert f"{expert.user.full_name} — Student; fields 0311; languages en, hy; current panels: 1" in page
    response = client.post(f"/cases/{case.id}/panel/members",
                           data={"propose-expert": str(expert.user_id), "propose-role": "student"})
    assert response.status_code == 302
    member = db.session.scalar(select(PanelMember).where(PanelMember.case_id == case.id))
    assert (member.user_id, member.role, member.status) == (expert.user_id, PanelRole.STUDENT, MemberStatus.PROPOSED)


def test_proposing_the_coordinator_answers_409_on_the_page(client):
    """The page refuses the coordinator with 409 and the message next to the expert field."""
    coordinator = make_user(Role.OFFICER, Role.EXPERT, full_name="Cora Coordinator")
    make_expert(user=coordinator)
    case = _case(coordinator_id=coordinator.id)
    login(client, coordinator)
    response = client.post(f"/cases/{case.id}/panel/members",
                           data={"propose-expert": str(coordinator.id), "propose-role": "chair"})
    assert response.status_code == 409
    assert "Cora Coordinator coordinates this case and cannot sit on its panel." in response.get_data(as_text=True)
    assert db.session.scalar(select(PanelMember.id)) is None


def test_page_shows_detected_conflict_and_composition(client):
    """The officer's page shows the detected conflict, the broken rules and the warnings."""
    case = _case()
    expert = make_expert(affiliations=[(case.institution, "Dean of studies", date(2015, 1, 1), None)])
    flagged = make_expert(affiliations=[(case.institution, "Lecturer", date(2015, 1, 1), None)])
    _officer(client)
    client.post(f"/cases/{case.id}/panel/members", data={"propose-expert": str(expert.user_id),
                                                         "propose-role": "academic"})
    page = client.get(f"/cases/{case.id}/panel").get_data(as_text=True)
    assert "Dean of studies" in page and "conflicted" in page
    member = db.session.scalar(select(PanelMember).where(PanelMember.user_id == expert.user_id))
    # Issue 16 item 6: before the expert declares, the page says whose turn it is and offers no ruling yet.
    assert "conflict found — waiting for the expert’s declaration" in page
    assert f"conflict-{member.id}-ruling" not in page
    assert "The panel has no chair." in page and "The panel has no employer member." in page
    assert f"{flagged.user.full_name} — Academic" in page and "likely conflict" in page


def test_officer_rules_a_conflict_mitigated_and_the_reason_is_required(client):
    """A ruling without reasons is re-rendered with 400; with reasons the member is cleared."""
    case = _case()
    member = seat(case, status=MemberStatus.CONFLICTED, detected_conflict="Current affiliation.")
    member.declaration = ConflictDeclaration(declares_none=True, signed_name=member.user.full_name)
    db.session.commit()
    _officer(client)
    url = f"/cases/{case.id}/panel/members/{member.id}/conflict"
    refused = client.post(url, data={f"conflict-{member.id}-ruling": "mitigated"})
    assert refused.status_code == 400
    done = client.post(url, data={f"conflict-{member.id}-ruling": "mitigated",
                                  f"conflict-{member.id}-reason": "Different faculty."})
    assert done.status_code == 302
    db.session.refresh(member)
    assert member.status == MemberStatus.CLEARED


def test_hei_sees_the_panel_and_objects(client):
    """The institution sees the proposed panel (no declarations) and objects with reasons; the officer upholds."""
    case = _case()
    member = seat(case, PanelRole.EMPLOYER, status=MemberStatus.PROPOSED)
    hei = hei_user_for(case)
    login(client, hei)
    page = client.get(f"/cases/{case.id}/panel").get_data(as_text=True)
    assert member.user.full_name in page and "Object to this member" in page and "Propose a member" not in page
    refused = client.post(f"/cases/{case.id}/panel/members/{member.id}/objections",
                          data={f"object-{member.id}-reasons": ""})
    assert refused.status_code == 400
    sent = client.post(f"/cases/{case.id}/panel/members/{member.id}/objections",
                       data={f"object-{member.id}-reasons": "He chairs our advisory board."})
    assert sent.status_code == 302
    objection = db.session.scalar(select(PanelObjection))
    officer_client = client.application.test_client()
    login(officer_client, make_user(Role.OFFICER))
    assert "He chairs our advisory board." in officer_client.get(f"/cases/{case.id}/panel").get_data(as_text=True)
    ruled = officer_client.post(f"/cases/{case.id}/panel/objections/{objection.id}",
                                data={f"objection-{objection.id}-ruling": "upheld",
                                      f"objection-{objection.id}-reason": "A real dependency."})
    assert ruled.status_code == 302
    db.session.refresh(objection)
    db.session.refresh(member)
    assert objection.ruling == ObjectionRuling.UPHELD and member.status == MemberStatus.REMOVED


def test_other_institution_and_experts_cannot_object(client):
    """Only the case's own institution may object (403 for another HEI and for an expert)."""
    case = _case()
    member = seat(case)
    for user in (make_user(Role.HEI, institution=_case().institution), make_user(Role.EXPERT)):
        other = client.application.test_client()
        login(other, user)
        response = other.post(f"/cases/{case.id}/panel/members/{member.id}/objections",
                              data={f"object-{member.id}-reasons": "No."})
        assert response.status_code == 403
    assert db.session.scalar(select(PanelObjection.id)) is None


def test_objection_after_panel_formation_answers_409_with_the_reason(client):
    """Once the review started, an objection is refused with 409 and the page says why."""
    case = _case()
    member = seat(case)
    case.state = CaseState.DESK_REVIEW
    db.session.commit()
    login(client, hei_user_for(case))
    response = client.post(f"/cases/{case.id}/panel/members/{member.id}/objections",
                           data={f"object-{member.id}-reasons": "My carefully typed reasons."})
    assert response.status_code == 409
    assert "panel formation" in response.get_data(as_text=True)


def test_expert_declares_on_their_own_page_without_case_documents(client):
    """The proposed expert's declaration page shows the case reference, institution and role, not the SER;
    declaring none clears them and opens the case."""
    case = _case()
    db.session.add(SelfEvaluation(case_id=case.id, summary="SECRET SER SUMMARY"))
    member = seat(case, PanelRole.STUDENT, status=MemberStatus.PROPOSED)
    login(client, member.user)
    assert client.get(f"/cases/{case.id}").status_code == 403
    page = client.get(f"/panel-seats/{member.id}/declaration")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert case.reference in text and case.institution.name_en in text and "Student" in text
    assert "SECRET SER SUMMARY" not in text
    assert_accessible(f"/panel-seats/{member.id}/declaration", text)
    wrong = client.post(f"/panel-seats/{member.id}/declaration",
                        data={"declaration": "none", "signed_name": "Somebody Else"})
    assert wrong.status_code == 409 and "Somebody Else" in wrong.get_data(as_text=True)
    signed = client.post(f"/panel-seats/{member.id}/declaration",
                         data={"declaration": "none", "signed_name": member.user.full_name})
    assert signed.status_code == 302
    db.session.refresh(member)
    assert member.status == MemberStatus.CLEARED
    assert client.get(f"/cases/{case.id}").status_code == 200


def test_declaring_an_interest_through_the_page(client):
    """Typed interests with details make the member conflicted; the officer's page lists them."""
    case = _case()
    member = seat(case, status=MemberStatus.PROPOSED)
    login(client, member.user)
    response = client.post(f"/panel-seats/{member.id}/declaration", data={
        "declaration": "interests", "items-0-kind": "consultancy", "items-0-details": "Advised their rector.",
        "items-1-kind": "", "items-1-details": "", "signed_name": member.user.full_name})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.status == MemberStatus.CONFLICTED
    officer_client = client.application.test_client()
    login(officer_client, make_user(Role.OFFICER))
    assert "Consultancy: Advised their rector." in officer_client.get(f"/cases/{case.id}/panel").get_data(
        as_text=True)


def test_declaration_page_is_the_experts_own(client):
    """Another expert, the institution and a removed member are refused the declaration page."""
    case = _case()
    member = seat(case, status=MemberStatus.PROPOSED)
    removed = seat(case, PanelRole.EMPLOYER, status=MemberStatus.REMOVED, removal_reason="Gone.")
    for user, target in ((make_user(Role.EXPERT), member), (hei_user_for(case), member), (removed.user, removed)):
        other = client.application.test_client()
        login(other, user)
        assert other.get(f"/panel-seats/{target.id}/declaration").status_code == 403


def test_cleared_member_sees_the_panel_list_only(client):
    """A cleared member sees who sits on the panel, without forms, declarations or objections."""
    case = _case()
    members = cleared_panel(case)
    login(client, members[PanelRole.STUDENT].user)
    text = client.get(f"/cases/{case.id}/panel").get_data(as_text=True)
    assert members[PanelRole.CHAIR].user.full_name in text
    assert "Propose a member" not in text and "Remove from the panel" not in text and "Object to" not in text
    assert "Declaration signed" not in text and "Composition" not in text


def test_case_card_summarises_the_panel(client):
    """The case page's panel card shows the members, what blocks the review (officers) and links the panel."""
    case = _case()
    seat(case, PanelRole.CHAIR)
    _officer(client)
    text = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Expert panel" in text and f"/cases/{case.id}/panel" in text
    assert "The panel has no student member." in text


def test_panel_page_keeps_a_constant_number_of_queries(client):
    """The officer's panel page and the case page run as many statements with 3 members as with 6."""
    case = _case()
    cleared_panel(case)
    make_expert()  # one candidate for the propose form
    _officer(client)
    urls = [f"/cases/{case.id}/panel", f"/cases/{case.id}"]

    def counts():
        result = []
        for url in urls:
            with QueryCounter() as counter:
                assert client.get(url).status_code == 200
            result.append(counter.count)
        return result

    small = counts()
    hei = hei_user_for(case)
    for role in (PanelRole.EMPLOYER, PanelRole.INTERNATIONAL, PanelRole.SECRETARY):
        member = seat(case, role, status=MemberStatus.PROPOSED)
        db.session.add(PanelObjection(member_id=member.id, raised_by_id=hei.id, reasons="Why?"))
        make_expert()
    db.session.commit()
    assert counts() == small


def test_panel_pages_are_accessible(client):
    """The officer's panel page (with ruling forms) and the HEI's pass the accessibility checks."""
    case = _case()
    seat(case, PanelRole.CHAIR, status=MemberStatus.CONFLICTED, detected_conflict="Current affiliation.")
    member = seat(case, PanelRole.STUDENT)
    hei = hei_user_for(case)
    db.session.add(PanelObjection(member_id=member.id, raised_by_id=hei.id, reasons="Why?"))
    db.session.commit()
    make_expert()
    _officer(client)
    assert_accessible("panel", client.get(f"/cases/{case.id}/panel").get_data(as_text=True))
    other = client.application.test_client()
    login(other, hei)
    assert_accessible("panel (HEI)", other.get(f"/cases/{case.id}/panel").get_data(as_text=True))


# --- My work ---------------------------------------------------------------------------------------------------

def test_my_work_lists_what_waits_on_the_expert(client):
    """An expert's My work lists the declaration to sign, the overdue scores, and for the chair the report."""
    to_declare = _case()
    member = seat(to_declare, status=MemberStatus.PROPOSED)
    expert = member.user
    scoring = make_case(CaseState.DESK_REVIEW, standards=1, criteria=1)
    seat(scoring, user=expert, scoring_due_at=utcnow() - timedelta(days=1))
    drafting = make_case(CaseState.REPORT_DRAFTING, standards=1, criteria=1)
    seat(drafting, PanelRole.CHAIR, user=expert)
    done = make_case(CaseState.DESK_REVIEW, standards=1, criteria=1)
    seat(done, user=expert, scores_submitted_at=utcnow())
    login(client, expert)
    text = client.get("/my-work").get_data(as_text=True)
    assert "Sign your declaration of interests" in text and f"/panel-seats/{member.id}/declaration" in text
    assert "Judge every criterion and submit your scores." in text and "overdue" in text
    assert "Draft the panel report." in text
    assert done.reference not in text


def test_my_work_runs_a_constant_number_of_queries(client):
    """The expert's My work costs the same with one seat as with four."""
    member = seat(make_case(CaseState.DESK_REVIEW, standards=1, criteria=1), scoring_due_at=utcnow())
    login(client, member.user)

    def count():
        with QueryCounter() as counter:
            assert client.get("/my-work").status_code == 200
        return counter.count

    small = count()
    for state in (CaseState.DESK_REVIEW, CaseState.PANEL_FORMATION, CaseState.REPORT_DRAFTING):
        seat(make_case(state, standards=1, criteria=1), PanelRole.CHAIR, user=member.user)
    assert count() == small


# --- demo helper -----------------------------------------------------------------------------------------------

def _demo_case():
    from qa_portal.demo.accounts import load as load_accounts

    load_accounts()
    case = _case()
    db.session.commit()
    return case


def test_demo_form_panel_clears_a_valid_panel():
    """form_panel proposes chair@, academic@, student@ and employer@ through the services, all cleared."""
    from qa_portal.demo.panel_formation import form_panel
    from qa_portal.reviews.services import panel

    case = _demo_case()
    members = form_panel(case)
    assert set(members) == {PanelRole.CHAIR, PanelRole.ACADEMIC, PanelRole.STUDENT, PanelRole.EMPLOYER}
    assert all(member.status == MemberStatus.CLEARED for member in members.values())
    assert panel.start_review_problems(case) == []
    assert members[PanelRole.CHAIR].user.email == "chair@example.org"


def test_demo_form_panel_with_conflict_and_objection():
    """With the flag, academic@ is conflicted (affiliation ended ~2 years ago) and employer@ has an open
    objection from the institution; the review cannot start."""
    from qa_portal.demo.panel_formation import form_panel
    from qa_portal.reviews.services import panel

    case = _demo_case()
    make_user(Role.HEI, institution=case.institution)
    members = form_panel(case, with_conflict_and_objection=True)
    academic, employer = members[PanelRole.ACADEMIC], members[PanelRole.EMPLOYER]
    assert academic.status == MemberStatus.CONFLICTED and "ended less than" in academic.detected_conflict
    assert [objection.ruling for objection in employer.objections] == [ObjectionRuling.PENDING]
    assert len(panel.start_review_problems(case)) == 2
    assert case.state == CaseState.PANEL_FORMATION


def test_demo_form_panel_without_clearing_leaves_proposals():
    """clear=False proposes the members and leaves the declarations to the experts."""
    from qa_portal.demo.panel_formation import form_panel

    case = _demo_case()
    members = form_panel(case, clear=False)
    assert {member.status for member in members.values()} == {MemberStatus.PROPOSED}
