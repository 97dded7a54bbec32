"""Scoring pages: the member's page beside the SER, drafts, submission, locking, hidden judgements, the summary
with spread flags and consensus, the case-page card, constant query counts, and the internal PDF."""
import io

from pypdf import PdfReader

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.models import MemberStatus, PanelRole
from qa_portal.reviews.services.self_evaluation import version_levels
from tests.factories import login, make_user
from tests.reviews.factories import criteria_of, hei_user_for
from tests.reviews.panel_factories import seat
from tests.reviews.test_cases import QueryCounter
from tests.reviews.test_scoring import desk_review_case, judge_all, scale


def _post_judgement(client, case, criterion, level_id, rationale, evidence=()):
    prefix = f"c{criterion.id}-"
    data = {f"{prefix}level": str(level_id or ""), f"{prefix}rationale": rationale,
            f"{prefix}evidence": [str(item) for item in evidence]}
    return client.post(f"/cases/{case.id}/scoring/criteria/{criterion.id}", data=data)


def test_scoring_page_shows_ser_entry_beside_judgement_form(app, client):
    """The member's page shows per criterion the HEI's narrative, self-rating and evidence link, and the form."""
    case, panel = desk_review_case()
    login(client, panel[PanelRole.ACADEMIC].user)
    page = client.get(f"/cases/{case.id}/scoring")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "We do this well." in html and version_levels(case)[0].label in html
    assert f"/cases/{case.id}/evidence/{case.evidence[0].id}/download" in html
    assert client.get(f"/cases/{case.id}/evidence/{case.evidence[0].id}/download").status_code == 200
    assert f'name="c{criteria_of(case)[0].id}-rationale"' in html
    assert "Submit my judgements" in html


def test_scoring_page_refused_to_non_scorers(app, client):
    """The institution, an officer, the secretary and a member not yet cleared cannot open a scoring page."""
    case, _panel = desk_review_case(roles=(PanelRole.CHAIR, PanelRole.ACADEMIC, PanelRole.STUDENT,
                                           PanelRole.SECRETARY))
    proposed = seat(case, PanelRole.EMPLOYER, status=MemberStatus.PROPOSED)
    for user in (hei_user_for(case), make_user(Role.OFFICER), _panel[PanelRole.SECRETARY].user, proposed.user):
        other = app.test_client()
        login(other, user)
        assert other.get(f"/cases/{case.id}/scoring").status_code in (403, 404)
        response = _post_judgement(other, case, criteria_of(case)[0], scale(case)[0].id, "x")
        assert response.status_code in (403, 404)


def test_draft_save_then_submit_refused_while_incomplete(app, client):
    """A draft saves without a rationale; submitting then answers 409 naming the criteria still missing."""
    case, panel = desk_review_case()
    member = panel[PanelRole.ACADEMIC]
    login(client, member.user)
    first = criteria_of(case)[0]
    response = _post_judgement(client, case, first, scale(case)[1].id, "", [case.evidence[0].id])
    assert response.status_code == 302
    refused = client.post(f"/cases/{case.id}/scoring/submit")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert all(criterion.code in html for criterion in criteria_of(case))
    db.session.refresh(member)
    assert member.scores_submitted_at is None


def test_bad_level_keeps_typed_rationale(app, client):
    """A level of another scale is refused at the field (409) with the member's rationale kept."""
    case, panel = desk_review_case()
    other_case, _ = desk_review_case()
    login(client, panel[PanelRole.ACADEMIC].user)
    criterion = criteria_of(case)[0]
    # the other case's level is not a choice here: the form itself rejects it (400), text kept
    response = _post_judgement(client, case, criterion, scale(other_case)[0].id, "My careful words.")
    assert response.status_code == 400
    assert "My careful words." in response.get_data(as_text=True)


def test_submit_locks_judgements_page_and_post(app, client):
    """After submitting, the page shows the judgements read-only and a further save is a 409."""
    case, panel = desk_review_case()
    member = panel[PanelRole.ACADEMIC]
    login(client, member.user)
    for criterion in criteria_of(case):
        assert _post_judgement(client, case, criterion, scale(case)[0].id, "Backed by the policy.").status_code == 302
    confirmation = client.post(f"/cases/{case.id}/scoring/submit")
    assert confirmation.status_code == 200 and "cannot be changed" in confirmation.get_data(as_text=True)
    assert client.post(f"/cases/{case.id}/scoring/submit", data={"confirmed": "yes"}).status_code == 302
    page = client.get(f"/cases/{case.id}/scoring").get_data(as_text=True)
    assert "locked" in page and f'name="c{criteria_of(case)[0].id}-rationale"' not in page
    response = _post_judgement(client, case, criteria_of(case)[0], scale(case)[2].id, "Changed my mind.")
    assert response.status_code == 409


