"""Who is told what: one test per event — the right people get one message each, in their language, with a link that
answers 200 for them once signed in."""
from datetime import date

from qa_portal.auth.models import Role
from qa_portal.auth.services.accounts import create_user
from qa_portal.decisions.services.appeals import decide_appeal, record_admissibility
from qa_portal.decisions.services.meetings import schedule_meeting
from qa_portal.decisions.services.publication import publish_cases
from qa_portal.extensions import db
from qa_portal.notifications.services.outbox import queue_message
from qa_portal.pilots.models import CallAction, CallStatus
from qa_portal.pilots.workflow import CALL_WORKFLOW
from qa_portal.reviews.models import CaseAction, CaseState, PanelRole
from qa_portal.reviews.services import panel
from qa_portal.reviews.workflow import CASE_WORKFLOW
from qa_portal.standards.models import VersionAction, VersionStatus
from qa_portal.standards.workflow import VERSION_WORKFLOW
from tests.decisions.appeal_factories import appeals_member, lodged
from tests.decisions.factories import council_member, decided_case, pending_case
from tests.factories import login, make_user
from tests.notifications.helpers import link_in, outbox, path_of
from tests.pilots.calls_factories import make_call
from tests.reviews.factories import complete_ser, hei_user_for, make_case
from tests.reviews.panel_factories import cleared_panel, make_expert, seat
from tests.standards.factories import make_version
from qa_portal.reviews.services.report import report_of
from tests.reviews.test_report import add_evidence, drafting_case
from tests.reviews.walk_setups import drafted_report


def _recipients(kind: str) -> list[str]:
    return sorted(message.to_address for message in outbox(kind))


def _opens_for(client, user, message) -> None:
    """The message's link answers 200 for its recipient once signed in."""
    login(client, user)
    response = client.get(path_of(link_in(message)))
    assert response.status_code == 200, (link_in(message), response.status_code)


def test_expert_proposed_gets_one_message_with_the_declaration_link(app, client):
    """An officer proposes an expert: the expert (and nobody else) gets one message linking to their declaration."""
    officer = make_user(Role.OFFICER)
    case = make_case(CaseState.PANEL_FORMATION, coordinator_id=officer.id)
    expert = make_expert().user
    member = panel.propose_member(officer, case, expert, PanelRole.ACADEMIC)
    db.session.commit()
    [message] = outbox("expert_proposed")
    assert message.to_address == expert.email and message.case_id == case.id
    assert link_in(message) == f"http://localhost/panel-seats/{member.id}/declaration"
    assert case.reference in message.subject and "declaration" in message.body_text
    _opens_for(client, expert, message)


def test_expert_proposed_message_is_in_armenian_for_an_armenian_account(app):
    """The message is rendered in the recipient's language (hy), subject and body."""
    officer = make_user(Role.OFFICER)
    case = make_case(CaseState.PANEL_FORMATION, coordinator_id=officer.id)
    expert = make_expert().user
    expert.locale = "hy"
    db.session.commit()
    panel.propose_member(officer, case, expert, PanelRole.ACADEMIC)
    [message] = outbox("expert_proposed")
    assert message.locale == "hy"
    assert "փորձագիտական" in message.subject and "Հարգելի" in message.body_text
    assert 'lang="hy"' in message.body_html


def test_desk_review_started_tells_each_member_their_scoring_deadline(app, client):
    """Starting the desk review tells every cleared member once, with their scoring deadline and the scoring link;
    the institution hears the panel is confirmed."""
    officer = make_user(Role.OFFICER)
    case = make_case(CaseState.PANEL_FORMATION, coordinator_id=officer.id)
    members = cleared_panel(case)
    hei = hei_user_for(case)
    CASE_WORKFLOW.apply(case, CaseAction.START_REVIEW, officer)
    db.session.commit()
    assert _recipients("scoring_started") == sorted(member.user.email for member in members.values())
    message = outbox("scoring_started")[0]
    due = members[PanelRole.CHAIR].scoring_due_at.strftime("%Y-%m-%d")
    assert due in message.subject and due in message.body_text
    assert _recipients("panel_confirmed") == [hei.email]
    chair_message = next(m for m in outbox("scoring_started") if m.to_address == members[PanelRole.CHAIR].user.email)
    _opens_for(client, members[PanelRole.CHAIR].user, chair_message)


