"""Each dashboard figure against the value computed by hand on the small pilot of world.py, the filters, and the
page itself (inline SVG with title, description and a data table; a CSV per chart)."""
import pytest

from qa_portal.auth.models import Role
from qa_portal.monitoring.services.dashboard import (
    Filters, cases_per_stage, judgement_heat_map, offering_outcomes, outcome_mix, overdue_counts, panel_load,
    stage_durations,
)
from qa_portal.monitoring.services.pilot_figures import pilot_figures
from tests.factories import login, make_user
from tests.monitoring.world import build_world


@pytest.fixture
def world(app):
    with app.test_request_context():
        yield build_world()


def test_cases_per_stage_counts_cases_now(world):
    """Two published, one in desk review, one preparing its SER; in procedure order."""
    assert cases_per_stage(Filters()).rows == [("ser_in_preparation", 1), ("desk_review", 1), ("published", 2)]


def test_stage_durations_are_median_and_p90_per_call_and_stage(world):
    """Call A: SER submitted 2 and 4 days (median 2, p90 4), panel formation 3 and 2 (2, 3), desk review 15."""
    rows = stage_durations(Filters()).rows
    assert rows == [("Call A", "desk_review", 1, 15.0, 15.0), ("Call A", "panel_formation", 2, 2.0, 3.0),
                    ("Call A", "ser_submitted", 2, 2.0, 4.0)]


def test_overdue_counts_ser_scores_and_appeals(world):
    """Case 3's SER is past due and expert 1's scores on case 2 are past due; no appeal."""
    assert [count for _what, count in overdue_counts(Filters()).rows] == [1, 1, 0]


def test_outcome_mix_counts_decisions_in_force_per_call(world):
    """Call A: one positive; call B: the negative decision that superseded the conditional one."""
    assert [(call, code, count) for _label, call, code, count in outcome_mix(Filters()).rows] == [
        ("Call A", "positive", 1), ("Call B", "negative", 1)]


def test_heat_map_counts_agreed_judgements_per_criterion_and_level(world):
    """C1.1: fully 2, partially 1; C1.2: partially 1, non 1 — levels in scale order."""
    chart = judgement_heat_map(Filters())
    assert [str(column) for column in chart.columns[1:]] == ["Fully compliant", "Partially compliant",
                                                             "Non-compliant"]
    assert chart.rows == [("C1.1", 2, 1, 0), ("C1.2", 0, 1, 1)]


def test_panel_load_counts_cleared_seats_open_and_all(world):
    """Expert one: 1 open case of 2; expert two: 1 of 1 (a removed seat does not count)."""
    assert panel_load(Filters()).rows == [("Expert One", 1, 2), ("Expert Two", 1, 1)]


def test_offering_outcomes_per_micro_credential(world):
    """Micro-credential 1: 30 enrolled, 21 completed (70 %), satisfaction (4·10+3·10)/20 = 3.5, employed 12 of the
    16 whose outcomes are known (75 %); micro-credential 2: 10/10 (100 %), no satisfaction, 5 of 10 employed."""
    rows = offering_outcomes(Filters(), "credential").rows
    assert [row[1:] for row in rows] == [(2, 30, 21, 70.0, 3.5, 75.0), (1, 10, 10, 100.0, None, 50.0)]


def test_offering_outcomes_per_field_and_level(world):
    """Field 04 / level 5 is micro-credential 2; field 06 / level 6 is micro-credential 1."""
    assert [(row[0], row[2]) for row in offering_outcomes(Filters(), "field").rows] == [("04", 10), ("06", 30)]
    assert [(row[0], row[2]) for row in offering_outcomes(Filters(), "level").rows] == [("5", 10), ("6", 30)]


def test_filters_narrow_every_figure(world):
    """Call B holds cases 3 and 4 and reviewed micro-credential 1; HEI-B holds cases 2 and 4."""
    call_b = Filters(call_id=world.call_b.id)
    assert cases_per_stage(call_b).rows == [("ser_in_preparation", 1), ("published", 1)]
    assert [row[2] for row in offering_outcomes(call_b, "credential").rows] == [30]
    hei_b = Filters(institution_id=world.hei_2.id)
    assert cases_per_stage(hei_b).rows == [("desk_review", 1), ("published", 1)]
    assert [row[2] for row in offering_outcomes(hei_b, "credential").rows] == [10]
    assert cases_per_stage(Filters(field="06")).rows == [("ser_in_preparation", 1), ("published", 1)]
    assert cases_per_stage(Filters(eqf_level=5)).rows == [("desk_review", 1)]


def test_public_figures(world):
    """2 institutions, 1 micro-credential reviewed (case 4 has none), 2 decisions in force, 40 enrolled and 31
    completed (77.5 %), median review 30 days (case 1: 30, case 4: 60; nearest rank)."""
    figures = pilot_figures()
    assert (figures.institutions, figures.micro_credentials_reviewed, figures.decisions_published) == (2, 1, 2)
    assert (figures.enrolled, figures.completed, figures.completion_rate) == (40, 31, 77.5)
    assert figures.median_review_days == 30.0
    assert sorted((o.code, o.count) for o in figures.outcome_mix) == [("negative", 1), ("positive", 1)]


def test_dashboard_page_draws_accessible_svg_with_data_tables(world, client):
    """Each chart is an <svg role="img"> with <title> and <desc>, and its data table beside it."""
    login(client, make_user(Role.OFFICER))
    page = client.get("/monitoring").get_data(as_text=True)
    assert page.count('role="img"') >= 8 and page.count("<desc id=") >= 8
    assert '<title id="stages-title">Cases per stage</title>' in page
    assert "<caption>Data of “Panel judgements per criterion”</caption>" in page


def test_chart_csv_download_follows_the_filters(world, client):
    """Each chart downloads as CSV with the page's filters."""
    login(client, make_user(Role.COUNCIL))
    response = client.get(f"/monitoring/charts/stages.csv?call={world.call_b.id}")
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).splitlines() == ["Stage,Cases", "ser_in_preparation,1", "published,1"]
    assert client.get("/monitoring/charts/nothing.csv").status_code == 404


def test_dashboard_is_for_officers_council_and_admins(client):
    """HEI users and experts cannot see the dashboard."""
    login(client, make_user(Role.HEI))
    assert client.get("/monitoring").status_code == 403


def test_malformed_filters_are_ignored(world, client):
    """Odd filter values never cause an error."""
    login(client, make_user(Role.OFFICER))
    assert client.get("/monitoring?call=abc&institution=99999999999999&field=x%27&eqf_level=12").status_code == 200


def test_drafting_page_shows_the_judgements_distribution_per_standard(world, client):
    """A new draft of the set shows, under S1, the panels' judgements of its criteria across the four cases."""
    from qa_portal.standards.models import StandardVersion, VersionStatus
    from qa_portal.extensions import db
    from tests.standards.factories import make_version

    version = db.session.get(StandardVersion, world.cases[0].standard_version_id)
    draft = make_version(VersionStatus.DRAFT, standard_set=version.standard_set, standards=1)
    login(client, make_user(Role.OFFICER))
    page = client.get(f"/manage/standards/versions/{draft.id}").get_data(as_text=True)
    assert "Fully compliant 2, Non-compliant 1, Partially compliant 2" in page
