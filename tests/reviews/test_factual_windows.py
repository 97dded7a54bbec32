"""Issue 15, item 5: the institution's factual-accuracy window — new evidence uploaded with a comment, and the
"no further comments" declaration through the page."""
import io

from sqlalchemy import select

from qa_portal.extensions import db
from qa_portal.reviews.models import Confidentiality, Evidence, FactualComment, PanelRole
from qa_portal.reviews.services import report as reports
from tests.factories import login
from tests.reviews.factories import tiny_pdf
from tests.reviews.test_factual import sent_case


def test_institution_uploads_new_evidence_with_its_comment(app, client):
    """A comment may carry a new file: it is stored (content-checked) as panel-only evidence of the case and linked
    to the comment."""
    case, _panel, report, hei = sent_case()
    login(client, hei)
    response = client.post(f"/cases/{case.id}/report/comments", data={
        "section": str(report.sections[0].id), "comment": "The minutes of 12 March are attached.",
        "new_file": (io.BytesIO(tiny_pdf("Minutes")), "minutes.pdf"), "new_file_title": "Council minutes"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    comment = db.session.scalar(select(FactualComment).where(FactualComment.report_id == report.id))
    evidence = db.session.get(Evidence, comment.evidence_id)
    assert (evidence.title, evidence.case_id, evidence.confidentiality) == (
        "Council minutes", case.id, Confidentiality.PANEL_ONLY)


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_saved(app, client):
    """A fake PDF is refused at the form (4xx, the comment kept) and neither comment nor evidence is stored."""
    case, _panel, report, hei = sent_case()
    before = db.session.scalar(select(db.func.count(Evidence.id)))
    login(client, hei)
    response = client.post(f"/cases/{case.id}/report/comments", data={
        "section": str(report.sections[0].id), "comment": "See the attached file.",
        "new_file": (io.BytesIO(b"not a pdf at all"), "minutes.pdf")}, content_type="multipart/form-data")
    assert 400 <= response.status_code < 500 and "See the attached file." in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Evidence.id))) == before
    assert db.session.scalar(select(FactualComment).where(FactualComment.report_id == report.id)) is None


def test_no_further_comments_through_the_page_lets_the_chair_finalise_early(app, client):
    """The institution's button ends its window (the chair's finalise check no longer names it); only the
    institution has the button (the chair gets 403)."""
    case, panel, report, hei = sent_case()
    login(client, panel[PanelRole.CHAIR].user)
    assert client.post(f"/cases/{case.id}/report/no-further-comments", data={}).status_code == 403
    other = app.test_client()
    login(other, hei)
    assert "We have no further comments" in other.get(f"/cases/{case.id}/report").get_data(as_text=True)
    assert other.post(f"/cases/{case.id}/report/no-further-comments", data={}).status_code == 302
    db.session.expire_all()
    assert reports.finalise_problems(case) == []
    assert "declared on" in other.get(f"/cases/{case.id}/report").get_data(as_text=True)
    assert other.post(f"/cases/{case.id}/report/no-further-comments", data={}).status_code == 409
