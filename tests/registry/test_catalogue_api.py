"""The catalogue API: /api/v1/micro-credentials and /api/v1/institutions serve exactly what the public catalogue and
register show (published data only), with every specification element, cursor pages, filters, ETags and JSON
errors, in a fixed number of queries per page."""
from datetime import datetime

from sqlalchemy import update

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, MicroCredential, QaStatus, SpecificationVersion
from qa_portal.pilots.services import specifications as services
from tests.decisions.factories import statements_for
from tests.factories import make_institution, make_user
from tests.pilots.factories import complete_data, make_specification
from tests.registry.factories import published_decision, registry_institution, unpublished_decision
from tests.registry.test_errors import assert_api_error

API = "/api/v1"


def published(institution=None, **data) -> SpecificationVersion:
    """A micro-credential with one published version."""
    return make_specification(institution or make_institution(), published=True, **data)


def walk(client, url: str) -> list[dict]:
    """Every item of a list, following `next_url` page by page."""
    items, pages = [], 0
    while url:
        body = client.get(url).get_json()
        items += body["data"]
        url, pages = body["next_url"], pages + 1
        assert pages < 50
    return items


def set_updated_at(model, ids, moment: datetime) -> None:
    """Back-date rows' updated_at (bypassing onupdate) to test `updated_since`."""
    db.session.execute(update(model).where(model.id.in_(ids)).values(updated_at=moment))
    db.session.commit()


# --- micro-credentials: what is public ----------------------------------------------------------------------

def test_micro_credentials_list_only_specifications_with_a_published_version(client):
    """A micro-credential is listed once it has a published version; drafts only never appear."""
    shown = published(title_en="Published course")
    make_specification(make_institution(), title_en="Draft only course")
    body = client.get(f"{API}/micro-credentials").get_json()
    assert [item["id"] for item in body["data"]] == [shown.micro_credential_id]
    assert "Draft only course" not in client.get(f"{API}/micro-credentials").get_data(as_text=True)


def test_micro_credential_shows_the_latest_published_version_and_never_a_newer_draft(client):
    """Elements come from the newest published version; a draft started after it stays invisible."""
    first = published(title_en="First title")
    second = services.update_specification(None, first.micro_credential, complete_data(title_en="Second title"))
    services.publish_specification_version(make_user(Role.OFFICER), second)
    services.update_specification(None, first.micro_credential, complete_data(title_en="SECRET DRAFT TITLE"))
    db.session.commit()
    response = client.get(f"{API}/micro-credentials/{first.micro_credential_id}")
    body = response.get_json()
    assert body["version"] == 2 and body["elements"]["title_en"] == "Second title"
    assert [version["number"] for version in body["versions"]] == [1, 2]
    assert "SECRET DRAFT TITLE" not in response.get_data(as_text=True)


def test_micro_credential_detail_has_every_element_of_the_specification(client):
    """Every EU standard element the specification holds is served, with codes rather than labels."""
    version = published(make_institution("YSU", "Yerevan State University"))
    body = client.get(f"{API}/micro-credentials/{version.micro_credential_id}").get_json()
    elements = body["elements"]
    assert elements["title_en"] == "Data literacy for public administration"
    assert elements["title_hy"].startswith("Տվյալների")
    assert elements["awarding_bodies"] == ["Yerevan State University"]
    assert elements["issuer_countries"] == ["AM"]
    assert elements["learning_outcomes"][0]["statement"] == "Clean and document a public data set."
    assert elements["learning_outcomes"][0]["esco_uris"][0].startswith("http://data.europa.eu/esco/skill/")
    assert elements["learning_outcomes"][1]["esco_uris"] == []
    assert (elements["ects"], elements["notional_hours"]) == (6, 160)
    assert (elements["eqf_level"], elements["nqf_level"], elements["qf_ehea_cycle"]) == (6, 6, "first")
    assert elements["isced_f"]["code"] == "0613" and elements["isced_f"]["name"]
    assert (elements["assessment_type"], elements["participation_form"]) == ("skill_application", "blended")
    assert (elements["supervision"], elements["certificate_type"]) == ("supervised_with_id", "assessment_based")
    assert (elements["stackability"], elements["stackable_towards"]) == ("stackable", "MA in Public Administration")
    assert elements["languages"] == ["hy", "en"] and elements["learning_mode"] == "part_time"
    assert elements["prerequisites"].startswith("A first-cycle degree")
    assert elements["quality_assurance"].startswith("Internal QA") and elements["grading_scale"]
    assert (elements["valid_from"], elements["valid_to"]) == ("2026-09-01", "2028-08-31")
    assert body["institution"]["acronym"] == "YSU" and body["institution"]["url"].endswith(
        f"/api/v1/institutions/{version.micro_credential.institution_id}")
    [entry] = body["versions"]
    assert entry["status"] == "published" and entry["published_at"].endswith("Z")
    assert entry["page_url"] == f"http://localhost/catalogue/{version.micro_credential_id}/v1"
    assert body["qa_status"] == {"status": "not_reviewed", "decision": None, "history": []}


