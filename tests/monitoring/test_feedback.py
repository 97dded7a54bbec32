"""Feedback after publication: invitations go to the institution and the cleared panel, answers are stored without
the respondent, only aggregates are shown, and the drafting page shows each standard's evidence."""
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.monitoring.models import RespondentRole, StandardUsefulness, SurveyAnswer, SurveyInvitation
from qa_portal.reviews.models import PanelMember, PanelRole
from qa_portal.reviews.models.panel import MemberStatus
from qa_portal.standards.models import Standard, VersionStatus
from tests.decisions.factories import decided_case
from tests.factories import login, make_user
from tests.standards.factories import make_version
from qa_portal.decisions.services.publication import publish_cases


def published_with_panel():
    """A decided case with an HEI user and one cleared and one removed panel member, then published."""
    case, _decision = decided_case()
    hei = make_user(Role.HEI, institution=case.institution)
    expert, removed = make_user(Role.EXPERT), make_user(Role.EXPERT)
    db.session.add(PanelMember(case_id=case.id, user_id=expert.id, role=PanelRole.CHAIR, status=MemberStatus.CLEARED))
    db.session.add(PanelMember(case_id=case.id, user_id=removed.id, role=PanelRole.ACADEMIC,
                               status=MemberStatus.PROPOSED))
    db.session.commit()
    publish_cases(make_user(Role.OFFICER), [case.id])
    db.session.commit()
    return case, hei, expert, removed


def test_publication_invites_the_institution_and_the_cleared_panel(app):
    """Publishing a case invites its HEI users (as institution) and cleared panel members, no one else."""
    with app.test_request_context():
        case, hei, expert, removed = published_with_panel()
    invitations = {(i.user_id, i.respondent_role) for i in db.session.scalars(select(SurveyInvitation))}
    assert invitations == {(hei.id, RespondentRole.INSTITUTION), (expert.id, RespondentRole.PANEL_MEMBER)}


def test_answer_is_anonymous_and_only_once(app, client):
    """The stored answer names no person; the invitation is marked answered and cannot be answered again."""
    with app.test_request_context():
        case, hei, _expert, _removed = published_with_panel()
    invitation = db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.user_id == hei.id))
    standards = db.session.scalars(select(Standard).where(Standard.version_id == case.standard_version_id)).all()
    login(client, hei)
    assert client.get("/monitoring/surveys").get_data(as_text=True).count(f"/monitoring/surveys/{invitation.id}") == 1
    form = {"clarity": 4, "workload": 2, "comments": "The site visit agenda came late.",
            **{f"standard_{standard.id}": 5 for standard in standards}}
    assert client.post(f"/monitoring/surveys/{invitation.id}", data=form).status_code == 302
    answer = db.session.scalar(select(SurveyAnswer))
    assert (answer.clarity, answer.workload, answer.respondent_role) == (4, 2, RespondentRole.INSTITUTION)
    assert not hasattr(answer, "user_id") and db.session.scalar(select(StandardUsefulness.rating)) == 5
    assert client.post(f"/monitoring/surveys/{invitation.id}", data=form).status_code == 403


def test_survey_of_someone_else_is_refused(app, client):
    """Only the invited person opens their survey."""
    with app.test_request_context():
        published_with_panel()
    invitation = db.session.scalar(select(SurveyInvitation))
    login(client, make_user(Role.HEI))
    assert client.get(f"/monitoring/surveys/{invitation.id}").status_code == 403


def test_council_sees_aggregates_but_not_comments(app, client):
    """The dashboard shows the council counts and means; the free text is for officers only."""
    with app.test_request_context():
        case, *_rest = published_with_panel()
    db.session.add(SurveyAnswer(case_id=case.id, respondent_role=RespondentRole.PANEL_MEMBER, clarity=3, workload=4,
                                comments="Too many documents.", answered_on=case.created_at.date()))
    db.session.commit()
    login(client, make_user(Role.COUNCIL))
    page = client.get("/monitoring").get_data(as_text=True)
    assert "1 answers from 2 invitations" in page and "Too many documents." not in page
    officer_client = app.test_client()
    login(officer_client, make_user(Role.OFFICER))
    assert "Too many documents." in officer_client.get("/monitoring").get_data(as_text=True)


def test_drafting_page_shows_feedback_and_judgements_per_standard(app, client):
    """A new draft of the set shows, for each standard code, "feedback from N reviews" and the judgements."""
    with app.test_request_context():
        case, *_rest = published_with_panel()
    standard = db.session.scalar(select(Standard).where(Standard.version_id == case.standard_version_id)
                                 .order_by(Standard.position))
    answer = SurveyAnswer(case_id=case.id, respondent_role=RespondentRole.INSTITUTION, clarity=4, workload=4,
                          answered_on=case.created_at.date())
    answer.usefulness = [StandardUsefulness(standard_id=standard.id, rating=4)]
    db.session.add(answer)
    db.session.commit()
    draft = make_version(VersionStatus.DRAFT, standard_set=standard.version.standard_set, standards=1)
    login(client, make_user(Role.OFFICER))
    page = client.get(f"/manage/standards/versions/{draft.id}").get_data(as_text=True)
    assert "Feedback from 1 review</strong>" in page and "usefulness 4.0 of 5" in page
