"""Scoring on one page: a member saves every criterion with Save all (and may save and submit at once); the chair
records the consensus of many criteria in the summary grid; two saves from the same version end in the conflict
page with both texts, nothing lost."""
import pytest
from sqlalchemy import select, update

from qa_portal.extensions import db
from qa_portal.reviews.models import ConsensusJudgement, Judgement, PanelRole
from tests.factories import login
from tests.reviews.factories import criteria_of
from tests.reviews.test_concurrent_save import competing_save  # noqa: F401  (the fixture)
from tests.reviews.test_scoring import desk_review_case, judge_all, scale


def _rows(case, level, rationale: str, versions: dict | None = None, letter: str = "c") -> dict:
    data = {}
    for criterion in criteria_of(case):
        prefix = f"{letter}{criterion.id}-"
        data[prefix + "level"] = str(level.id)
        data[prefix + "rationale"] = f"{rationale} ({criterion.code})"
        data[prefix + "version"] = str((versions or {}).get(criterion.id, ""))
    return data


def _judgements(member) -> dict:
    db.session.expire_all()
    return {j.criterion_id: j for j in db.session.scalars(select(Judgement).where(Judgement.member_id == member.id))}


def _consensus(case) -> dict:
    db.session.expire_all()
    return {row.criterion_id: row for row in db.session.scalars(
        select(ConsensusJudgement).where(ConsensusJudgement.case_id == case.id))}


def test_member_page_is_one_form_with_save_all_and_submit(app, client):
    case, panel = desk_review_case()
    login(client, panel[PanelRole.ACADEMIC].user)
    html = client.get(f"/cases/{case.id}/scoring").get_data(as_text=True)
    assert html.count('class="editor" data-editor') == 1 and html.count('<form method="post"') == 1
    assert "Save all" in html and f"/cases/{case.id}/scoring/submit" in html
    assert all(f'name="c{criterion.id}-rationale"' in html for criterion in criteria_of(case))


def test_save_all_saves_every_criterion_at_once(app, client):
    case, panel = desk_review_case()
    member = panel[PanelRole.ACADEMIC]
    login(client, member.user)
    response = client.post(f"/cases/{case.id}/scoring", data=_rows(case, scale(case)[1], "Shown by the minutes"))
    assert response.status_code == 302
    saved = _judgements(member)
    assert len(saved) == len(criteria_of(case))
    assert all(judgement.level_id == scale(case)[1].id and judgement.is_complete for judgement in saved.values())


def test_save_and_submit_in_one_press_and_a_refusal_keeps_the_typing(app, client):
    case, panel = desk_review_case()
    member = panel[PanelRole.ACADEMIC]
    login(client, member.user)
    incomplete = _rows(case, scale(case)[0], "Careful words")
    incomplete[f"c{criteria_of(case)[0].id}-rationale"] = ""
    incomplete["confirmed"] = "yes"  # past the confirmation page, which re-posts every row
    refused = client.post(f"/cases/{case.id}/scoring/submit", data=incomplete)
    assert refused.status_code == 409 and "Careful words (" in refused.get_data(as_text=True)
    assert _judgements(member) == {}  # nothing half-saved
    assert client.post(f"/cases/{case.id}/scoring/submit",
                       data=_rows(case, scale(case)[0], "Careful words") | {"confirmed": "yes"}).status_code == 302
    db.session.refresh(member)
    assert member.scores_submitted_at is not None


def test_two_saves_of_judgements_from_the_same_version_end_in_the_conflict_page(app, client):
    case, panel = desk_review_case()
    member = panel[PanelRole.ACADEMIC]
    judge_all(member, rationale="Original.")
    base = {cid: judgement.version for cid, judgement in _judgements(member).items()}
    login(client, member.user)
    assert client.post(f"/cases/{case.id}/scoring", data=_rows(case, scale(case)[1], "Other window", base)
                       ).status_code == 302
    response = client.post(f"/cases/{case.id}/scoring", data=_rows(case, scale(case)[2], "This window", base))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Edit conflict" in html
    assert "Other window (" in html and "This window (" in html
    assert all(j.rationale.startswith("Other window") for j in _judgements(member).values())