def test_micro_credential_detail_is_a_json_404_for_drafts_withdrawn_and_unknown_ids(client):
    """Only a micro-credential with a published version has a detail; the rest are 404 in the error shape."""
    draft = make_specification(make_institution())
    withdrawn = published()
    services.withdraw_specification(make_user(Role.OFFICER), withdrawn.micro_credential, "No longer offered.")
    db.session.commit()
    for credential_id in (draft.micro_credential_id, withdrawn.micro_credential_id, 999999):
        assert_api_error(client.get(f"{API}/micro-credentials/{credential_id}"), 404, "not_found")


def test_micro_credential_qa_status_links_the_published_decision(client):
    """A published decision on a case reviewing the micro-credential sets its QA status and is linked by API URL
    and register page."""
    decision = published_decision("positive")
    credential_id = decision.case.specification_links[0].specification_version.micro_credential_id
    body = client.get(f"{API}/micro-credentials/{credential_id}").get_json()
    assert body["qa_status"]["status"] == "quality_assured"
    linked = body["qa_status"]["decision"]
    assert linked["url"] == f"http://localhost/api/v1/decisions/{decision.id}"
    assert linked["page_url"] == f"http://localhost/register/{decision.id}"
    assert linked["outcome_kind"] == "positive" and linked["published_at"].endswith("Z")
    assert body["decisions"] == [linked["url"]]


def test_micro_credential_never_links_an_unpublished_decision(client):
    """A recorded decision that is not published yet is not the micro-credential's QA decision."""
    decision = unpublished_decision("positive")
    credential_id = decision.case.specification_links[0].specification_version.micro_credential_id
    body = client.get(f"{API}/micro-credentials/{credential_id}").get_json()
    assert body["qa_status"]["decision"] is None and body["decisions"] == []


def test_micro_credentials_never_show_who_wrote_them(client):
    """The HEI user who created a specification appears nowhere: no name, no email."""
    institution = make_institution()
    author = make_user(Role.HEI, institution=institution, email="author@ysu.example.am", full_name="Armen Petrosyan")
    version = make_specification(institution, published=True, actor=author)
    for url in (f"{API}/micro-credentials", f"{API}/micro-credentials/{version.micro_credential_id}"):
        text = client.get(url).get_data(as_text=True)
        assert "author@ysu.example.am" not in text and "Armen Petrosyan" not in text and "@" not in text


# --- micro-credentials: filters, pages, caching, errors ---------------------------------------------------

def test_micro_credentials_filter_by_institution_title_and_qa_status(client):
    """`institution`, `q` (English or Armenian title, any case) and `qa_status` narrow the list."""
    ysu, aua = make_institution("YSU"), make_institution("AUA")
    data = published(ysu, title_en="Data literacy", title_hy="Տվյալների գրագիտություն")
    design = published(aua, title_en="Footwear design", title_hy="Կոշիկի դիզայն")
    services.set_qa_status(None, design.micro_credential, QaStatus.UNDER_REVIEW)
    db.session.commit()

    def ids(query: str) -> list[int]:
        return [item["id"] for item in client.get(f"{API}/micro-credentials?{query}").get_json()["data"]]

    assert ids(f"institution={ysu.id}") == [data.micro_credential_id]
    assert ids("q=LITERACY") == [data.micro_credential_id]
    assert ids("q=Կոշիկի") == [design.micro_credential_id]
    assert ids("qa_status=under_review") == [design.micro_credential_id]
    assert ids("q=nothing-like-this") == []
    assert ids("q=%25") == [] and ids("q=_") == []


