"""The public pilot page in both languages, and GET /api/v1/statistics exactly as the OpenAPI document says."""
import pytest
from openapi_spec_validator import validate

from tests.monitoring.world import build_world
from tests.registry.openapi_support import assert_matches, fetch_document
from tests.core.test_accessibility import assert_accessible


@pytest.fixture
def world(app):
    with app.test_request_context():
        yield build_world()


def test_pilot_page_shows_the_aggregate_figures(world, client):
    """Institutions, micro-credentials reviewed, completion rate, median duration and the outcome mix, in English."""
    page = client.get("/pilot").get_data(as_text=True)
    assert '<dd id="figure-institutions">2</dd>' in page and '<dd id="figure-reviewed">1</dd>' in page
    assert '<dd id="figure-completion">77.5 %</dd>' in page and '<dd id="figure-duration">30.0 days</dd>' in page
    assert "<th scope=\"row\">Negative</th><td>1</td>" in page
    assert_accessible("/pilot", page)


def test_pilot_page_in_armenian(world, client):
    """In Armenian the headings and the outcome labels are Armenian."""
    client.post("/language", data={"locale": "hy", "next": "/"})
    page = client.get("/pilot").get_data(as_text=True)
    assert '<html lang="hy">' in page
    assert "Մասնակից հաստատություններ" in page and "Բացասական" in page


def test_statistics_api_matches_its_schema(world, client):
    """The JSON answer, and a refused parameter, match the document; the document stays valid."""
    document = fetch_document(client)
    validate(document)
    assert document["paths"]["/statistics"]["get"]["operationId"] == "monitoring.api.statistics"
    response = client.get("/api/v1/statistics")
    assert response.status_code == 200
    assert_matches(document, "/api/v1/statistics", response)
    assert response.get_json()["completion_rate"] == 77.5
    refused = client.get("/api/v1/statistics?call=1")
    assert refused.status_code == 400
    assert_matches(document, "/api/v1/statistics", refused)


def test_statistics_of_an_empty_pilot(client):
    """With nothing recorded yet the figures are zeros and nulls, still within the schema."""
    document = fetch_document(client)
    response = client.get("/api/v1/statistics")
    assert_matches(document, "/api/v1/statistics", response)
    assert response.get_json()["median_review_days"] is None
