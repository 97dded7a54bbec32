"""The panel report PDF: every section, the conclusion, the recommended outcome, the version, the case reference and
the panel; a diagonal DRAFT watermark on every page before final, none after, and the final hash stated."""
import io

import pytest

from pypdf import PdfReader

from qa_portal.extensions import db
from qa_portal.reviews.services import factual
from qa_portal.reviews.services import report as reports
from qa_portal.reviews.models import PanelRole
from qa_portal.reviews.pdf import report_pdf
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.factories import login
from tests.reviews.factories import hei_user_for
from tests.reviews.test_report import drafting_case
from tests.reviews.walk_setups import drafted_report


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _armenian_case():
    case, panel = drafting_case()
    case.institution.name_hy = "Երևանի պետական համալսարան"
    db.session.commit()
    report = drafted_report(case)
    report.sections[0].strengths = "Ուժեղ կողմեր՝ գործատուների մասնակցություն."
    db.session.commit()
    return case, panel, report


def test_draft_pdf_has_every_part_and_a_draft_watermark_on_every_page(app, client):
    """The working draft's PDF names the case, the panel and their roles, each standard, the conclusion and the
    recommended outcome, in Armenian too, with "DRAFT" on every page."""
    case, panel, report = _armenian_case()
    login(client, panel[PanelRole.CHAIR].user)
    response = client.get(f"/cases/{case.id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = _pages(response.data)
    assert len(pages) >= 4 and all("DRAFT" in page for page in pages)
    text = "\n".join(pages)
    for expected in (case.reference, "Երևանի պետական համալսարան", "Ուժեղ կողմեր", panel[PanelRole.CHAIR].user.full_name,
                     "Chair", "Student", "S1 Standard 1 title", "S2 Standard 2 title", "Overall conclusion",
                     "Positive", "Working draft"):
        assert expected in text, expected


def test_sent_version_pdf_is_watermarked_and_numbered(app, client):
    """A sent version's PDF says its number and carries the watermark; the institution may download it."""
    case, panel, report = _armenian_case()
    CASE_WORKFLOW.apply(case, CaseAction.SEND_FOR_FACTUAL_CHECK, panel[PanelRole.CHAIR].user)
    db.session.commit()
    login(client, hei_user_for(case))
    pages = _pages(client.get(f"/cases/{case.id}/report/versions/1.pdf").data)
    assert all("DRAFT" in page for page in pages)
    assert "Draft · version 1" in pages[0]
    assert "Draft · version 1" in _pages(client.get(f"/cases/{case.id}/report.pdf").data)[0]


def test_final_pdf_has_no_watermark_and_states_the_sha256(app, client):
    """The final report's PDF has no DRAFT on any page and states the final version's SHA-256."""
    case, panel, report = _armenian_case()
    chair = panel[PanelRole.CHAIR].user
    hei = hei_user_for(case)
    CASE_WORKFLOW.apply(case, CaseAction.SEND_FOR_FACTUAL_CHECK, chair)
    comment = factual.add_comment(hei, case, report, factual.OVERALL, "Three employers, not two.")
    factual.answer_comment(chair, case, comment, "rejected", "Two attended the meeting.")
    factual.declare_no_further_comments(hei, case, report)
    CASE_WORKFLOW.apply(case, CaseAction.FINALISE_REPORT, chair)
    db.session.commit()
    login(client, hei)
    for url in (f"/cases/{case.id}/report.pdf", f"/cases/{case.id}/report/versions/2.pdf"):
        pages = _pages(client.get(url).data)
        assert not any("DRAFT" in page for page in pages)
        assert report.final_sha256 in "".join(pages[0].split())
        assert "Final report · version 2" in pages[0]


def test_report_pdf_renders_frozen_content_directly(app):
    """report_pdf works from content alone (a version's stored JSON), so old versions render as frozen."""
    case, panel, report = _armenian_case()
    content = reports.report_content(report, 7)
    assert "Draft · version 7" in _pages(report_pdf(content))[0]


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_report_pages_are_accessible(app, client, locale):
    """The report, section, conclusion, version pages (chair) and the report with comment and answer forms
    (institution, chair) pass the accessibility checks: labelled fields, unique ids, one h1."""
    from tests.core.test_accessibility import assert_accessible
    from tests.reviews.test_report import add_evidence

    case, panel, report = _armenian_case()
    add_evidence(case)
    chair = panel[PanelRole.CHAIR].user
    login(client, chair)
    client.post("/language", data={"locale": locale})
    urls = [f"/cases/{case.id}", f"/cases/{case.id}/report", f"/cases/{case.id}/report/sections/1",
            f"/cases/{case.id}/report/conclusion", f"/cases/{case.id}/report/versions"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))
    hei = hei_user_for(case)
    CASE_WORKFLOW.apply(case, CaseAction.SEND_FOR_FACTUAL_CHECK, chair)
    factual.add_comment(hei, case, report, factual.OVERALL, "Three employers, not two.")
    factual.add_comment(hei, case, report, str(report.sections[0].id), "A date is wrong.")
    db.session.commit()
    for user in (chair, hei):
        viewer = app.test_client()
        login(viewer, user)
        viewer.post("/language", data={"locale": locale})
        for url in (f"/cases/{case.id}/report", f"/cases/{case.id}/report/versions/1", f"/cases/{case.id}"):
            response = viewer.get(url)
            assert response.status_code == 200, url
            assert_accessible(url, response.get_data(as_text=True))