def test_draft_report_sent_tells_the_institution_the_window_end(app, client):
    """Sending the draft for the factual-accuracy check tells the institution's users, with the window's end."""
    case, members = drafting_case()
    hei = hei_user_for(case)
    drafted_report(case)
    add_evidence(case)
    CASE_WORKFLOW.apply(case, CaseAction.SEND_FOR_FACTUAL_CHECK, members[PanelRole.CHAIR].user)
    db.session.commit()
    [message] = outbox("factual_check")
    assert message.to_address == hei.email
    assert report_of(case).factual_check_due_at.strftime("%Y-%m-%d %H:%M") in message.body_text
    _opens_for(client, hei, message)


def test_decision_published_tells_the_institution_and_the_panel(app, client):
    """Publishing tells the institution's users and the panel members once each, linking to the register entry."""
    officer = make_user(Role.OFFICER)
    case, decision = decided_case()
    hei = hei_user_for(case)
    member = seat(case, PanelRole.CHAIR)
    publish_cases(officer, [case.id])
    db.session.commit()
    assert _recipients("decision_published") == sorted([hei.email, member.user.email])
    message = next(m for m in outbox("decision_published") if m.to_address == hei.email)
    assert link_in(message) == f"http://localhost/register/{decision.id}"
    _opens_for(client, hei, message)


def test_ser_returned_and_accepted_tell_the_institution(app, client):
    """Submitting the SER tells the coordinator; returning it (with reasons) and accepting it each tell the
    institution's users once; the reasons stay on the case page, not in the mail."""
    officer = make_user(Role.OFFICER)
    case = make_case(standards=1, criteria=1, coordinator_id=officer.id)
    complete_ser(case)
    hei = hei_user_for(case)
    CASE_WORKFLOW.apply(case, CaseAction.SUBMIT_SER, hei)
    db.session.commit()
    assert _recipients("ser_submitted") == [officer.email]
    CASE_WORKFLOW.apply(case, CaseAction.RETURN_SER, officer, "Confidential: section 3 lacks evidence.")
    db.session.commit()
    [returned] = outbox("ser_returned")
    assert returned.to_address == hei.email and "Confidential" not in returned.body_text
    _opens_for(client, hei, returned)
    CASE_WORKFLOW.apply(case, CaseAction.SUBMIT_SER, hei)
    CASE_WORKFLOW.apply(case, CaseAction.ACCEPT_SER, officer)
    db.session.commit()
    assert _recipients("ser_accepted") == [hei.email]


def test_appeal_lodged_tells_the_coordinator_and_the_appeals_body_and_decided_tells_the_institution(app, client):
    """A lodged appeal reaches the officers (no coordinator set) and the appeals body; its decision reaches the
    institution."""
    body = appeals_member()
    appeal = lodged()
    officers = [m.to_address for m in outbox("appeal_lodged")]
    assert body.email in officers and len(officers) == len(set(officers))
    officer = make_user(Role.OFFICER)
    record_admissibility(officer, appeal, "admissible", "In time, by the institution.")
    decide_appeal(body, appeal, "uphold", "The criteria were applied correctly.")
    db.session.commit()
    hei_emails = [m.to_address for m in outbox("appeal_decided")]
    assert len(hei_emails) == 1 and hei_emails[0] == appeal.lodged_by.email


def test_call_opened_tells_the_quality_units_of_registered_institutions(app, client):
    """Opening a call tells every institution user once, with the public call page."""
    case = make_case()
    hei = hei_user_for(case)
    make_user(Role.EXPERT)  # not an institution user: not told
    call = make_call(CallStatus.DRAFT)
    CALL_WORKFLOW.apply(call, CallAction.OPEN, None, system=True)
    db.session.commit()
    [message] = outbox("call_opened")
    assert message.to_address == hei.email and call.title in message.subject
    assert client.get(path_of(link_in(message))).status_code == 200


