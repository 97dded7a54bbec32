"""Officers' drafting pages, the consultation pages, the report and CSV, and the comparison page."""
import csv
import io

import pytest
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.models import ExpertType
from qa_portal.standards.models import (
    CommentResponse, ConsultationComment, Standard, StandardSet, StandardVersion, VersionStatus,
)
from tests.factories import login, make_user
from tests.reviews.panel_factories import make_expert
from tests.standards.factories import make_comment, make_version


def _officer(client):
    officer = make_user(Role.OFFICER)
    login(client, officer)
    return officer


def _reload(version: StandardVersion) -> StandardVersion:
    db.session.expire_all()
    return db.session.get(StandardVersion, version.id)


STANDARD_FORM = {"code": "S9", "title": "New standard", "statement": "A statement.", "guidelines": "",
                 "esg_refs": ["1.2"], "principle_refs": ["3"]}


def test_officer_creates_a_set_with_a_first_draft(app, client):
    """Creating a set opens its draft version 1 with the default five-level scale."""
    _officer(client)
    response = client.post("/manage/standards/new", data={"code": "mc-test", "title": "Test set",
                                                           "title_hy": "Փորձ", "description": "D"})
    assert response.status_code == 302
    standard_set = db.session.query(StandardSet).filter_by(code="mc-test").one()
    assert standard_set.versions[0].status == VersionStatus.DRAFT and len(standard_set.versions[0].levels) == 5


def test_officer_adds_a_standard_and_a_criterion(app, client):
    """The add forms append content to a draft, with its references."""
    _officer(client)
    version = make_version(VersionStatus.DRAFT)
    assert client.post(f"/manage/standards/versions/{version.id}/standards/new", data=STANDARD_FORM).status_code == 302
    standard = db.session.query(Standard).filter_by(version_id=version.id, code="S9").one()
    assert standard.esg_refs == ["1.2"] and standard.principle_refs == [3]
    response = client.post(f"/manage/standards/standards/{standard.id}/criteria/new",
                           data={"code": "C9.1", "text": "Criterion text.", "expected_evidence": "E",
                                 "mandatory": "y"})
    assert response.status_code == 302
    db.session.refresh(standard)
    assert [c.code for c in standard.criteria] == ["C9.1"] and standard.criteria[0].mandatory


def test_duplicate_code_is_refused_next_to_the_field_keeping_the_text(app, client):
    """A duplicate standard code re-renders the form with an error at the code and the user's text kept."""
    _officer(client)
    version = make_version(VersionStatus.DRAFT)
    data = dict(STANDARD_FORM, code="S1", statement="My carefully typed statement.")
    response = client.post(f"/manage/standards/versions/{version.id}/standards/new", data=data)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "already uses the code S1" in body and "My carefully typed statement." in body
    assert len(_reload(version).standards) == 2


def test_invalid_form_is_refused_with_400(app, client):
    """A missing statement is a 400 with the message at the field."""
    _officer(client)
    version = make_version(VersionStatus.DRAFT)
    response = client.post(f"/manage/standards/versions/{version.id}/standards/new",
                           data=dict(STANDARD_FORM, statement=""))
    assert response.status_code == 400 and "This field is required." in response.get_data(as_text=True)


@pytest.mark.parametrize("status", [VersionStatus.APPROVED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN])
def test_crafted_posts_on_a_frozen_version_get_409_and_change_nothing(app, client, status):
    """Direct POSTs to every edit route of an approved/superseded/withdrawn version answer 409; the content stays."""
    _officer(client)
    version = make_version(status)
    standard, criterion, level = version.standards[0], version.standards[0].criteria[0], version.levels[0]
    before = (version.decision_rule, [(s.code, s.title, s.statement, s.position) for s in version.standards],
              [(c.code, c.text, c.position) for s in version.standards for c in s.criteria],
              [(lv.code, lv.label, lv.position) for lv in version.levels])
    posts = [
        (f"/manage/standards/versions/{version.id}/standards/new", STANDARD_FORM),
        (f"/manage/standards/standards/{standard.id}/edit", dict(STANDARD_FORM, code="S1")),
        (f"/manage/standards/standards/{standard.id}/delete", {}),
        (f"/manage/standards/standards/{standard.id}/move", {"direction": "down"}),
        (f"/manage/standards/standards/{standard.id}/criteria/new", {"code": "C9", "text": "T"}),
        (f"/manage/standards/criteria/{criterion.id}/edit", {"code": "C1.1", "text": "Hacked."}),
        (f"/manage/standards/criteria/{criterion.id}/delete", {}),
        (f"/manage/standards/criteria/{criterion.id}/move", {"direction": "down"}),
        (f"/manage/standards/versions/{version.id}/levels/new", {"code": "x", "label": "X"}),
        (f"/manage/standards/levels/{level.id}/edit", {"code": "fully_compliant", "label": "Hacked"}),
        (f"/manage/standards/levels/{level.id}/delete", {}),
        (f"/manage/standards/levels/{level.id}/move", {"direction": "down"}),
        (f"/manage/standards/versions/{version.id}/details", {"decision_rule": "Hacked.", "change_note": ""}),
    ]
    for url, data in posts:
        response = client.post(url, data=data)
        assert response.status_code == 409, url
        assert "can no longer be changed" in response.get_data(as_text=True), url
    version = _reload(version)
    after = (version.decision_rule, [(s.code, s.title, s.statement, s.position) for s in version.standards],
             [(c.code, c.text, c.position) for s in version.standards for c in s.criteria],
             [(lv.code, lv.label, lv.position) for lv in version.levels])
    assert after == before


