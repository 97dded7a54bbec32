"""The SER one standard per page: Save all saves every criterion at once, saving one criterion keeps the others'
typing as a draft, the draft endpoint keeps typing as the user types, and two saves from the same version end in
the conflict page with both texts, nothing lost."""
from sqlalchemy import select

from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState, SerDraft, SerEntry
from tests.factories import login
from tests.reviews.factories import first_level, hei_user_for, make_case, write_entry


def _standard(case):
    return case.standard_version.standards[0]


def _page_data(standard, level, texts: dict, versions: dict | None = None, save: str = "all") -> dict:
    data = {"save": save}
    for criterion in standard.criteria:
        prefix = f"c{criterion.id}-"
        data[prefix + "narrative"] = texts.get(criterion.id, "")
        data[prefix + "level"] = str(level.id) if texts.get(criterion.id) else ""
        data[prefix + "justification"] = "No document exists; the narrative describes the practice."
        data[prefix + "version"] = str((versions or {}).get(criterion.id, ""))
    return data


def _entries(case) -> dict:
    db.session.expire_all()
    entries = db.session.scalars(select(SerEntry).where(SerEntry.case_id == case.id))
    return {entry.criterion_id: entry for entry in entries}


def _drafts(case) -> dict:
    db.session.expire_all()
    drafts = db.session.scalars(select(SerDraft).where(SerDraft.case_id == case.id))
    return {draft.criterion_id: draft for draft in drafts}


def test_the_page_shows_every_criterion_of_the_standard_in_one_form(app, client):
    case = make_case(criteria=3)
    standard = _standard(case)
    login(client, hei_user_for(case))
    page = client.get(f"/cases/{case.id}/ser/standards/{standard.id}").get_data(as_text=True)
    assert page.count("<form method=\"post\" novalidate class=\"editor\"") == 1
    for criterion in standard.criteria:
        assert f'name="c{criterion.id}-narrative"' in page and criterion.code in page
    assert "Save all criteria of" in page and "js/editors.js" in page


def test_save_all_saves_every_criterion_of_the_standard_at_once(app, client):
    case = make_case(criteria=3)
    standard, level = _standard(case), first_level(case)
    login(client, hei_user_for(case))
    texts = {criterion.id: f"How we meet {criterion.code}." for criterion in standard.criteria}
    response = client.post(f"/cases/{case.id}/ser/standards/{standard.id}", data=_page_data(standard, level, texts))
    assert response.status_code == 302
    entries = _entries(case)
    assert {entries[cid].narrative for cid in texts} == set(texts.values())
    assert all(entries[cid].level_id == level.id for cid in texts)


def test_saving_one_criterion_keeps_the_others_typing_as_a_draft(app, client):
    case = make_case(criteria=2)
    standard, level = _standard(case), first_level(case)
    first, second = standard.criteria
    login(client, hei_user_for(case))
    texts = {first.id: "Saved now.", second.id: "Typed, not saved yet."}
    response = client.post(f"/cases/{case.id}/ser/standards/{standard.id}",
                           data=_page_data(standard, level, texts, save=str(first.id)))
    assert response.status_code == 302
    assert set(_entries(case)) == {first.id}
    assert _drafts(case)[second.id].narrative == "Typed, not saved yet."
    page = client.get(f"/cases/{case.id}/ser/standards/{standard.id}").get_data(as_text=True)
    assert "Typed, not saved yet.</textarea>" in page and "unsaved draft" in page


def test_typing_is_kept_as_a_draft_and_dropped_once_saved(app, client):
    case = make_case(criteria=2)
    standard, level = _standard(case), first_level(case)
    first = standard.criteria[0]
    login(client, hei_user_for(case))
    response = client.post(f"/cases/{case.id}/ser/standards/{standard.id}/draft",
                           data=_page_data(standard, level, {first.id: "Half a sentence"}))
    assert response.status_code == 200 and response.get_json()["saved"] is True
    assert _drafts(case)[first.id].narrative == "Half a sentence"
    assert _entries(case) == {}  # a draft is not the entry
    client.post(f"/cases/{case.id}/ser/standards/{standard.id}",
                data=_page_data(standard, level, {first.id: "Half a sentence, finished."}))
    assert _entries(case)[first.id].narrative == "Half a sentence, finished."
    assert _drafts(case) == {}


