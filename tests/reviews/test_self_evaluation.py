"""The SER: entries per criterion, plain-text narratives, progress and warnings, stale edits, submit/return/accept."""
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState, SelfEvaluation, SerEntry, SerSubmission
from qa_portal.reviews.services.self_evaluation import ser_overview
from tests.factories import login, make_user
from tests.reviews.factories import (
    complete_ser, criteria_of, first_level, hei_user_for, make_case, make_evidence, write_entry,
)
from tests.standards.factories import make_version
from qa_portal.standards.models import VersionStatus


def _entry(case, criterion):
    db.session.expire_all()
    return db.session.scalar(select(SerEntry).where(SerEntry.case_id == case.id, SerEntry.criterion_id == criterion.id))


def test_hei_user_writes_an_entry_with_rating_and_evidence_links(app, client):
    """Saving an entry stores the narrative, the self-rating and the evidence linked to the criterion."""
    case = make_case()
    criterion = criteria_of(case)[0]
    evidence = make_evidence(case)
    login(client, hei_user_for(case))
    response = client.post(f"/cases/{case.id}/ser/criteria/{criterion.id}", data={
        "version": "", "narrative": "Our policy.", "level": str(first_level(case).id), "justification": "",
        "evidence": [str(evidence.id)]})
    assert response.status_code == 302
    entry = _entry(case, criterion)
    assert entry.narrative == "Our policy." and entry.level_id == first_level(case).id and entry.version == 1
    db.session.refresh(evidence)
    assert [c.id for c in evidence.criteria] == [criterion.id]


def test_narrative_is_plain_text_never_raw_html(app, client):
    """A narrative containing HTML is shown escaped, with its paragraphs kept."""
    case = make_case()
    write_entry(case, criteria_of(case)[0], narrative="<script>alert(1)</script>\n\n<b>Second</b> paragraph")
    login(client, hei_user_for(case))
    page = client.get(f"/cases/{case.id}/ser").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<p>&lt;b&gt;Second&lt;/b&gt; paragraph</p>" in page


def test_self_rating_must_come_from_the_case_version_scale(app, client):
    """A level of another standard-set version is refused and nothing is saved."""
    case = make_case()
    foreign_level = make_version(VersionStatus.APPROVED).levels[0]
    criterion = criteria_of(case)[0]
    login(client, hei_user_for(case))
    response = client.post(f"/cases/{case.id}/ser/criteria/{criterion.id}",
                           data={"narrative": "x", "level": str(foreign_level.id)})
    assert response.status_code in (400, 409)
    assert _entry(case, criterion) is None


def test_stale_save_shows_conflict_with_both_texts_and_loses_nothing(app, client):
    """Two colleagues edit one entry: the later save based on the old version gets a conflict page with both texts;
    the saved text stays, the user's text is kept in the form, and saving again then replaces it knowingly."""
    case = make_case()
    criterion = criteria_of(case)[0]
    write_entry(case, criterion, narrative="Original text.")
    anna, boris = hei_user_for(case), hei_user_for(case)
    url = f"/cases/{case.id}/ser/criteria/{criterion.id}"
    level = str(first_level(case).id)
    login(client, anna)
    assert client.post(url, data={"version": "1", "narrative": "Anna's text.", "level": level}).status_code == 302
    other = app.test_client()
    login(other, boris)
    response = other.post(url, data={"version": "1", "narrative": "Boris's text.", "level": level})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Anna&#39;s text." in page and "Boris&#39;s text." in page
    assert '<textarea' in page and "Boris&#39;s text.</textarea>" in page
    assert _entry(case, criterion).narrative == "Anna's text."
    assert 'name="version" type="hidden" value="2"' in page or 'value="2"' in page
    assert other.post(url, data={"version": "2", "narrative": "Merged text.", "level": level}).status_code == 302
    assert _entry(case, criterion).narrative == "Merged text."


def test_stale_save_of_ser_texts_is_a_conflict(app, client):
    """The SER summary texts have their own version counter and conflict page."""
    case = make_case()
    db.session.add(SelfEvaluation(case_id=case.id, summary="First summary."))
    db.session.commit()
    login(client, hei_user_for(case))
    url = f"/cases/{case.id}/ser/texts"
    assert client.post(url, data={"version": "1", "summary": "Second summary."}).status_code == 302
    response = client.post(url, data={"version": "1", "summary": "Stale summary."})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Second summary." in page and "Stale summary." in page


def test_progress_per_standard_and_overall(app):
    """Progress counts answered criteria (narrative + rating) and criteria with evidence, per standard and overall."""
    case = make_case(standards=2, criteria=2)
    c11, c12, c21, _c22 = criteria_of(case)
    write_entry(case, c11)
    write_entry(case, c12, rated=False)
    make_evidence(case, [c21])
    overview = ser_overview(case)
    assert (overview.overall.answered, overview.overall.with_evidence, overview.overall.total) == (1, 1, 4)
    first, second = overview.standards
    assert overview.per_standard[first.id].answered == 1 and overview.per_standard[first.id].answered_percent == 50
    assert overview.per_standard[second.id].with_evidence == 1


def test_ser_page_warns_of_unsupported_mandatory_criteria_and_unlinked_evidence(app, client):
    """The SER page warns of mandatory criteria without evidence or justification and of evidence linked to nothing."""
    case = make_case(standards=1, criteria=2)
    c1, c2 = criteria_of(case)
    write_entry(case, c1, justification="No document applies.")
    make_evidence(case, [], title="Orphan annex")
    login(client, hei_user_for(case))
    page = client.get(f"/cases/{case.id}/ser").get_data(as_text=True)
    assert f"Mandatory criterion {c2.code} has neither evidence nor a justification." in page
    assert f"Mandatory criterion {c1.code} has neither" not in page
    assert "“Orphan annex” is linked to no criterion" in page