def test_edit_forms_of_a_frozen_version_answer_409(app, client):
    """Opening an edit form of an approved version shows the conflict page instead of the form."""
    _officer(client)
    version = make_version(VersionStatus.APPROVED)
    response = client.get(f"/manage/standards/standards/{version.standards[0].id}/edit")
    assert response.status_code == 409 and "Start a new version" in response.get_data(as_text=True)


def test_version_page_of_an_approved_version_hides_edit_buttons(app, client):
    """A frozen version shows no add/edit buttons, only the explanation."""
    _officer(client)
    version = make_version(VersionStatus.APPROVED)
    body = client.get(f"/manage/standards/versions/{version.id}").get_data(as_text=True)
    assert "can no longer be changed" in body and "Add a standard" not in body


def test_officer_walks_a_version_to_approval(app, client):
    """Open consultation, then approve: the buttons post to the workflow."""
    officer = _officer(client)
    version = make_version(VersionStatus.DRAFT)
    assert client.post(f"/manage/standards/versions/{version.id}/open-consultation").status_code == 302
    assert _reload(version).status == VersionStatus.CONSULTATION
    confirmation = client.post(f"/manage/standards/versions/{version.id}/approve")
    assert confirmation.status_code == 200 and "can no longer be changed" in confirmation.get_data(as_text=True)
    assert client.post(f"/manage/standards/versions/{version.id}/approve",
                       data={"confirmed": "yes"}).status_code == 302
    version = _reload(version)
    assert version.status == VersionStatus.APPROVED and version.approved_by_id == officer.id


def test_approving_a_draft_directly_is_refused_with_409(app, client):
    """A draft must go through consultation: approve answers 409."""
    _officer(client)
    version = make_version(VersionStatus.DRAFT)
    assert client.post(f"/manage/standards/versions/{version.id}/approve").status_code == 409
    assert _reload(version).status == VersionStatus.DRAFT


def test_withdraw_form_requires_a_reason(app, client):
    """Withdrawing without a reason keeps the form (400); with a reason the version is withdrawn."""
    _officer(client)
    version = make_version(VersionStatus.APPROVED)
    assert client.post(f"/manage/standards/versions/{version.id}/withdraw", data={"reason": ""}).status_code == 400
    assert client.post(f"/manage/standards/versions/{version.id}/withdraw",
                       data={"reason": "Replaced by law."}).status_code == 302
    assert _reload(version).withdrawn_reason == "Replaced by law."


def test_start_new_version_from_the_set_page(app, client):
    """The button clones the latest version into a new draft and opens it."""
    _officer(client)
    version = make_version(VersionStatus.APPROVED)
    response = client.post(f"/manage/standards/sets/{version.standard_set_id}/versions")
    assert response.status_code == 302
    new = db.session.query(StandardVersion).filter_by(standard_set_id=version.standard_set_id, number=2).one()
    assert response.headers["Location"].endswith(f"/manage/standards/versions/{new.id}")


@pytest.mark.parametrize("role", [None, Role.HEI, Role.EXPERT, Role.COUNCIL, Role.ADMIN])
def test_drafting_pages_refuse_non_officers(app, client, role):
    """Only officers reach the drafting pages and actions."""
    user = make_user(*([role] if role else []))
    login(client, user)
    version = make_version(VersionStatus.DRAFT)
    assert client.get("/manage/standards/").status_code == 403
    assert client.get(f"/manage/standards/versions/{version.id}").status_code == 403
    assert client.post(f"/manage/standards/versions/{version.id}/standards/new", data=STANDARD_FORM).status_code == 403
    assert client.post(f"/manage/standards/versions/{version.id}/open-consultation").status_code == 403
    assert _reload(version).status == VersionStatus.DRAFT


