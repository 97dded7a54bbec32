"""The decision-letter PDF: letterhead from settings, case reference, outcome, validity, conditions, reasons and the
appeal deadline (QA_APPEAL_WINDOW_DAYS after publication); Armenian text renders."""
import io
import os
from datetime import timedelta

from qa_portal.core.dates import format_day
from pypdf import PdfReader

from qa_portal.decisions.pdf import decision_letter_pdf
from tests.decisions.factories import published_case

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "artifacts")


def _text(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_letter_has_outcome_validity_conditions_reasons_and_appeal_deadline(app, client):
    """The published decision's letter carries every element, with the deadline 30 days after publication."""
    case, decision = published_case("positive_with_conditions")
    case.institution.name_hy = "Երևանի պետական համալսարան"
    response = client.get(f"/register/{decision.id}/letter.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    deadline = decision.published_at.date() + timedelta(days=30)
    for expected in ("National Center for Professional Education Quality Assurance", case.reference,
                     "Positive with conditions", format_day(decision.valid_from),
                     format_day(decision.valid_to), "Document identity checks.",
                     "The final report shows the criteria met.", format_day(deadline), "30 days"):
        assert expected in text, expected
    os.makedirs(ARTIFACTS, exist_ok=True)
    with open(os.path.join(ARTIFACTS, "decision-letter.pdf"), "wb") as handle:
        handle.write(decision_letter_pdf(decision))


def test_letterhead_and_appeal_window_come_from_settings(app):
    """QA_AGENCY_LETTERHEAD and QA_APPEAL_WINDOW_DAYS change the letter."""
    _case, decision = published_case("negative")
    app.config.update(QA_AGENCY_LETTERHEAD="Test Agency of Quality\nSecond line", QA_APPEAL_WINDOW_DAYS=45)
    try:
        text = _text(decision_letter_pdf(decision))
    finally:
        app.config.update(QA_APPEAL_WINDOW_DAYS=30)
        app.config.pop("QA_AGENCY_LETTERHEAD")
        from config import Config
        app.config["QA_AGENCY_LETTERHEAD"] = Config.QA_AGENCY_LETTERHEAD
    deadline = decision.published_at.date() + timedelta(days=45)
    assert "Test Agency of Quality" in text and format_day(deadline) in text and "45 days" in text
    assert "No validity (negative outcome)" in text and "This decision sets no conditions." in text
