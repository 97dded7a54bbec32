"""Selection: officers score 0–5 per criterion, rank by weighted average, decide with rationale, complete the selection."""
import pytest
from sqlalchemy import func, select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.models import ApplicationStatus, CallStatus, SelectionDecision, SelectionOutcome, SelectionScore
from qa_portal.pilots.services.selection import selection_ranking
from qa_portal.reviews.models import Case, CaseState
from tests.factories import login, make_institution, make_user
from tests.pilots.calls_factories import make_application, make_call, make_decision, make_score, make_specification


def _submitted(call, institution=None):
    institution = institution or make_institution()
    return make_application(call, institution, [make_specification(institution)], status=ApplicationStatus.SUBMITTED)


def _score_data(values, comments=None):
    data = {}
    for n, value in enumerate(values):
        data[f"entries-{n}-score"] = str(value)
        data[f"entries-{n}-comment"] = (comments or {}).get(n, "")
    return data


def test_selection_score_saves_each_criterion(app, client):
    """An officer scores every criterion 0–5 with a comment; scoring again updates the scores."""
    officer = make_user(Role.OFFICER)
    login(client, officer)
    application = _submitted(make_call(CallStatus.CLOSED))
    assert client.post(f"/applications/{application.id}/score", data=_score_data([4, 2], {0: "Clear fit"})).status_code == 302
    assert client.post(f"/applications/{application.id}/score", data=_score_data([5, 2])).status_code == 302
    scores = db.session.scalars(select(SelectionScore).order_by(SelectionScore.criterion_id)).all()
    assert [(s.score, s.officer_id) for s in scores] == [(5, officer.id), (2, officer.id)]


def test_selection_score_refuses_out_of_range(app, client):
    """A score outside 0–5 is refused and nothing is stored."""
    login(client, make_user(Role.OFFICER))
    application = _submitted(make_call(CallStatus.CLOSED))
    response = client.post(f"/applications/{application.id}/score", data=_score_data([7, 2], {1: "Kept comment"}))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Not a valid choice." in page and "Kept comment" in page
    assert db.session.scalar(select(func.count(SelectionScore.id))) == 0


def test_selection_scores_start_empty_and_a_criterion_left_unscored_is_refused(app, client):
    """No score is preselected (a 0 is never saved by accident); a criterion left on "Choose…" is refused at its
    field, the other typing kept, nothing stored."""
    login(client, make_user(Role.OFFICER))
    application = _submitted(make_call(CallStatus.CLOSED))
    page = client.get(f"/applications/{application.id}/score").get_data(as_text=True)
    assert '<option selected value="">' in page and '<option selected value="0">' not in page
    response = client.post(f"/applications/{application.id}/score", data=_score_data(["", 2], {0: "Kept words"}))
    assert response.status_code == 400
    assert "Choose a score from 0 to 5." in response.get_data(as_text=True) and "Kept words" in response.get_data(
        as_text=True)
    assert db.session.scalar(select(func.count(SelectionScore.id))) == 0


def test_selection_score_refused_while_call_open(app, client):
    """Scoring starts only after the call closes: "not now" (409) saying so, not "not allowed"."""
    login(client, make_user(Role.OFFICER))
    call = make_call(CallStatus.OPEN)
    application = _submitted(call)
    for url in (f"/applications/{application.id}/score", f"/applications/{application.id}/decide",
                f"/calls/{call.id}/selection"):
        response = client.get(url)
        assert response.status_code == 409, url
        assert "The selection starts once the call closes" in response.get_data(as_text=True)


def test_selection_ranking_uses_weighted_average_and_shows_spread(app):
    """Ranking: mean per criterion over officers, weighted by criterion weight; spread between officers' totals."""
    call = make_call(CallStatus.CLOSED, criteria=(("Relevance", 2), ("Readiness", 1)))
    strong, weak = _submitted(call), _submitted(call)
    first, second = make_user(Role.OFFICER, full_name="A Officer"), make_user(Role.OFFICER, full_name="B Officer")
    make_score(strong, first, [5, 2])   # weighted (10+2)/3 = 4.0
    make_score(strong, second, [3, 5])  # weighted (6+5)/3 = 3.667
    make_score(weak, first, [1, 1])
    ranking = selection_ranking(call)
    assert [row.application.id for row in ranking] == [strong.id, weak.id]
    top = ranking[0]
    assert top.weighted_average == pytest.approx((4 * 2 + 3.5) / 3)
    assert top.spread == pytest.approx(4.0 - 11 / 3)
    assert top.criterion_spread == {call.criteria[0].id: 2, call.criteria[1].id: 3}
    assert top.rank == 1 and [o.officer.full_name for o in top.officers] == ["A Officer", "B Officer"]