def test_page_hides_others_judgements_until_own_submitted(app, client):
    """On the page, a member (the chair too) sees another's rationale only after submitting their own."""
    case, panel = desk_review_case()
    judge_all(panel[PanelRole.ACADEMIC], rationale="Secret academic view.", submit=True)
    chair = panel[PanelRole.CHAIR]
    login(client, chair.user)
    for url in (f"/cases/{case.id}/scoring", f"/cases/{case.id}/scoring/summary",
                f"/cases/{case.id}/scoring/summary.pdf"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"Secret academic view." not in response.data
    judge_all(chair, submit=True)
    assert "Secret academic view." in client.get(f"/cases/{case.id}/scoring").get_data(as_text=True)
    assert "Secret academic view." in client.get(f"/cases/{case.id}/scoring/summary").get_data(as_text=True)


def test_summary_only_for_officers_and_chair(app, client):
    """The summary and its PDF answer 403 to other members and to the institution."""
    case, panel = desk_review_case()
    for user in (panel[PanelRole.ACADEMIC].user, hei_user_for(case)):
        other = app.test_client()
        login(other, user)
        assert other.get(f"/cases/{case.id}/scoring/summary").status_code == 403
        assert other.get(f"/cases/{case.id}/scoring/summary.pdf").status_code == 403
    officer = app.test_client()
    login(officer, make_user(Role.OFFICER))
    assert officer.get(f"/cases/{case.id}/scoring/summary").status_code == 200


def test_summary_flags_divergence_and_chair_records_consensus(app, client):
    """The summary flags a two-level spread; the chair's consensus is saved; a member's attempt is a 403."""
    case, panel = desk_review_case()
    judge_all(panel[PanelRole.CHAIR], level_index=0, submit=True)
    judge_all(panel[PanelRole.ACADEMIC], level_index=2, submit=True)
    login(client, panel[PanelRole.CHAIR].user)
    html = client.get(f"/cases/{case.id}/scoring/summary").get_data(as_text=True)
    assert "divergent: 2 levels apart" in html
    criterion = criteria_of(case)[0]
    blank = client.post(f"/cases/{case.id}/scoring/criteria/{criterion.id}/consensus",
                        data={f"k{criterion.id}-level": str(scale(case)[1].id), f"k{criterion.id}-rationale": ""})
    assert blank.status_code == 400
    saved = client.post(f"/cases/{case.id}/scoring/criteria/{criterion.id}/consensus",
                        data={f"k{criterion.id}-level": str(scale(case)[1].id),
                              f"k{criterion.id}-rationale": "Met with minor gaps, as discussed."})
    assert saved.status_code == 302
    assert "Met with minor gaps, as discussed." in client.get(f"/cases/{case.id}/scoring/summary").get_data(
        as_text=True)
    academic = app.test_client()
    login(academic, panel[PanelRole.ACADEMIC].user)
    response = academic.post(f"/cases/{case.id}/scoring/criteria/{criterion.id}/consensus",
                             data={f"k{criterion.id}-level": str(scale(case)[0].id),
                                   f"k{criterion.id}-rationale": "Mine."})
    assert response.status_code == 403


def test_case_page_card_shows_deadline_and_links(app, client):
    """The case page's scoring card shows the member's deadline, overdue flag and the way to their judgements."""
    from datetime import timedelta

    from qa_portal.core.models import utcnow

    case, panel = desk_review_case()
    member = panel[PanelRole.STUDENT]
    member.scoring_due_at = utcnow() - timedelta(days=2)
    db.session.commit()
    login(client, member.user)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "My judgements" in html and "overdue" in html
    hei = app.test_client()
    login(hei, hei_user_for(case))
    assert "My judgements" not in hei.get(f"/cases/{case.id}").get_data(as_text=True)


def test_scoring_pages_keep_a_constant_number_of_queries(app, client):
    """The member page, the summary and the case page run as many statements with more criteria and members."""
    def measure(standards, criteria, roles):
        case, panel = desk_review_case(standards=standards, criteria=criteria, roles=roles)
        for role in roles:
            judge_all(panel[role], submit=role != PanelRole.CHAIR)
        judge_all(panel[PanelRole.CHAIR], submit=True)
        result = []
        for user, url in ((panel[PanelRole.CHAIR].user, f"/cases/{case.id}/scoring"),
                          (panel[PanelRole.CHAIR].user, f"/cases/{case.id}/scoring/summary"),
                          (panel[PanelRole.CHAIR].user, f"/cases/{case.id}")):
            viewer = app.test_client()
            login(viewer, user)
            with QueryCounter() as counter:
                assert viewer.get(url).status_code == 200
            result.append(counter.count)
        return result

    small = measure(1, 1, (PanelRole.CHAIR, PanelRole.STUDENT))
    large = measure(3, 3, (PanelRole.CHAIR, PanelRole.ACADEMIC, PanelRole.STUDENT, PanelRole.EMPLOYER,
                           PanelRole.INTERNATIONAL))
    assert large == small


def test_scoring_summary_pdf_lists_levels_rationales_spread_and_consensus(app, client):
    """The internal PDF shows per criterion each member's level and rationale, the spread flag and the consensus."""
    from qa_portal.reviews.services import scoring

    case, panel = desk_review_case(standards=1, criteria=1)
    chair = panel[PanelRole.CHAIR]
    judge_all(chair, level_index=0, rationale="Chair: fully shown.", submit=True)
    judge_all(panel[PanelRole.ACADEMIC], level_index=2, rationale="Academic: only partly.", submit=True)
    criterion = criteria_of(case)[0]
    scoring.record_consensus(chair.user, case, criterion.id, scale(case)[1].id, "Agreed: substantially.")
    db.session.commit()
    login(client, make_user(Role.OFFICER))
    response = client.get(f"/cases/{case.id}/scoring/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("Chair: fully shown.", "Academic: only partly.", "Agreed: substantially.", "Divergent",
                     scale(case)[0].label, scale(case)[2].label, criterion.code, "internal"):
        assert expected in text, expected
