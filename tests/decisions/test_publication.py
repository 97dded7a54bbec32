"""Publication (D6): officers publish decided cases, one or several, after a page listing exactly what will be
published; each moves through the workflow's `publish`, which stamps published_at."""
import pytest
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.decisions.models import Decision
from qa_portal.decisions.services.publication import publish_cases
from qa_portal.extensions import db
from qa_portal.pilots.models import SpecificationStatus
from qa_portal.reviews.models import CaseSpecification, CaseState, PanelReportVersion
from qa_portal.core.workflow import TransitionRefused
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.decisions.factories import decided_case, statements_for
from tests.factories import login, make_user
from tests.pilots.factories import make_specification


def test_ready_list_shows_decided_cases_to_officers_only(app, client):
    """The ready-to-publish list shows decided, unpublished cases to officers; council members get 403."""
    case, _decision = decided_case()
    login(client, make_user(Role.OFFICER))
    assert case.reference in client.get("/decisions/ready").get_data(as_text=True)
    client.post("/logout")
    login(client, make_user(Role.COUNCIL))
    assert client.get("/decisions/ready").status_code == 403


def test_confirmation_lists_exactly_the_chosen_cases(app, client):
    """The confirmation page lists the chosen cases and no other; nothing is published yet."""
    first, _ = decided_case()
    second, _ = decided_case("negative")
    login(client, make_user(Role.OFFICER))
    page = client.post("/decisions/ready/confirm", data={"case_id": [str(first.id)]}).get_data(as_text=True)
    assert first.reference in page and second.reference not in page
    assert db.session.scalar(select(Decision.id).where(Decision.published_at.is_not(None))) is None


def test_confirming_nothing_is_refused(app, client):
    """Choosing no case re-shows the list with the message (400)."""
    decided_case()
    login(client, make_user(Role.OFFICER))
    response = client.post("/decisions/ready/confirm", data={})
    assert response.status_code == 400
    assert "Choose at least one decided case to publish." in response.get_data(as_text=True)


def test_officer_publishes_several_cases_at_once(app, client):
    """Publishing moves each chosen case to published and stamps its decision's published_at and officer."""
    first, _ = decided_case()
    second, _ = decided_case("positive_with_conditions")
    officer = make_user(Role.OFFICER)
    login(client, officer)
    response = client.post("/decisions/publish", data={"case_id": [str(first.id), str(second.id)]})
    assert response.status_code == 302
    for case in (first, second):
        db.session.refresh(case)
        assert case.state == CaseState.PUBLISHED
        decision = db.session.scalar(select(Decision).where(Decision.case_id == case.id))
        assert decision.published_at is not None and decision.published_by_id == officer.id


def test_publishing_a_case_not_ready_is_refused_whole(app, client):
    """A list naming a case that is not decided is refused (409) and nothing is published."""
    ready, _ = decided_case()
    login(client, make_user(Role.OFFICER))
    response = client.post("/decisions/publish", data={"case_id": [str(ready.id), "999999"]})
    assert response.status_code == 409
    assert "Choose decided cases from the ready-to-publish list." in response.get_data(as_text=True)
    db.session.refresh(ready)
    assert ready.state == CaseState.DECIDED


def test_d6_publish_needs_the_final_reports_frozen_version(app):
    """D6: the decision is published together with the final report's frozen version; without it, refused."""
    case, _decision = decided_case()
    db.session.execute(PanelReportVersion.__table__.update().values(is_final=False))
    db.session.commit()
    with pytest.raises(TransitionRefused) as caught:
        CASE_WORKFLOW.apply(case, CaseAction.PUBLISH, make_user(Role.OFFICER))
    assert caught.value.message == ("The decision cannot be published yet: The final panel report has no frozen "
                                    "final version to publish with the decision.")


def test_ready_list_queries_stay_constant(app, client):
    """The ready list runs the same number of queries for one decided case as for four."""
    officer = make_user(Role.OFFICER)
    decided_case()
    login(client, officer)

    one = statements_for(client, "/decisions/ready")
    for _ in range(3):
        decided_case()
    assert statements_for(client, "/decisions/ready") == one


def test_publish_cases_service_needs_a_choice(app):
    """The service refuses an empty choice."""
    from qa_portal.core.errors import DomainError

    with pytest.raises(DomainError):
        publish_cases(make_user(Role.OFFICER), [])


def test_case_page_publish_opens_the_confirmation_with_that_case(app, client):
    """The case page's Publish leads to the confirmation page listing exactly that case (nothing published yet);
    confirming there publishes it and returns to the case page."""
    case, _decision = decided_case()
    other, _ = decided_case("negative")
    login(client, make_user(Role.OFFICER))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/decisions/ready/confirm?case_id={case.id}&amp;origin=case" in page
    assert f"/cases/{case.id}/actions/publish" not in page
    response = client.get(f"/decisions/ready/confirm?case_id={case.id}&origin=case")
    confirmation = response.get_data(as_text=True)
    assert response.status_code == 200 and "Confirm publication" in confirmation
    assert case.reference in confirmation and other.reference not in confirmation
    assert f'name="case_id" value="{case.id}"' in confirmation and 'name="origin" value="case"' in confirmation
    assert db.session.scalar(select(Decision.id).where(Decision.published_at.is_not(None))) is None
    response = client.post("/decisions/publish", data={"case_id": [str(case.id)], "origin": "case"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}")
    db.session.refresh(case)
    db.session.refresh(other)
    assert (case.state, other.state) == (CaseState.PUBLISHED, CaseState.DECIDED)


def test_confirmation_from_a_case_page_refuses_a_case_not_ready(app, client):
    """A stale link to a case no longer waiting for publication answers 409 with the message; none answers 400;
    only officers reach it."""
    case, _decision = decided_case()
    login(client, make_user(Role.OFFICER))
    client.post("/decisions/publish", data={"case_id": [str(case.id)]})
    response = client.get(f"/decisions/ready/confirm?case_id={case.id}&origin=case")
    assert response.status_code == 409
    assert "Choose decided cases from the ready-to-publish list." in response.get_data(as_text=True)
    assert client.get("/decisions/ready/confirm").status_code == 400
    client.post("/logout")
    login(client, make_user(Role.COUNCIL))
    assert client.get(f"/decisions/ready/confirm?case_id={case.id}").status_code == 403


def test_publishing_makes_the_reviewed_specification_versions_public(app, client):
    """Item 3: the decision, its report and the specification versions it covers become public together — a
    frozen draft the case reviewed gets its permanent catalogue page, whatever the outcome."""
    case, _decision = decided_case("negative")
    reviewed = make_specification(case.institution, frozen=True, title_en="Reviewed while still a draft")
    db.session.add(CaseSpecification(case_id=case.id, specification_version_id=reviewed.id))
    db.session.commit()
    catalogue_page = f"/catalogue/{reviewed.micro_credential_id}/v{reviewed.number}"
    assert client.get(catalogue_page).status_code == 404
    publish_cases(make_user(Role.OFFICER), [case.id])
    db.session.commit()
    db.session.refresh(reviewed)
    assert reviewed.status == SpecificationStatus.PUBLISHED and reviewed.published_at is not None
    assert "Reviewed while still a draft" in client.get(catalogue_page).get_data(as_text=True)
