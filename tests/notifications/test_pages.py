"""The pages: the outbox for administrators only (paginated), mail settings, the private calendar feed (revocable),
officers' deadlines, each case's mail log, and My work's deadlines soonest first with the overdue flagged."""
from datetime import timedelta

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.notifications.models import MailPreference, MailStatus
from qa_portal.notifications.services.digest import queue_digests
from qa_portal.notifications.services.outbox import queue_message
from qa_portal.pilots.models import InstitutionMembership
from qa_portal.reviews.models import CaseState
from tests.factories import login, make_institution, make_user
from tests.notifications.helpers import outbox
from tests.reviews.factories import hei_user_for, make_case


def _queue(user, n=1):
    for number in range(n):
        queue_message("ser_accepted", user, link=f"http://localhost/cases/{number}", params={"reference": f"MC-{number}"})
    db.session.commit()


def test_outbox_is_for_administrators_and_paginated(app, client):
    """An admin reads the outbox 50 to a page and each message's text; an officer gets 403."""
    user = make_user(Role.HEI)
    _queue(user, 55)
    login(client, make_user(Role.OFFICER))
    assert client.get("/admin/outbox").status_code == 403
    client.post("/logout")
    login(client, make_user(Role.ADMIN))
    first = client.get("/admin/outbox").get_data(as_text=True)
    assert "MC-54" in first and "MC-0:" not in first and "Page 1 of 2" in first
    assert "MC-0:" in client.get("/admin/outbox?page=2").get_data(as_text=True)
    message = outbox()[0]
    assert "Dear" in client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)


def test_mail_settings_digest_and_opt_out(app, client):
    """A user who chooses the daily digest and turns off pilot calls: call mail is not queued, other mail is held
    and then sent as one digest listing each subject and link."""
    user = make_user(Role.HEI)
    login(client, user)
    response = client.post("/account/mail", data={"delivery": "digest", "opted_out": ["calls"]})
    assert response.status_code == 302
    assert queue_message("call_opened", user, link="http://localhost/open-calls/1", params={"title": "T"}) is None
    _queue(user, 2)
    assert {m.status for m in outbox()} == {MailStatus.HELD}
    assert queue_digests() == 1
    db.session.commit()
    [digest] = outbox("digest")
    assert digest.status == MailStatus.QUEUED and "http://localhost/cases/1" in digest.body_text
    assert queue_digests() == 0


def test_mail_settings_refuse_unknown_categories(app, client):
    """An unknown category is refused at the field (400) and nothing is saved."""
    user = make_user(Role.HEI)
    login(client, user)
    response = client.post("/account/mail", data={"delivery": "immediate", "opted_out": ["account"]})
    assert response.status_code == 400
    assert db.session.get(MailPreference, user.id) is None


def test_account_mail_is_never_held_or_opted_out(app):
    """Set-password links come at once even for a digest reader."""
    user = make_user(Role.HEI)
    db.session.add(MailPreference(user_id=user.id, daily_digest=True, opted_out=["cases"]))
    db.session.commit()
    message = queue_message("set_password", user, link="http://localhost/set-password/x", params={"hours": 72})
    assert message.status == MailStatus.QUEUED


def test_calendar_feed_lists_my_deadlines_and_is_revocable(app, client):
    """The feed answers text/calendar with the user's SER deadline; a new address revokes the old; revoking
    ends it (404)."""
    case = make_case(ser_due_at=utcnow() + timedelta(days=5))
    hei = hei_user_for(case)
    login(client, hei)
    page = client.post("/account/calendar").get_data(as_text=True)
    old_url = page.split('value="http://localhost')[1].split('"')[0]
    feed = client.get(old_url)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    body = feed.get_data(as_text=True)
    assert "BEGIN:VEVENT" in body and case.reference in body and f"/cases/{case.id}/ser" in body
    client.post("/account/calendar")
    assert client.get(old_url).status_code == 404
    client.post("/account/calendar/revoke")
    assert client.get("/calendar/whatever.ics").status_code == 404