def test_the_chair_records_the_consensus_of_many_criteria_in_the_grid(app, client):
    case, panel = desk_review_case()
    judge_all(panel[PanelRole.CHAIR], level_index=0, submit=True)
    judge_all(panel[PanelRole.ACADEMIC], level_index=2, submit=True)
    login(client, panel[PanelRole.CHAIR].user)
    html = client.get(f"/cases/{case.id}/scoring/summary").get_data(as_text=True)
    assert 'class="scoring-grid"' in html and "divergent: 2 levels apart" in html
    assert 'class="level level-0"' in html and scale(case)[0].label in html  # colour-coded AND labelled
    data = _rows(case, scale(case)[1], "Agreed at the meeting", letter="k")
    blank = criteria_of(case)[-1]
    data[f"k{blank.id}-level"], data[f"k{blank.id}-rationale"] = "", ""  # a row may stay blank
    assert client.post(f"/cases/{case.id}/scoring/summary", data=data).status_code == 302
    recorded = _consensus(case)
    assert set(recorded) == {criterion.id for criterion in criteria_of(case)[:-1]}
    started = dict(data)
    started[f"k{blank.id}-level"] = str(scale(case)[0].id)  # a started row needs its rationale
    response = client.post(f"/cases/{case.id}/scoring/summary", data=started)
    assert response.status_code == 400 and "Write the panel&#39;s rationale." in response.get_data(as_text=True)


def test_two_consensus_saves_from_the_same_version_end_in_the_conflict_page(app, client):
    case, panel = desk_review_case()
    judge_all(panel[PanelRole.CHAIR], submit=True)
    login(client, panel[PanelRole.CHAIR].user)
    url = f"/cases/{case.id}/scoring/summary"
    assert client.post(url, data=_rows(case, scale(case)[0], "First", letter="k")).status_code == 302
    base = {cid: row.version for cid, row in _consensus(case).items()}
    assert client.post(url, data=_rows(case, scale(case)[1], "Officer's merge", base, "k")).status_code == 302
    response = client.post(url, data=_rows(case, scale(case)[2], "Chair's words", base, "k"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Edit conflict" in html
    assert "Officer&#39;s merge (" in html and "Chair&#39;s words (" in html
    assert all(row.rationale.startswith("Officer's merge") for row in _consensus(case).values())


def test_a_member_cannot_post_the_grid(app, client):
    case, panel = desk_review_case()
    judge_all(panel[PanelRole.ACADEMIC], submit=True)
    login(client, panel[PanelRole.ACADEMIC].user)
    response = client.post(f"/cases/{case.id}/scoring/summary", data=_rows(case, scale(case)[0], "Mine", letter="k"))
    assert response.status_code == 403 and _consensus(case) == {}


@pytest.mark.committing  # the competing save commits on its own connection
def test_judgements_saved_at_the_same_moment_are_a_conflict_not_a_500(app, client, competing_save):  # noqa: F811
    case, panel = desk_review_case()
    member = panel[PanelRole.ACADEMIC]
    judge_all(member, rationale="Original.")
    saved = _judgements(member)
    base = {cid: judgement.version for cid, judgement in saved.items()}
    first = criteria_of(case)[0]
    login(client, member.user)
    competing_save(update(Judgement).where(Judgement.id == saved[first.id].id)
                   .values(rationale="Other window.", version=base[first.id] + 1))
    response = client.post(f"/cases/{case.id}/scoring", data=_rows(case, scale(case)[1], "This window", base))
    assert response.status_code == 409 and "Other window." in response.get_data(as_text=True)
    assert _judgements(member)[first.id].rationale == "Other window."


@pytest.mark.committing  # the competing save commits on its own connection
def test_consensus_recorded_at_the_same_moment_is_a_conflict_not_a_500(app, client, competing_save):  # noqa: F811
    case, panel = desk_review_case()
    judge_all(panel[PanelRole.CHAIR], submit=True)
    login(client, panel[PanelRole.CHAIR].user)
    url = f"/cases/{case.id}/scoring/summary"
    assert client.post(url, data=_rows(case, scale(case)[0], "First", letter="k")).status_code == 302
    recorded = _consensus(case)
    base = {cid: row.version for cid, row in recorded.items()}
    first = criteria_of(case)[0]
    competing_save(update(ConsensusJudgement).where(ConsensusJudgement.id == recorded[first.id].id)
                   .values(rationale="The officer's merge.", version=base[first.id] + 1))
    response = client.post(url, data=_rows(case, scale(case)[1], "Chair's words", base, "k"))
    assert response.status_code == 409 and "The officer&#39;s merge." in response.get_data(as_text=True)
    assert _consensus(case)[first.id].rationale == "The officer's merge."