def test_selection_page_shows_each_officers_scores(app, client):
    """The selection page lists every officer's scores and the spread."""
    login(client, make_user(Role.OFFICER))
    call = make_call(CallStatus.CLOSED)
    application = _submitted(call)
    make_score(application, make_user(Role.OFFICER, full_name="Scoring Officer"), [4, 3])
    page = client.get(f"/calls/{call.id}/selection").get_data(as_text=True)
    assert "Scoring Officer" in page and "Spread between officers" in page and "3.67" in page


def test_selection_decision_requires_a_rationale(app, client):
    """A decision without rationale is refused; the chosen result stays."""
    login(client, make_user(Role.OFFICER))
    application = _submitted(make_call(CallStatus.CLOSED))
    response = client.post(f"/applications/{application.id}/decide", data={"outcome": "reserve", "rationale": "  "})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This field is required." in page and 'checked id="outcome-1" name="outcome" required type="radio" value="reserve"' in page
    assert db.session.scalar(select(func.count(SelectionDecision.id))) == 0


def test_selection_decision_refuses_more_than_max_pilots(app, client):
    """Selecting beyond the call's maximum is refused with a clear message."""
    login(client, make_user(Role.OFFICER))
    call = make_call(CallStatus.CLOSED, max_pilots=1)
    first, second = _submitted(call), _submitted(call)
    make_decision(first, SelectionOutcome.SELECTED)
    response = client.post(f"/applications/{second.id}/decide", data={"outcome": "selected", "rationale": "Also good"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "At most 1 applications can be selected in this call and 1 already are." in page
    assert "Also good" in page
    assert client.post(f"/applications/{second.id}/decide",
                       data={"outcome": "reserve", "rationale": "Next in line"}).status_code == 302


def test_selection_complete_refused_with_undecided_applications(app, client):
    """Every submitted application needs a decision before the selection can be completed."""
    login(client, make_user(Role.OFFICER))
    call = make_call(CallStatus.CLOSED)
    _submitted(call)
    response = client.post(f"/calls/{call.id}/selection/complete")
    assert response.status_code == 409
    assert "Every submitted application needs a selection decision first (1 without one)." in response.get_data(as_text=True)
    db.session.refresh(call)
    assert call.status == CallStatus.CLOSED


def test_selection_complete_opens_one_case_per_selected_application(app, client):
    """Completing the selection moves the call to selection_done and opens a case per selected application."""
    login(client, make_user(Role.OFFICER))
    call = make_call(CallStatus.CLOSED, max_pilots=1)
    chosen, reserve = _submitted(call), _submitted(call)
    make_decision(chosen, SelectionOutcome.SELECTED)
    make_decision(reserve, SelectionOutcome.RESERVE)
    assert client.post(f"/calls/{call.id}/selection/complete").status_code == 302
    db.session.refresh(call)
    assert call.status == CallStatus.SELECTION_DONE
    cases = db.session.scalars(select(Case)).all()
    assert len(cases) == 1
    case = cases[0]
    assert case.application_id == chosen.id and case.institution_id == chosen.institution_id
    assert case.state == CaseState.SER_IN_PREPARATION
    assert case.standard_version_id == call.standard_version_id
    assert [link.specification_version_id for link in case.specification_links] == \
        [link.specification_version_id for link in chosen.specification_links]
    assert case.reference.startswith("MC-") and case.reference.endswith("-001")


def test_selection_routes_refuse_hei_users(app, client):
    """HEI users never reach the selection page, scoring or decisions."""
    institution = make_institution()
    login(client, make_user(Role.HEI, institution=institution))
    call = make_call(CallStatus.CLOSED)
    own = _submitted(call, institution)
    assert client.get(f"/calls/{call.id}/selection").status_code == 403
    assert client.get(f"/applications/{own.id}/score").status_code == 403
    assert client.get(f"/applications/{own.id}/decide").status_code == 403
    assert client.post(f"/calls/{call.id}/selection/complete").status_code == 403
