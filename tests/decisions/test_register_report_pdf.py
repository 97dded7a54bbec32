"""The published panel report on the register (ESG 2.6): /register/<id>/report.pdf serves the final frozen version
of a published decision's case to anyone — never a draft, nothing of an unpublished decision — and renders
Armenian text."""
import copy
import io
import os

from pypdf import PdfReader

from qa_portal.auth.models import Role
from qa_portal.decisions.services.council import record_decision
from qa_portal.decisions.services.publication import publish_cases
from qa_portal.extensions import db
from qa_portal.reviews.models import PanelReportVersion
from tests.decisions.factories import (REPORT_CONTENT, council_member, decided_case, final_report, pending_case,
                                       published_case, valid_input)
from tests.factories import make_user

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "artifacts")


def _pages(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _armenian_content(case) -> dict:
    content = copy.deepcopy(REPORT_CONTENT)
    content["case"] = {"reference": case.reference, "institution": case.institution.name_en,
                       "institution_hy": "Երևանի պետական համալսարան", "standard_version": "Standards v1"}
    content["sections"][0]["strengths"] = "Ուժեղ կողմեր՝ գործատուների մասնակցություն."
    return content


def test_anyone_reads_the_published_final_report_as_a_pdf(app, client):
    """Anonymous visitors get the final report of a published decision: case reference, findings, conclusion and
    recommended outcome, the final version's hash, no DRAFT watermark; the decision page links it."""
    case, decision = published_case()
    response = client.get(f"/register/{decision.id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="{case.reference}-panel-report.pdf"' in response.headers["Content-Disposition"]
    pages = _pages(response.data)
    text = " ".join(pages)
    for expected in (case.reference, case.institution.name_en, "Final report · version 1", "S1 Learning outcomes",
                     "Outcomes are clear.", "Analyse feedback yearly.", "The panel finds the micro-credential sound.",
                     "Recommended outcome", "Positive", "Chair Person"):
        assert expected in text, expected
    assert "0" * 64 in "".join(pages[0].split()) and not any("DRAFT" in page for page in pages)
    page = client.get(f"/register/{decision.id}").get_data(as_text=True)
    assert f'href="/register/{decision.id}/report.pdf"' in page
    assert f'href="/register/{decision.id}/letter.pdf"' in page


def _published_with_content(content_of) -> tuple:
    """A published decision whose case's final report froze the content given (built from the case)."""
    case = pending_case(report=False)
    final_report(case, content=content_of(case))
    decision = record_decision(council_member(case), case, valid_input(case))
    db.session.commit()
    publish_cases(make_user(Role.OFFICER), [case.id])
    db.session.commit()
    return case, decision


def test_report_pdf_renders_armenian_text(app, client):
    """Armenian in the frozen report (institution name, findings) comes out of the PDF as Armenian text, and an
    Armenian-speaking visitor gets Armenian headings."""
    _case, decision = _published_with_content(_armenian_content)
    data = client.get(f"/register/{decision.id}/report.pdf").data
    text = " ".join(_pages(data))
    assert "Երևանի պետական համալսարան" in text and "Ուժեղ կողմեր" in text
    os.makedirs(ARTIFACTS, exist_ok=True)
    with open(os.path.join(ARTIFACTS, "published-panel-report.pdf"), "wb") as handle:
        handle.write(data)
    client.post("/language", data={"locale": "hy"})
    text = " ".join(_pages(client.get(f"/register/{decision.id}/report.pdf").data))
    assert "Վերջնական զեկույց · տարբերակ 1" in text and "Երևանի պետական համալսարան" in text


def test_unpublished_decisions_have_no_public_report(app, client):
    """A decided but unpublished decision's report answers 404 (the final report exists internally), as does an
    unknown decision."""
    _case, decision = decided_case()
    assert client.get(f"/register/{decision.id}/report.pdf").status_code == 404
    assert client.get("/register/999999/report.pdf").status_code == 404


def test_no_final_version_means_no_report_pdf_and_no_link(app, client):
    """Without a frozen final version (only a draft version), the register serves no report and shows no link:
    the draft is never published."""
    case, decision = published_case()
    db.session.query(PanelReportVersion).update({"is_final": False})
    db.session.commit()
    assert client.get(f"/register/{decision.id}/report.pdf").status_code == 404
    assert "/report.pdf" not in client.get(f"/register/{decision.id}").get_data(as_text=True)


def test_the_public_report_is_the_final_version_not_a_later_draft(app, client):
    """When versions exist besides the final one, the PDF is the final version's frozen text."""
    case, decision = published_case()
    final = db.session.scalar(db.select(PanelReportVersion).where(PanelReportVersion.is_final.is_(True)))
    draft = copy.deepcopy(REPORT_CONTENT)
    draft.update(number=2, final=False, overall_conclusion="A working draft nobody published.")
    db.session.add(PanelReportVersion(report_id=final.report_id, number=2, content=draft, sha256="1" * 64,
                                      is_final=False))
    db.session.commit()
    text = " ".join(_pages(client.get(f"/register/{decision.id}/report.pdf").data))
    assert "The panel finds the micro-credential sound." in text and "A working draft nobody published." not in text
    assert final.report.case_id == case.id
