"""The factual-accuracy check: the institution comments on sections of the sent draft within its window, the chair
answers each, finalising needs every comment answered (and, while the window is open, at least one comment), and
the final report is frozen with a SHA-256 that matches its stored content."""
import hashlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.reviews.services import factual
from qa_portal.reviews.services import report as reports
from qa_portal.reviews.models import CaseState, CommentResponseKind, FactualComment, PanelReportVersion, PanelRole, \
    ReportStatus
from qa_portal.core.workflow import TransitionRefused
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.factories import login, make_institution, make_user
from tests.reviews.factories import hei_user_for, make_case, make_evidence
from tests.reviews.test_cases import QueryCounter
from tests.reviews.test_report import add_evidence, drafting_case
from tests.reviews.walk_setups import drafted_report


def sent_case(**fields):
    """A case in the factual-accuracy check: report sent (version 1), window open, with one evidence file."""
    case, panel = drafting_case(**fields)
    drafted_report(case)
    add_evidence(case)
    CASE_WORKFLOW.apply(case, CaseAction.SEND_FOR_FACTUAL_CHECK, panel[PanelRole.CHAIR].user)
    db.session.commit()
    return case, panel, reports.report_of(case), hei_user_for(case)


def _comment(case, report, hei, text="The date of the council meeting is 12 March, not 21 March."):
    comment = factual.add_comment(hei, case, report, str(report.sections[0].id), text)
    db.session.commit()
    return comment


def test_institution_comments_on_a_section_with_evidence_while_the_window_is_open(app, client):
    """An HEI user comments on a standard's section, attaching one of the case's evidence files."""
    case, panel, report, hei = sent_case()
    login(client, hei)
    page = client.get(f"/cases/{case.id}/report").get_data(as_text=True)
    assert "Comment on the facts" in page
    response = client.post(f"/cases/{case.id}/report/comments", data={
        "section": str(report.sections[1].id), "comment": "The policy was approved in 2024.",
        "evidence": str(case.evidence[0].id)})
    assert response.status_code == 302
    comment = db.session.scalar(select(FactualComment))
    assert (comment.section_id, comment.evidence_id, comment.version_number) == (
        report.sections[1].id, case.evidence[0].id, 1)
    assert comment.section_label.startswith("S2 ")


def test_institution_may_comment_on_the_overall_conclusion(app):
    """The overall conclusion is a section the institution may comment on."""
    case, panel, report, hei = sent_case()
    comment = factual.add_comment(hei, case, report, factual.OVERALL, "Three employers took part, not two.")
    assert comment.section_id is None and comment.section_label == "Overall conclusion and recommendation"


def test_comments_after_the_window_closed_are_refused_with_409(app, client):
    """Once the working-day window has passed, the service and a direct POST refuse comments with 409."""
    case, panel, report, hei = sent_case()
    report.factual_check_due_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(reports.ReportLocked):
        _comment(case, report, hei)
    db.session.rollback()
    login(client, hei)
    response = client.post(f"/cases/{case.id}/report/comments", data={
        "section": "overall", "comment": "Late comment."})
    assert response.status_code == 409
    assert db.session.scalar(select(FactualComment)) is None


def test_only_the_institution_comments_and_only_on_its_own_cases_evidence(app, client):
    """The chair, an officer and another institution's user get 403; another case's evidence is refused (409)."""
    case, panel, report, hei = sent_case()
    data = {"section": "overall", "comment": "A comment."}
    for user in (panel[PanelRole.CHAIR].user, make_user(Role.OFFICER), make_user(Role.HEI,
                                                                                  institution=make_institution())):
        login(client, user)
        assert client.post(f"/cases/{case.id}/report/comments", data=data).status_code == 403
        client.post("/logout")
    foreign = make_evidence(make_case(), title="Elsewhere")
    with pytest.raises(reports.DomainError) as error:
        factual.add_comment(hei, case, report, "overall", "Text.", foreign.id)
    assert error.value.field == "evidence"