def test_signed_in_user_without_roles_comments_during_consultation(app, client):
    """Any signed-in user reads the draft in consultation and comments, choosing a stakeholder type."""
    user = make_user()
    login(client, user)
    version = make_version(VersionStatus.CONSULTATION)
    page = client.get(f"/consultations/{version.id}")
    assert page.status_code == 200 and "Statement of standard 1." in page.get_data(as_text=True)
    response = client.post(f"/consultations/{version.id}", data={
        "standard": str(version.standards[0].id), "stakeholder_type": "student", "text": "Please clarify S1."})
    assert response.status_code == 302
    comment = db.session.query(ConsultationComment).one()
    assert comment.author_id == user.id and comment.standard_id == version.standards[0].id
    assert "Please clarify S1." in client.get(f"/consultations/{version.id}").get_data(as_text=True)


@pytest.mark.parametrize("status", [s for s in VersionStatus if s != VersionStatus.CONSULTATION])
def test_comment_on_a_version_not_in_consultation_gets_409(app, client, status):
    """A crafted comment POST on a version outside consultation is refused with 409 and stores nothing."""
    login(client, make_user(Role.HEI))
    version = make_version(status)
    response = client.post(f"/consultations/{version.id}", data={"stakeholder_type": "hei", "text": "Late."})
    assert response.status_code == 409
    assert db.session.query(ConsultationComment).count() == 0


def test_consultation_page_of_a_draft_is_hidden_from_non_officers(app, client):
    """Drafts are not readable through the consultation page (404)."""
    login(client, make_user(Role.HEI))
    version = make_version(VersionStatus.DRAFT)
    assert client.get(f"/consultations/{version.id}").status_code == 404


def test_empty_comment_keeps_the_form_with_400(app, client):
    """An empty comment is refused next to the field."""
    login(client, make_user())
    version = make_version(VersionStatus.CONSULTATION)
    response = client.post(f"/consultations/{version.id}", data={"stakeholder_type": "hei", "text": ""})
    assert response.status_code == 400


def test_consultation_list_shows_open_consultations_only(app, client):
    """The list names versions in consultation, not drafts."""
    login(client, make_user())
    open_version = make_version(VersionStatus.CONSULTATION)
    draft = make_version(VersionStatus.DRAFT)
    body = client.get("/consultations/").get_data(as_text=True)
    assert open_version.standard_set.title in body and draft.standard_set.title not in body


def test_officer_answers_a_comment_from_the_report(app, client):
    """The report's answer form records the response and the answer text."""
    officer = _officer(client)
    version = make_version(VersionStatus.CONSULTATION)
    comment = make_comment(version, make_user(), version.standards[0], "Add more on assessment.")
    response = client.post(f"/manage/standards/comments/{comment.id}/answer",
                           data={f"comment-{comment.id}-response": "accepted",
                                 f"comment-{comment.id}-answer_text": "Added to C1.2."})
    assert response.status_code == 302
    db.session.refresh(comment)
    assert comment.response == CommentResponse.ACCEPTED and comment.answered_by_id == officer.id


def test_answer_without_text_is_refused_keeping_the_report(app, client):
    """An answer without text re-renders the report with the error (400)."""
    _officer(client)
    version = make_version(VersionStatus.CONSULTATION)
    comment = make_comment(version, make_user())
    response = client.post(f"/manage/standards/comments/{comment.id}/answer",
                           data={f"comment-{comment.id}-response": "accepted",
                                 f"comment-{comment.id}-answer_text": ""})
    assert response.status_code == 400 and "Consultation report" in response.get_data(as_text=True)