def test_submit_return_resubmit_accept_keeps_every_submitted_copy(app, client):
    """Submit locks the SER and freezes a copy; return reopens it with reasons and the old copy stays readable;
    a resubmission makes copy 2; accept moves the case to panel formation."""
    case = make_case(standards=1, criteria=1)
    complete_ser(case)
    criterion = criteria_of(case)[0]
    hei, officer = hei_user_for(case), make_user(Role.OFFICER)
    hei_client, officer_client = app.test_client(), app.test_client()
    login(hei_client, hei)
    login(officer_client, officer)
    assert hei_client.post(f"/cases/{case.id}/actions/submit_ser", data={"confirmed": "yes"}).status_code == 302
    db.session.refresh(case)
    assert case.state == CaseState.SER_SUBMITTED
    entry_url = f"/cases/{case.id}/ser/criteria/{criterion.id}"
    response = hei_client.post(entry_url, data={"version": "1", "narrative": "Late change.", "level": ""})
    assert response.status_code == 409 and "locked" in response.get_data(as_text=True)

    response = officer_client.post(f"/cases/{case.id}/actions/return_ser",
                                   data={"comment": "Criterion C1.1 needs the assessment regulations.",
                                         "confirmed": "yes"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.state == CaseState.SER_IN_PREPARATION
    case_page = hei_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "needs the assessment regulations" in case_page

    level = str(first_level(case).id)
    assert hei_client.post(entry_url, data={"version": "1", "narrative": "Improved text.", "level": level,
                                            "justification": "Regulations are described."}).status_code == 302
    first_copy = hei_client.get(f"/cases/{case.id}/ser/submissions/1").get_data(as_text=True)
    assert "We do this well." in first_copy and "Improved text." not in first_copy
    assert "needs the assessment regulations" in first_copy

    assert hei_client.post(f"/cases/{case.id}/actions/submit_ser", data={"confirmed": "yes"}).status_code == 302
    assert officer_client.post(f"/cases/{case.id}/actions/accept_ser", data={}).status_code == 302
    db.session.expire_all()
    assert case.state == CaseState.PANEL_FORMATION
    copies = db.session.scalars(select(SerSubmission).where(SerSubmission.case_id == case.id)
                                .order_by(SerSubmission.number)).all()
    assert [c.number for c in copies] == [1, 2]
    assert copies[0].returned_at and copies[0].return_reasons.startswith("Criterion C1.1")
    assert copies[1].accepted_at and copies[1].content["standards"][0]["criteria"][0]["narrative"] == "Improved text."


def test_submit_is_refused_while_mandatory_criteria_are_missing(app, client):
    """Submitting an incomplete SER is refused without a confirmation step: back on the case page, which names the
    missing criteria, and the case stays as it was."""
    case = make_case(standards=1, criteria=2)
    login(client, hei_user_for(case))
    response = client.post(f"/cases/{case.id}/actions/submit_ser", data={})
    assert response.status_code == 303 and response.location.endswith(f"/cases/{case.id}#actions")
    assert criteria_of(case)[1].code in client.get(response.location).get_data(as_text=True)
    db.session.refresh(case)
    assert case.state == CaseState.SER_IN_PREPARATION


def test_officer_reads_but_cannot_edit_the_ser(app, client):
    """Officers read the SER; writing it is the institution's."""
    case = make_case()
    login(client, make_user(Role.OFFICER))
    assert client.get(f"/cases/{case.id}/ser").status_code == 200
    assert client.get(f"/cases/{case.id}/ser/criteria/{criteria_of(case)[0].id}").status_code == 403
    assert client.get(f"/cases/{case.id}/ser/texts").status_code == 403


def test_ser_pdf_of_a_submitted_copy(app, client):
    """The submitted copy downloads as a PDF attachment with the institution, criteria and evidence checksums."""
    case = make_case(standards=1, criteria=1)
    complete_ser(case)
    hei = hei_user_for(case)
    login(client, hei)
    client.post(f"/cases/{case.id}/actions/submit_ser", data={"confirmed": "yes"})
    response = client.get(f"/cases/{case.id}/ser/submissions/1.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data.startswith(b"%PDF")


def test_late_submission_is_flagged_on_the_copy(app, client):
    """An SER submitted after its due date is flagged as late on the SER page and the case page."""
    from datetime import timedelta

    from qa_portal.core.models import utcnow

    case = make_case(standards=1, criteria=1, ser_due_at=utcnow() - timedelta(days=1))
    complete_ser(case)
    login(client, hei_user_for(case))
    assert client.post(f"/cases/{case.id}/actions/submit_ser", data={"confirmed": "yes"}).status_code == 302
    copy = db.session.scalar(select(SerSubmission).where(SerSubmission.case_id == case.id))
    assert copy.content["late"] is True
    assert "submitted late" in client.get(f"/cases/{case.id}/ser").get_data(as_text=True)
    assert "submitted late" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_an_unknown_submission_number_is_404(app, client):
    """A submitted copy that does not exist answers 404, not an error."""
    case = make_case()
    login(client, hei_user_for(case))
    assert client.get(f"/cases/{case.id}/ser/submissions/7").status_code == 404