def test_chair_answers_each_comment_accepted_or_rejected_and_the_institution_sees_the_answer(app, client):
    """The chair answers with a response and a text; other members and the HEI get 403; the HEI reads the answer."""
    case, panel, report, hei = sent_case()
    comment = _comment(case, report, hei)
    url = f"/cases/{case.id}/report/comments/{comment.id}/answer"
    data = {f"comment-{comment.id}-response": "accepted",
            f"comment-{comment.id}-answer": "Corrected: the meeting was on 12 March."}
    for user in (panel[PanelRole.ACADEMIC].user, panel[PanelRole.SECRETARY].user, hei):
        login(client, user)
        assert client.post(url, data=data).status_code == 403
        client.post("/logout")
    login(client, panel[PanelRole.CHAIR].user)
    assert client.post(url, data={f"comment-{comment.id}-response": "accepted"}).status_code == 400
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(comment)
    assert comment.response == CommentResponseKind.ACCEPTED and comment.answered_at is not None
    client.post("/logout")
    login(client, hei)
    page = client.get(f"/cases/{case.id}/report").get_data(as_text=True)
    assert "Corrected: the meeting was on 12 March." in page and "Accepted" in page


def test_an_answer_needs_a_response_and_a_text(app):
    """The service refuses an answer without accepted/rejected or without text (409 on the field)."""
    case, panel, report, hei = sent_case()
    comment = _comment(case, report, hei)
    chair = panel[PanelRole.CHAIR].user
    with pytest.raises(reports.DomainError) as error:
        factual.answer_comment(chair, case, comment, "maybe", "Text.")
    assert error.value.field == "response"
    with pytest.raises(reports.DomainError) as error:
        factual.answer_comment(chair, case, comment, "rejected", "  ")
    assert error.value.field == "answer"


# --- finalising ----------------------------------------------------------------------------------------------

def test_an_unanswered_comment_blocks_finalising_even_after_the_window(app):
    """Every comment must be answered before finalising, whether or not the window has passed."""
    case, panel, report, hei = sent_case()
    _comment(case, report, hei)
    report.factual_check_due_at = utcnow() - timedelta(days=1)
    assert "not answered" in " ".join(reports.finalise_problems(case))
    with pytest.raises(TransitionRefused):
        CASE_WORKFLOW.apply(case, CaseAction.FINALISE_REPORT, panel[PanelRole.CHAIR].user)


def test_one_answered_comment_does_not_end_the_window_but_no_further_comments_does(app):
    """Issue 15: the chair once finalised on the day the report was sent because one comment counted as "comments
    in". While the window is open, finalising waits — after an answered comment too — until the institution
    declares it has no further comments (audited); then it may be finalised before the due date."""
    case, panel, report, hei = sent_case()
    assert "window is open" in " ".join(reports.finalise_problems(case))
    comment = _comment(case, report, hei)
    factual.answer_comment(panel[PanelRole.CHAIR].user, case, comment, "rejected", "The minutes say 21 March.")
    assert "window is open" in " ".join(reports.finalise_problems(case))
    with pytest.raises(TransitionRefused):
        CASE_WORKFLOW.apply(case, CaseAction.FINALISE_REPORT, panel[PanelRole.CHAIR].user)
    factual.declare_no_further_comments(hei, case, report)
    assert reports.finalise_problems(case) == []
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "panel_report.no_further_comments"))
    with pytest.raises(reports.ReportLocked):
        _comment(case, report, hei, "One more thing.")


def test_after_the_window_passed_silence_does_not_block_finalising(app):
    """When the window has passed without comments, the report may be finalised."""
    case, panel, report, hei = sent_case()
    report.factual_check_due_at = utcnow() - timedelta(minutes=1)
    assert reports.finalise_problems(case) == []


def _finalised(case, panel, report, hei):
    comment = _comment(case, report, hei)
    chair = panel[PanelRole.CHAIR].user
    factual.answer_comment(chair, case, comment, "accepted", "Corrected.")
    factual.declare_no_further_comments(hei, case, report)
    reports.save_section(chair, case, report.sections[0], {"findings": "Corrected findings."},
                         report.sections[0].level_id)
    CASE_WORKFLOW.apply(case, CaseAction.FINALISE_REPORT, chair)
    db.session.commit()
    return comment