def test_two_saves_from_the_same_version_end_in_the_conflict_page_with_both_texts(app, client):
    case = make_case(criteria=2)
    standard, level = _standard(case), first_level(case)
    first = standard.criteria[0]
    entry = write_entry(case, first, narrative="Original text.")
    base = {first.id: entry.version}
    login(client, hei_user_for(case))
    url = f"/cases/{case.id}/ser/standards/{standard.id}"
    assert client.post(url, data=_page_data(standard, level, {first.id: "Colleague's text."}, base)).status_code == 302
    response = client.post(url, data=_page_data(standard, level, {first.id: "My text."}, base))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Colleague&#39;s text." in page and "My text.</textarea>" in page and "Edit conflict" in page
    assert _entries(case)[first.id].narrative == "Colleague's text."
    # saving again from the conflict page replaces the saved version, knowingly
    again = dict(_page_data(standard, level, {first.id: "Merged text."}, {first.id: _entries(case)[first.id].version}))
    assert client.post(url, data=again).status_code == 302
    assert _entries(case)[first.id].narrative == "Merged text."


def test_the_page_is_only_for_the_ser_in_preparation_and_the_institution(app, client):
    case = make_case(criteria=1, state=CaseState.SER_SUBMITTED)
    standard, level = _standard(case), first_level(case)
    login(client, hei_user_for(case))
    url = f"/cases/{case.id}/ser/standards/{standard.id}"
    assert client.get(url).headers["Location"].endswith(f"/cases/{case.id}/ser")  # the SER page says it is locked
    assert client.post(url, data=_page_data(standard, level, {standard.criteria[0].id: "Late."})).status_code == 409
    assert client.post(url + "/draft", data=_page_data(standard, level, {})).status_code == 409
    other = make_case(criteria=1)
    assert client.get(f"/cases/{other.id}/ser/standards/{_standard(other).id}").status_code == 403
    assert client.get(f"/cases/{case.id}/ser/standards/{_standard(other).id}").status_code == 404


def test_odd_input_is_a_clear_400_not_a_500(app, client):
    case = make_case(criteria=1)
    standard, level = _standard(case), first_level(case)
    login(client, hei_user_for(case))
    data = _page_data(standard, level, {standard.criteria[0].id: "Text\x00with NUL"})
    data[f"c{standard.criteria[0].id}-level"] = "99999999999999"
    url = f"/cases/{case.id}/ser/standards/{standard.id}"
    assert client.post(url, data=data).status_code == 400
    assert client.post(url + "/draft", data=data).status_code == 400
    assert _entries(case) == {} and _drafts(case) == {}


def test_the_demo_shows_a_criterion_typed_but_not_saved_yet(app, client):
    from qa_portal.auth.models import User
    from qa_portal.demo import load_demo
    from qa_portal.demo.accounts import DEMO_PASSWORD
    from qa_portal.reviews.models import Case
    from qa_portal.standards.models import Criterion

    load_demo()
    db.session.commit()
    draft = db.session.scalar(select(SerDraft))
    assert draft is not None and "not saved yet" in draft.narrative
    case = db.session.get(Case, draft.case_id)
    standard_id = db.session.get(Criterion, draft.criterion_id).standard_id
    login(client, db.session.get(User, draft.user_id), DEMO_PASSWORD)
    page = client.get(f"/cases/{case.id}/ser/standards/{standard_id}").get_data(as_text=True)
    assert "unsaved draft" in page and "not saved yet" in page