def test_consultation_report_counts_and_csv(app, client):
    """The report counts comments per standard and stakeholder type; the CSV lists each comment with its answer."""
    _officer(client)
    version = make_version(VersionStatus.CONSULTATION)
    author = make_user(full_name="Sona Student")
    first = make_comment(version, author, version.standards[0], "First, with a comma, and \"quotes\".")
    make_comment(version, author, None, "On the whole version.")
    first.response, first.answer_text = CommentResponse.NOT_ACCEPTED, "No."
    from qa_portal.core.models import utcnow

    first.answered_at = utcnow()
    db.session.commit()
    body = client.get(f"/manage/standards/versions/{version.id}/consultation-report").get_data(as_text=True)
    assert "1 answered, 1 waiting" in body and "Not accepted: 1" in body
    response = client.get(f"/manage/standards/versions/{version.id}/consultation-report.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2
    assert rows[0]["standard"] == "S1" and rows[0]["comment"] == "First, with a comma, and \"quotes\"."
    assert rows[0]["response"] == "not_accepted" and rows[0]["author"] == "Sona Student"
    assert rows[1]["standard"] == ""


def test_compare_page_highlights_changed_words(app, client):
    """Comparing two versions shows added/removed standards and changed words in <ins>/<del>."""
    _officer(client)
    first = make_version(VersionStatus.APPROVED)
    second = make_version(VersionStatus.DRAFT, standard_set=first.standard_set, standards=3)
    second.standards[0].statement = "Statement of the first standard."
    db.session.commit()
    body = client.get(f"/manage/standards/sets/{first.standard_set_id}/compare",
                      query_string={"old": first.id, "new": second.id}).get_data(as_text=True)
    assert "Statement of <ins>the first </ins>standard<del> 1</del>." in body
    assert "3 added" in body  # standard S3 and its two criteria


def test_compare_refuses_versions_of_another_set(app, client):
    """Both versions must belong to the set in the URL."""
    _officer(client)
    first = make_version(VersionStatus.APPROVED)
    other = make_version(VersionStatus.APPROVED)
    response = client.get(f"/manage/standards/sets/{first.standard_set_id}/compare",
                          query_string={"old": first.id, "new": other.id})
    assert response.status_code == 404


def test_officer_my_work_lists_open_versions_with_unanswered_counts(app, client):
    """An officer's My work shows versions in draft or consultation and comments waiting for answers."""
    _officer(client)
    version = make_version(VersionStatus.CONSULTATION)
    make_comment(version, make_user())
    make_version(VersionStatus.APPROVED)
    body = client.get("/my-work").get_data(as_text=True)
    assert f"{version.standard_set.title} — v1" in body and "1 comments to answer" in body


def test_set_page_offers_a_new_version_only_when_none_is_open(app, client):
    """While a version is drafted or consulted on, the set page explains instead of offering a new version."""
    _officer(client)
    approved = make_version(VersionStatus.APPROVED)
    body = client.get(f"/manage/standards/sets/{approved.standard_set_id}").get_data(as_text=True)
    assert "Start a new version" in body
    make_version(VersionStatus.CONSULTATION, standard_set=approved.standard_set)
    body = client.get(f"/manage/standards/sets/{approved.standard_set_id}").get_data(as_text=True)
    assert "Start a new version" not in body and "Version 2 is still being drafted" in body


def test_the_stakeholder_type_comes_from_the_commenters_account(app, client):
    """Issue 15: a posted stakeholder type is ignored — an institution's user comments as the HEI, a student expert
    as a student, anyone else as other — and the page says which."""
    version = make_version(VersionStatus.CONSULTATION)
    student = make_expert(ExpertType.STUDENT).user
    for user, expected in ((make_user(Role.HEI), "hei"), (student, "student"), (make_user(), "other")):
        other = app.test_client()
        login(other, user)
        assert "(from your account)" in other.get(f"/consultations/{version.id}").get_data(as_text=True)
        assert other.post(f"/consultations/{version.id}", data={
            "standard": "", "stakeholder_type": "ministry", "text": "A view."}).status_code == 302
        comment = db.session.scalar(select(ConsultationComment).where(ConsultationComment.author_id == user.id))
        assert comment.stakeholder_type == expected and comment.on_behalf_of == ""


def test_an_officer_records_a_paper_comment_on_behalf_of_an_organisation(app, client):
    """Officers record a comment received on paper with the organisation's name and type; the type is required
    then, and a non-officer's "on behalf of" is ignored."""
    version = make_version(VersionStatus.CONSULTATION)
    login(client, make_user(Role.OFFICER))
    response = client.post(f"/consultations/{version.id}", data={
        "standard": "", "on_behalf_of": "Ministry of Education", "stakeholder_type": "", "text": "Our letter."})
    assert response.status_code == 409 and "stakeholder type" in response.get_data(as_text=True)
    assert client.post(f"/consultations/{version.id}", data={
        "standard": "", "on_behalf_of": "Ministry of Education", "stakeholder_type": "ministry",
        "text": "Our letter."}).status_code == 302
    comment = db.session.scalar(select(ConsultationComment))
    assert (comment.on_behalf_of, comment.stakeholder_type) == ("Ministry of Education", "ministry")
    report = client.get(f"/manage/standards/versions/{version.id}/consultation-report").get_data(as_text=True)
    assert "on behalf of Ministry of Education" in report
    other = app.test_client()
    login(other, make_user(Role.HEI))
    other.post(f"/consultations/{version.id}", data={"standard": "", "on_behalf_of": "Someone else",
                                                     "stakeholder_type": "ministry", "text": "Mine."})
    mine = db.session.scalar(select(ConsultationComment).where(ConsultationComment.text == "Mine."))
    assert (mine.on_behalf_of, mine.stakeholder_type) == ("", "hei")