def test_officers_see_deadlines_across_cases_overdue_first(app, client):
    """/deadlines lists overdue tasks and those due in 14 days, by coordinator; not later ones; officers only."""
    officer = make_user(Role.OFFICER, full_name="Ani Officer")
    late = make_case(ser_due_at=utcnow() - timedelta(days=2), coordinator_id=officer.id)
    soon = make_case(ser_due_at=utcnow() + timedelta(days=3))
    later = make_case(ser_due_at=utcnow() + timedelta(days=40))
    login(client, officer)
    body = client.get("/deadlines").get_data(as_text=True)
    assert late.reference in body and soon.reference in body and later.reference not in body
    assert "Ani Officer" in body and "No coordinator" in body
    client.post("/logout")
    login(client, make_user(Role.HEI))
    assert client.get("/deadlines").status_code == 403


def test_my_work_lists_deadlines_soonest_first_with_overdue_flagged(app, client):
    """An institution user's My work lists their open tasks by due date, the overdue one flagged."""
    hei = make_user(Role.HEI)
    institution = make_institution()
    db.session.add(InstitutionMembership(user_id=hei.id, institution_id=institution.id))
    db.session.commit()
    later = make_case(institution=institution, ser_due_at=utcnow() + timedelta(days=9))
    overdue = make_case(institution=institution, ser_due_at=utcnow() - timedelta(days=1))
    make_case(ser_due_at=utcnow() + timedelta(days=1))  # another institution's
    login(client, hei)
    body = client.get("/my-work").get_data(as_text=True)
    panel = body.split('id="my-deadlines"')[1].split("</section>")[0]
    assert panel.index(overdue.reference) < panel.index(later.reference)
    assert panel.count("overdue") >= 1 and panel.count("MC-TEST") == 2


def test_case_mail_log_for_officers(app, client):
    """Officers see what was sent about a case, to whom and its state; institution users do not."""
    case = make_case(CaseState.SER_SUBMITTED)
    hei = hei_user_for(case)
    queue_message("ser_accepted", hei, link="http://localhost/", case=case)
    db.session.commit()
    login(client, make_user(Role.OFFICER))
    assert "Mail log" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    body = client.get(f"/cases/{case.id}/mail-log").get_data(as_text=True)
    assert hei.email in body and "queued" in body
    client.post("/logout")
    login(client, hei)
    assert client.get(f"/cases/{case.id}/mail-log").status_code == 403


def test_an_officers_my_work_lists_the_deadlines_of_the_cases_they_coordinate(app, client):
    """The coordinator's My work (and calendar) holds the deadlines of their cases, not of others'."""
    officer = make_user(Role.OFFICER)
    mine = make_case(ser_due_at=utcnow() + timedelta(days=4), coordinator_id=officer.id)
    other = make_case(ser_due_at=utcnow() + timedelta(days=4))
    login(client, officer)
    panel = client.get("/my-work").get_data(as_text=True).split('id="my-deadlines"')[1].split("</section>")[0]
    assert mine.reference in panel and other.reference not in panel
    assert f'href="/cases/{mine.id}"' in panel  # the coordinator watches it: the link is the case page


def test_an_admin_sends_a_failed_message_again_and_filters_the_outbox(app, client):
    """A failed message can be queued again (same Message-ID, attempts from zero, audited); a queued one cannot
    (409); the outbox filters by delivery state."""
    user = make_user(Role.HEI)
    _queue(user, 2)
    failed, queued = outbox()
    failed.status, failed.attempts, failed.last_error = MailStatus.FAILED, 10, "SMTPRecipientsRefused"
    db.session.commit()
    login(client, make_user(Role.ADMIN))
    filtered = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert failed.subject in filtered and f'/admin/outbox/{queued.id}"' not in filtered
    assert client.get("/admin/outbox?status=nonsense").status_code == 200
    assert client.post(f"/admin/outbox/{queued.id}/retry").status_code == 409
    assert client.post(f"/admin/outbox/{failed.id}/retry").status_code == 302
    db.session.expire_all()
    again = outbox()[0]
    assert (again.status, again.attempts, again.message_id) == (MailStatus.QUEUED, 0, failed.message_id)