def test_finalising_freezes_the_final_version_whose_hash_matches_its_stored_content(app):
    """The final version is marked final; its SHA-256, recomputed from the stored JSON, equals the report's."""
    case, panel, report, hei = sent_case()
    _finalised(case, panel, report, hei)
    db.session.expire_all()
    report = reports.report_of(case)
    final = db.session.scalar(select(PanelReportVersion).where(PanelReportVersion.is_final.is_(True)))
    assert (report.status, case.state) == (ReportStatus.FINAL, CaseState.DECISION_PENDING)
    assert report.finalised_at is not None and report.finalised_by_id == panel[PanelRole.CHAIR].user_id
    assert final.number == 3 and final.content["final"] is True
    recomputed = hashlib.sha256(json.dumps(final.content, sort_keys=True, separators=(",", ":"),
                                           ensure_ascii=False).encode("utf-8")).hexdigest()
    assert recomputed == final.sha256 == report.final_sha256
    assert final.content["sections"][0]["findings"] == "Corrected findings."


def test_the_final_report_refuses_edits_comments_and_answers_with_409(app, client):
    """After finalising, the services and direct POSTs of a section, the conclusion, a comment and an answer
    are refused with 409 and change nothing."""
    case, panel, report, hei = sent_case()
    comment = _finalised(case, panel, report, hei)
    chair = panel[PanelRole.CHAIR].user
    with pytest.raises(reports.ReportLocked):
        reports.save_section(chair, case, report.sections[0], {"findings": "Changed."}, None)
    with pytest.raises(reports.ReportLocked):
        reports.save_conclusion(chair, case, report, "Changed.", None, "")
    with pytest.raises(reports.ReportLocked):
        factual.add_comment(hei, case, report, "overall", "Late.")
    with pytest.raises(reports.ReportLocked):
        factual.answer_comment(chair, case, comment, "rejected", "Changed my mind.")
    db.session.rollback()
    login(client, chair)
    level = str(report.sections[0].level_id)
    assert client.post(f"/cases/{case.id}/report/sections/1", data={"findings": "Changed.", "level": level}
                       ).status_code == 409
    assert client.post(f"/cases/{case.id}/report/conclusion", data={"overall_conclusion": "Changed.",
                                                                    "recommended_outcome": ""}).status_code == 409
    assert client.post(f"/cases/{case.id}/report/comments/{comment.id}/answer", data={
        f"comment-{comment.id}-response": "rejected", f"comment-{comment.id}-answer": "No."}).status_code == 409
    client.post("/logout")
    login(client, hei)
    assert client.post(f"/cases/{case.id}/report/comments", data={"section": "overall", "comment": "Late."}
                       ).status_code == 409
    db.session.expire_all()
    final = reports.report_of(case)
    assert final.sections[0].findings == "Corrected findings."
    assert db.session.scalar(select(FactualComment).where(FactualComment.id == comment.id)).answer == "Corrected."
    assert len(db.session.scalars(select(FactualComment)).all()) == 1
    assert reports.content_sha256(reports.report_content(final, 3, True)) == final.final_sha256


def test_report_page_keeps_a_constant_number_of_queries(app, client):
    """The report page runs as many statements with 1 comment as with 4, for the chair and for the institution."""
    case, panel, report, hei = sent_case()
    _comment(case, report, hei)

    def counts() -> list[int]:
        result = []
        for user in (panel[PanelRole.CHAIR].user, hei):
            login(client, user)
            with QueryCounter() as counter:
                assert client.get(f"/cases/{case.id}/report").status_code == 200
            result.append(counter.count)
            client.post("/logout")
        return result

    small = counts()
    for number in range(3):
        comment = _comment(case, report, hei, f"Comment {number}.")
        factual.answer_comment(panel[PanelRole.CHAIR].user, case, comment, "accepted", "Yes.")
        add_evidence(case, f"File {number}")
    db.session.commit()
    assert counts() == small


def test_officers_and_every_cleared_member_read_the_comments_and_answers(app, client):
    """The comments and the chair's answers are visible to officers and to every cleared member, not only the chair."""
    case, panel, report, hei = sent_case()
    comment = _comment(case, report, hei)
    factual.answer_comment(panel[PanelRole.CHAIR].user, case, comment, "rejected", "The minutes say 21 March.")
    db.session.commit()
    for user in (make_user(Role.OFFICER), panel[PanelRole.STUDENT].user, panel[PanelRole.SECRETARY].user):
        login(client, user)
        page = client.get(f"/cases/{case.id}/report").get_data(as_text=True)
        assert "The date of the council meeting is 12 March" in page and "The minutes say 21 March." in page
        assert "Save the answer" not in page  # only the chair answers
        client.post("/logout")
