"""The impact report PDF of a call: its sections and figures read back from the PDF's text, in Armenian too."""
import io

import pytest
from pypdf import PdfReader

from qa_portal.auth.models import Role
from tests.factories import login, make_user
from tests.monitoring.world import build_world


@pytest.fixture
def world(app):
    with app.test_request_context():
        yield build_world()


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_impact_report_holds_baseline_process_outcomes_feedback_and_changes(world, client):
    """Call A's report: 40 learners at baseline (all offerings of its two micro-credentials), its stages, the
    positive decision, the per-credential completion table, the feedback section and the standards section."""
    login(client, make_user(Role.OFFICER))
    text = pdf_text(client.get(f"/monitoring/calls/{world.call_a.id}/impact-report.pdf"))
    for expected in ("Impact report", "Call A", "1. Baseline", "40 learners enrolled", "2. Process",
                     "Desk review", "3. Outcomes", "Positive", "Data literacy", "70.0",
                     "4. Feedback", "5. Changes to the standards"):
        assert expected in text, expected


def test_impact_report_in_armenian(world, client):
    """With Armenian chosen, the headings are Armenian (DejaVu Sans holds the script)."""
    login(client, make_user(Role.OFFICER))
    client.post("/language", data={"locale": "hy", "next": "/"})
    text = pdf_text(client.get(f"/monitoring/calls/{world.call_a.id}/impact-report.pdf"))
    assert "Ազդեցության զեկույց" in text


def test_impact_report_is_for_dashboard_readers(world, client):
    """An HEI user cannot download it; an unknown call is 404."""
    login(client, make_user(Role.HEI))
    assert client.get(f"/monitoring/calls/{world.call_a.id}/impact-report.pdf").status_code == 403