def test_micro_credentials_updated_since_follows_the_record_its_versions_and_decisions(client):
    """`updated_since` lists the micro-credentials whose record, a public version or a decision on them changed."""
    old, fresh = published(), published()
    long_ago = datetime(2020, 1, 1)
    set_updated_at(MicroCredential, [old.micro_credential_id, fresh.micro_credential_id], long_ago)
    set_updated_at(SpecificationVersion, [old.id, fresh.id], long_ago)
    set_updated_at(SpecificationVersion, [fresh.id], datetime(2026, 5, 1))
    body = client.get(f"{API}/micro-credentials?updated_since=2026-01-01T00:00:00Z").get_json()
    assert [item["id"] for item in body["data"]] == [fresh.micro_credential_id]
    assert body["data"][0]["updated_at"] == "2026-05-01T00:00:00Z"
    assert len(client.get(f"{API}/micro-credentials?updated_since=2019-12-31").get_json()["data"]) == 2


def test_micro_credentials_pages_walk_every_item_once_in_id_order(client):
    """limit and the next cursor walk the whole list, each item once, with a Link header to the next page."""
    expected = [published(title_en=f"Course {n}").micro_credential_id for n in range(5)]
    first = client.get(f"{API}/micro-credentials?limit=2")
    assert first.get_json()["next"] and 'rel="next"' in first.headers["Link"]
    items = walk(client, f"{API}/micro-credentials?limit=2")
    assert [item["id"] for item in items] == sorted(expected)
    last = client.get(f"{API}/micro-credentials?limit=5").get_json()
    assert last["next"] is None and last["next_url"] is None and last["limit"] == 5