def test_new_account_gets_its_set_password_link_by_mail(app, client):
    """Creating an account mails the user the same set-password link the admin sees; the link opens the form."""
    admin = make_user(Role.ADMIN)
    user, token = create_user(admin, "new.person@example.org", "New Person", {Role.HEI})
    db.session.commit()
    [message] = outbox("set_password")
    assert message.to_address == "new.person@example.org" and token in link_in(message)
    assert client.get(path_of(link_in(message))).status_code == 200


def test_conflict_declared_tells_the_coordinator_and_the_ruling_tells_the_member(app):
    """A declared interest reaches the coordinating officer; the officer's ruling reaches the member."""
    officer = make_user(Role.OFFICER)
    case = make_case(CaseState.PANEL_FORMATION, coordinator_id=officer.id)
    expert = make_expert().user
    member = panel.propose_member(officer, case, expert, PanelRole.ACADEMIC)
    panel.declare_interests(expert, member, False, [("consultancy", "Advised them in 2025.")], expert.full_name)
    db.session.commit()
    assert _recipients("conflict_flagged") == [officer.email]
    panel.rule_on_conflict(officer, member, "mitigated", "Ended, small, declared.")
    db.session.commit()
    assert _recipients("conflict_ruled") == [expert.email]


def test_nobody_inactive_is_told(app):
    """An inactive account gets nothing."""
    officer = make_user(Role.OFFICER)
    case = make_case(CaseState.PANEL_FORMATION, coordinator_id=officer.id)
    expert = make_expert().user
    panel.propose_member(officer, case, expert, PanelRole.ACADEMIC)
    expert.active = False
    db.session.commit()
    assert len(outbox("expert_proposed")) == 1  # queued while active
    assert queue_message("expert_proposed", expert, link="http://localhost/") is None


def test_consultation_opened_invites_institutions_and_experts(app, client):
    """Opening a consultation on draft standards tells institution users and experts once each."""
    case = make_case()
    hei = hei_user_for(case)
    expert = make_expert().user
    version = make_version(VersionStatus.DRAFT, standards=1, criteria=1)
    VERSION_WORKFLOW.apply(version, VersionAction.OPEN_CONSULTATION, None, system=True)
    db.session.commit()
    assert _recipients("consultation_opened") == sorted([hei.email, expert.email])
    _opens_for(client, hei, outbox("consultation_opened")[0])


def test_objection_raised_tells_the_coordinator_and_the_ruling_tells_the_institution(app):
    """The institution's objection reaches the coordinating officer; the ruling reaches the institution."""
    officer = make_user(Role.OFFICER)
    case = make_case(CaseState.PANEL_FORMATION, coordinator_id=officer.id)
    hei = hei_user_for(case)
    member = panel.propose_member(officer, case, make_expert().user, PanelRole.ACADEMIC)
    objection = panel.raise_objection(hei, member, "Competes with us for students.")
    db.session.commit()
    assert _recipients("objection_raised") == [officer.email]
    panel.rule_on_objection(officer, objection, "rejected", "No conflict shown.")
    db.session.commit()
    assert _recipients("objection_ruled") == [hei.email]


def test_scheduled_meeting_tells_each_member_present_once_with_the_meeting_page(app, client):
    """Scheduling a council meeting tells each member recorded as present (not the absent one), with the date and
    the number of cases on its agenda; the link opens the meeting page for that member."""
    case = pending_case()
    anna, boris = council_member(case, full_name="Anna Council"), council_member(case, full_name="Boris Council")
    absent = council_member(case, full_name="Carine Council")
    schedule_meeting(make_user(Role.OFFICER), date(2027, 1, 14), "January council", [case.id], [anna.id, boris.id])
    db.session.commit()
    messages = outbox("meeting_agenda")
    assert sorted(message.to_address for message in messages) == sorted([anna.email, boris.email])
    assert absent.email not in {message.to_address for message in messages}
    assert "2027-01-14" in messages[0].subject and "1 case(s)" in messages[0].subject
    login(client, anna)
    assert client.get(path_of(link_in(messages[0]))).status_code == 200
