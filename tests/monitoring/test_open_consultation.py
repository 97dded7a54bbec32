"""Consultation open to every stakeholder: a one-time link confirms the address, comments are marked
self-declared and listed apart in the report, and the approved version shows its consensus summary."""
import re
from datetime import timedelta

from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.monitoring.models import OpenComment, StakeholderContact
from qa_portal.monitoring.services.consultation import confirmation_link_requested
from qa_portal.standards.models import VersionStatus
from tests.factories import login, make_user
from tests.standards.factories import make_version

JOIN = {"email": "Ani@Example.AM", "organisation": "Yerevan Employers' Union", "stakeholder_type": "employer"}


def join(client, version):
    """Ask for a link; return the link the delivery hook received."""
    sent = []

    def catch(_sender, email, link):
        sent.append((email, link))
    with confirmation_link_requested.connected_to(catch):
        response = client.post(f"/consultation/{version.id}/join", data=JOIN)
    assert response.status_code == 200 and "Check your e-mail" in response.get_data(as_text=True)
    assert [email for email, _link in sent] == ["ani@example.am"]
    return sent[0][1]


def test_anyone_comments_after_confirming_the_address(client):
    """Join → one-time link → confirmed → the comment is stored for the contact, marked self-declared."""
    version = make_version(VersionStatus.CONSULTATION)
    assert client.get(f"/consultation/{version.id}/comment").status_code == 302  # not confirmed yet
    link = join(client, version)
    path = re.sub(r"^https?://[^/]+", "", link)
    confirmed = client.get(path)
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith(f"/consultation/{version.id}/comment")
    standard = version.standards[0]
    response = client.post(f"/consultation/{version.id}/comment",
                           data={"standard_id": standard.id, "text": "Add employers to every panel."})
    assert response.status_code == 302
    comment = db.session.scalar(select(OpenComment))
    assert (comment.standard_id, comment.contact.organisation, comment.contact.confirmed_at is not None) == (
        standard.id, "Yerevan Employers' Union", True)


def test_link_is_one_time_and_expires(client):
    """A used or expired link is refused (404) and confirms nothing."""
    version = make_version(VersionStatus.CONSULTATION)
    path = re.sub(r"^https?://[^/]+", "", join(client, version))
    assert client.get(path).status_code == 302
    assert client.get(path).status_code == 404
    other = re.sub(r"^https?://[^/]+", "", join(client, version))
    contact = db.session.scalar(select(StakeholderContact))
    contact.token_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(other).status_code == 404
    assert client.get("/consultation/confirm/not-a-token").status_code == 404


def test_join_refuses_a_bad_address_with_the_message_at_the_field(client):
    """An address that is not one is refused at its field, the other fields kept."""
    version = make_version(VersionStatus.CONSULTATION)
    response = client.post(f"/consultation/{version.id}/join", data={**JOIN, "email": "not-an-address"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Enter a valid e-mail address." in page and "Employers" in page


def test_only_versions_in_consultation_take_comments(client):
    """A draft or approved version has no open consultation page (404)."""
    assert client.get(f"/consultation/{make_version(VersionStatus.DRAFT).id}/join").status_code == 404


def test_report_lists_self_declared_input_apart_and_summary_is_public(client, app):
    """The officer's report has the self-declared section; the consensus summary shows on the public page."""
    version = make_version(VersionStatus.CONSULTATION)
    path = re.sub(r"^https?://[^/]+", "", join(client, version))
    client.get(path)
    client.post(f"/consultation/{version.id}/comment", data={"standard_id": "", "text": "Shorter criteria, please."})
    officer_client = app.test_client()
    login(officer_client, make_user(Role.OFFICER))
    report = officer_client.get(f"/manage/standards/versions/{version.id}/consultation-report")
    page = report.get_data(as_text=True)
    assert "Input from self-declared stakeholders (1)" in page and "Shorter criteria, please." in page
    assert "Employer (self-declared)" in page
    assert officer_client.post(f"/monitoring/consultations/{version.id}/summary",
                               data={"text": "Criteria shortened after the employers comments."}).status_code == 302
    version.status, version.approved_at = VersionStatus.APPROVED, utcnow()
    db.session.commit()
    public = client.get(f"/standards/{version.standard_set.code}/v{version.number}").get_data(as_text=True)
    assert "Criteria shortened after the employers comments." in public