def test_micro_credentials_answer_304_when_the_etag_matches(client):
    """The same list twice: the second request with If-None-Match gets 304 and no body."""
    published()
    first = client.get(f"{API}/micro-credentials")
    again = client.get(f"{API}/micro-credentials", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    detail = client.get(first.get_json()["data"][0]["url"])
    assert client.get(detail.request.path, headers={"If-None-Match": detail.headers["ETag"]}).status_code == 304


def test_micro_credentials_refuse_bad_parameters_in_the_error_shape(client):
    """Bad limits, dates, ids, choices, cursors and unknown parameters are 400s naming the problem."""
    url = f"{API}/micro-credentials"
    assert_api_error(client.get(f"{url}?limit=0"), 400, "invalid_limit")
    assert_api_error(client.get(f"{url}?limit=501"), 400, "invalid_limit")
    assert_api_error(client.get(f"{url}?updated_since=yesterday"), 400, "invalid_datetime")
    assert_api_error(client.get(f"{url}?institution=YSU"), 400, "invalid_integer")
    assert_api_error(client.get(f"{url}?qa_status=excellent"), 400, "invalid_choice")
    assert_api_error(client.get(f"{url}?cursor=forged"), 400, "invalid_cursor")
    assert_api_error(client.get(f"{url}?eqf=6"), 400, "unknown_parameter")
    assert_api_error(client.get(f"{url}/1?q=x"), 400, "unknown_parameter")


def test_a_cursor_of_another_list_is_refused(client):
    """A cursor issued by the institutions list does not page micro-credentials."""
    for _ in range(2):
        published()
    cursor = client.get(f"{API}/institutions?limit=1").get_json()["next"]
    assert_api_error(client.get(f"{API}/micro-credentials?cursor={cursor}"), 400, "invalid_cursor")


def test_micro_credentials_page_runs_the_same_queries_for_few_and_many(client):
    """A page costs a fixed number of SQL statements whatever its size and the data behind it."""
    published_decision("positive")
    published()
    few = statements_for(client, f"{API}/micro-credentials")
    published_decision("positive_with_conditions", specifications=2)
    for n in range(8):
        version = published(title_en=f"Course {n}")
        services.update_specification(None, version.micro_credential, complete_data(title_en=f"Course {n} v2"))
    db.session.commit()
    assert statements_for(client, f"{API}/micro-credentials") == few
    assert statements_for(client, f"{API}/micro-credentials?limit=3") == few


# --- institutions -------------------------------------------------------------------------------------------

def test_institutions_list_those_with_a_published_specification_or_decision(client):
    """Listed: an institution with a published micro-credential, or with a published decision (even when its
    specifications were later withdrawn). Not listed: one with drafts or an unpublished decision only."""
    with_specification = published().micro_credential.institution_id
    decision = published_decision("positive")
    for link in decision.case.specification_links:
        services.withdraw_specification(make_user(Role.OFFICER), link.specification_version.micro_credential, "Closed.")
    db.session.commit()
    make_specification(make_institution())
    unpublished = unpublished_decision("positive")
    for link in unpublished.case.specification_links:
        services.withdraw_specification(make_user(Role.OFFICER), link.specification_version.micro_credential, "Closed.")
    db.session.commit()
    make_institution()
    ids = [item["id"] for item in client.get(f"{API}/institutions").get_json()["data"]]
    assert ids == sorted([with_specification, decision.case.institution_id])


def test_institution_detail_shows_public_facts_and_links_never_members(client):
    """An institution answers with its names, identifiers and links to its published micro-credentials and
    decisions; its members' names and emails never appear."""
    institution = registry_institution("Armenian State University of Economics", name_hy="Տնտեսագիտական համալսարան")
    make_user(Role.HEI, institution=institution, email="quality.head@asue.example.am", full_name="Anna Hakobyan")
    published(institution)
    make_specification(institution, title_en="Unfinished draft")
    response = client.get(f"{API}/institutions/{institution.id}")
    body = response.get_json()
    assert body["name_en"] == "Armenian State University of Economics" and body["name_hy"].startswith("Տնտես")
    assert (body["acronym"], body["type"], body["country"]) == (institution.short_name, "university", "AM")
    assert body["deqar_id"] == institution.deqar_id and body["eter_id"] == institution.eter_id
    assert body["website"].startswith("https://")
    assert body["micro_credentials"] == {
        "count": 1, "url": f"http://localhost/api/v1/micro-credentials?institution={institution.id}"}
    assert body["decisions"]["count"] == 0
    assert body["decisions"]["url"].endswith(f"/api/v1/decisions?institution={institution.id}")
    text = response.get_data(as_text=True)
    assert "quality.head@asue.example.am" not in text and "Anna Hakobyan" not in text and "@" not in text


def test_institution_links_count_published_decisions_only(client):
    """The decision count of an institution counts published decisions, not recorded ones."""
    institution = registry_institution()
    published_decision("positive", institution=institution)
    unpublished_decision("negative", institution=institution)
    body = client.get(f"{API}/institutions/{institution.id}").get_json()
    assert body["decisions"]["count"] == 1 and body["micro_credentials"]["count"] == 2


def test_institution_detail_is_a_json_404_when_nothing_is_published(client):
    """An institution with drafts only, or an unknown id, is a 404 in the error shape."""
    drafts_only = make_institution()
    make_specification(drafts_only)
    assert_api_error(client.get(f"{API}/institutions/{drafts_only.id}"), 404, "not_found")
    assert_api_error(client.get(f"{API}/institutions/999999"), 404, "not_found")


def test_institutions_filter_by_name_and_updated_since(client):
    """`q` matches English or Armenian names and the acronym; `updated_since` the institution's record."""
    ysu = make_institution("YSU", "Yerevan State University")
    ysu.name_hy = "Երևանի պետական համալսարան"
    aua = make_institution("AUA", "American University of Armenia")
    db.session.commit()
    published(ysu), published(aua)
    set_updated_at(Institution, [ysu.id], datetime(2020, 1, 1))

    def ids(query: str) -> list[int]:
        return [item["id"] for item in client.get(f"{API}/institutions?{query}").get_json()["data"]]

    assert ids("q=yerevan") == [ysu.id]
    assert ids("q=Երևանի") == [ysu.id]
    assert ids("q=aua") == [aua.id]
    assert ids("updated_since=2025-01-01") == [aua.id]
    assert_api_error(client.get(f"{API}/institutions?updated_since=2025-13-01"), 400, "invalid_datetime")
    assert_api_error(client.get(f"{API}/institutions?country=AM"), 400, "unknown_parameter")


def test_institutions_pages_walk_and_etag(client):
    """The institutions list pages by cursor and answers 304 to a matching ETag."""
    expected = sorted(published().micro_credential.institution_id for _ in range(3))
    assert [item["id"] for item in walk(client, f"{API}/institutions?limit=1")] == expected
    first = client.get(f"{API}/institutions")
    assert client.get(f"{API}/institutions", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_institutions_page_runs_the_same_queries_for_few_and_many(client):
    """A page of institutions costs a fixed number of SQL statements (counts come from GROUP BY)."""
    published_decision("positive")
    few = statements_for(client, f"{API}/institutions")
    for _ in range(3):
        published_decision("positive", specifications=2)
    for _ in range(6):
        published()
    assert statements_for(client, f"{API}/institutions") == few
    assert statements_for(client, f"{API}/institutions?limit=4") == few
