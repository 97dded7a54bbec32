"""GET /api/v1/decisions and /api/v1/decisions/<id>: published decisions only, in the register's public shape
(never the institution's condition reports, the officer's reasons or the appeal's grounds), filtered, cursor-paged
with a Link header, ETag/304, every bad parameter a JSON 4xx, and a fixed number of queries per page."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from qa_portal.core.models import utcnow
from qa_portal.decisions.models import Admissibility, AppealOutcome, ConditionVerdict, Decision
from qa_portal.extensions import db
from qa_portal.registry.services.queries import changed_since, decision_updated_at, published_decisions
from qa_portal.registry.services.serializers.decisions import decision_updated_at_of
from tests.registry.factories import (appeal_against, condition_reported, publish, published_decision,
                                      registry_institution, superseding_decision, unpublished_decision)
from tests.decisions.factories import statements_for
from tests.registry.test_errors import assert_api_error

API = "/api/v1/decisions"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["data"]]


# --- shape ----------------------------------------------------------------------------------------------------

def test_decision_detail_has_the_register_facts(app, client):
    """A decision's JSON: institution with DEQAR and ETER ids, the specifications covered, the outcome with its
    labels and DEQAR value, validity, conditions with status, URLs, and ISO times in UTC."""
    decision = published_decision("positive_with_conditions", specifications=2)
    institution = decision.case.institution
    body = client.get(f"{API}/{decision.id}").get_json()
    assert body["id"] == decision.id and body["case_reference"] == decision.case.reference
    assert body["institution"]["deqar_id"] == institution.deqar_id and body["institution"]["eter_id"]
    assert body["institution"]["country"] == "AM" and body["institution"]["name_en"] == institution.name_en
    assert body["institution"]["url"].endswith(f"/api/v1/institutions/{institution.id}")
    assert [spec["version"] for spec in body["specifications"]] == [1, 1]
    assert [spec["title_en"] for spec in body["specifications"]] == [
        "Data literacy for public administration", "Computer-aided design for footwear"]
    first = body["specifications"][0]
    assert first["url"].endswith(f"/api/v1/micro-credentials/{first['id']}")
    assert first["page_url"].endswith(f"/catalogue/{first['id']}/v1")
    assert body["outcome"] == {"code": "positive_with_conditions", "label_en": "Positive with conditions",
                               "label_hy": "Դրական՝ պայմաններով", "kind": "conditional", "scheme": "pilot",
                               "deqar_decision": "positive with conditions or restrictions"}
    assert body["valid_from"] == decision.valid_from.isoformat() and body["valid_to"] == decision.valid_to.isoformat()
    assert [(c["number"], c["status"], c["overdue"]) for c in body["conditions"]] == [(1, "open", False),
                                                                                      (2, "open", False)]
    assert body["conditions"][0]["text"] == "Publish the assessment rubric to learners."
    assert body["appeal"] is None and body["supersedes"] is None and body["superseded_by"] is None
    assert body["urls"]["self"].endswith(f"/api/v1/decisions/{decision.id}") and body["url"] == body["urls"]["self"]
    assert body["urls"]["public_page"].endswith(f"/register/{decision.id}")
    assert body["urls"]["letter_pdf"].endswith(f"/register/{decision.id}/letter.pdf")
    assert body["urls"]["report_pdf"].endswith(f"/register/{decision.id}/report.pdf")
    assert body["published_at"].endswith("Z") and body["updated_at"] == body["published_at"]
    assert body["reasons"] == decision.reasons and body["institution_heard"] is True
    assert body["criteria_cited"] == [criterion.code for criterion in decision.criteria]


def test_the_urls_a_decision_gives_answer(app, client):
    """Every URL in a decision's JSON answers 200 (API, register page, letter and report PDFs, catalogue)."""
    body = client.get(f"{API}/{published_decision().id}").get_json()
    urls = [body["urls"][name] for name in ("self", "public_page", "letter_pdf", "report_pdf")]
    urls += [body["institution"]["url"], body["specifications"][0]["url"], body["specifications"][0]["page_url"]]
    for url in urls:
        assert client.get(url.removeprefix("http://localhost")).status_code == 200, url


def test_a_negative_decision_has_no_validity_and_no_conditions(app, client):
    body = client.get(f"{API}/{published_decision('negative').id}").get_json()
    assert body["valid_from"] is None and body["valid_to"] is None and body["conditions"] == []
    assert body["outcome"]["deqar_decision"] == "negative"


def test_condition_status_is_public_but_reports_and_verdict_reasons_are_not(app, client):
    """Each condition shows open / reported / met / not met and an overdue flag; never the institution's report
    nor the officer's reasons (the register does not show them either)."""
    decision = published_decision("positive_with_conditions", conditions=[("First.", 30), ("Second.", 60),
                                                                          ("Third.", 90), ("Late.", -1)])
    conditions = decision.conditions
    condition_reported(conditions[0])
    condition_reported(conditions[1], ConditionVerdict.MET)
    condition_reported(conditions[2], ConditionVerdict.NOT_MET)
    response = client.get(f"{API}/{decision.id}")
    assert [(c["status"], c["overdue"]) for c in response.get_json()["conditions"]] == [
        ("reported", False), ("met", False), ("not_met", False), ("open", True)]
    assert "INTERNAL" not in response.get_data(as_text=True)


@pytest.mark.parametrize("admissibility, outcome, status", [
    (None, None, "under_appeal"),
    (Admissibility.ADMISSIBLE, None, "under_appeal"),
    (Admissibility.LATE, None, "inadmissible"),
    (None, AppealOutcome.UPHOLD, "upheld"),
    (None, AppealOutcome.RETURN, "returned_for_reconsideration"),
])
def test_appeal_status_as_the_register_shows_it(app, client, admissibility, outcome, status):
    """The appeal's status and dates as the register words them; never the grounds, statement or reasons."""
    decision = published_decision("negative")
    appeal_against(decision, admissibility=admissibility, outcome=outcome)
    response = client.get(f"{API}/{decision.id}")
    appeal = response.get_json()["appeal"]
    assert appeal["status"] == status
    assert appeal["lodged_on"] == utcnow().date().isoformat()
    assert appeal["decided_on"] == (utcnow().date().isoformat() if outcome else None)
    assert appeal["outcome"] == (outcome.value if outcome else None)
    assert "INTERNAL" not in response.get_data(as_text=True) and "criteria_misapplied" not in response.get_data(True)


def test_linked_decisions_point_both_ways_once_published(app, client):
    """An upgraded decision names the one it replaced, and the old one names its replacement (ids and URLs); a
    replacement not yet published is not mentioned."""
    conditional = published_decision("positive_with_conditions")
    draft_upgrade = superseding_decision(conditional, published=False)
    assert client.get(f"{API}/{conditional.id}").get_json()["superseded_by"] is None
    assert_api_error(client.get(f"{API}/{draft_upgrade.id}"), 404, "not_found")
    publish(draft_upgrade)
    old, new = (client.get(f"{API}/{decision_id}").get_json() for decision_id in (conditional.id, draft_upgrade.id))
    assert old["superseded_by"]["id"] == draft_upgrade.id and new["supersedes"]["id"] == conditional.id
    assert old["superseded_by"]["url"].endswith(f"/api/v1/decisions/{draft_upgrade.id}")
    assert new["supersedes"]["page_url"].endswith(f"/register/{conditional.id}")
    assert [c["status"] for c in old["conditions"]] == ["met", "met"]


def test_updated_at_is_the_latest_public_change_and_sql_agrees(app, client):
    """updated_at moves with a condition's status, the appeal's status and a later decision's publication — and the
    SQL expression gives the same value as the JSON, and the `updated_since` condition selects exactly the decisions
    whose updated_at is at or after the moment."""
    plain = published_decision()
    reported = published_decision("positive_with_conditions")
    condition_reported(reported.conditions[0], at=utcnow() + timedelta(hours=1))
    appealed = published_decision("negative")
    appeal_against(appealed, outcome=AppealOutcome.UPHOLD, lodged_at=utcnow() + timedelta(hours=2))
    replaced = published_decision("positive_with_conditions")
    later = superseding_decision(replaced)
    db.session.expire_all()
    in_sql = dict(db.session.execute(select(Decision.id, decision_updated_at())
                                     .where(Decision.published_at.is_not(None))).all())
    loaded = {decision.id: decision for decision in db.session.scalars(published_decisions()).unique()}
    for decision_id, moment in in_sql.items():
        assert decision_updated_at_of(loaded[decision_id]) == moment
    for moment in sorted(set(in_sql.values())) + [max(in_sql.values()) + timedelta(seconds=1)]:
        filtered = set(db.session.scalars(select(Decision.id).where(Decision.published_at.is_not(None),
                                                                     changed_since(moment))))
        assert filtered == {decision_id for decision_id, updated in in_sql.items() if updated >= moment}
    bodies = {decision.id: client.get(f"{API}/{decision.id}").get_json() for decision in (plain, reported, appealed)}
    assert bodies[plain.id]["updated_at"] == bodies[plain.id]["published_at"]
    assert bodies[reported.id]["updated_at"] > bodies[reported.id]["published_at"]
    assert bodies[appealed.id]["updated_at"] > bodies[appealed.id]["published_at"]
    assert client.get(f"{API}/{replaced.id}").get_json()["updated_at"] == \
        client.get(f"{API}/{later.id}").get_json()["published_at"]


# --- unknown and unpublished ------------------------------------------------------------------------------------

def test_an_unpublished_decision_is_never_listed_nor_served(app, client):
    published = published_decision()
    hidden = unpublished_decision()
    assert ids(client.get(API)) == [published.id]
    assert_api_error(client.get(f"{API}/{hidden.id}"), 404, "not_found")


def test_an_unknown_decision_is_a_json_404(app, client):
    error = assert_api_error(client.get(f"{API}/999"), 404, "not_found")
    assert error["details"] == {"resource": "decision", "id": 999}


# --- filters ----------------------------------------------------------------------------------------------------

def test_filter_by_institution(app, client):
    mine = published_decision()
    published_decision()
    assert ids(client.get(f"{API}?institution={mine.case.institution_id}")) == [mine.id]
    assert ids(client.get(f"{API}?institution=99999")) == []


def test_filter_by_outcome_code_or_deqar_value(app, client):
    """`outcome` takes our outcome code or a DEQAR decision value."""
    positive = published_decision()
    conditional = published_decision("positive_with_conditions")
    negative = published_decision("negative")
    assert ids(client.get(f"{API}?outcome=positive_with_conditions")) == [conditional.id]
    assert ids(client.get(f"{API}?outcome=positive with conditions or restrictions")) == [conditional.id]
    assert ids(client.get(f"{API}?outcome=negative")) == [negative.id]
    assert ids(client.get(f"{API}?outcome=positive")) == [positive.id]


def test_filter_valid_on_a_date(app, client):
    """valid_on keeps decisions whose validity includes the date (a negative one has none)."""
    positive = published_decision()
    published_decision("negative")
    today = utcnow().date()
    assert ids(client.get(f"{API}?valid_on={today.isoformat()}")) == [positive.id]
    assert ids(client.get(f"{API}?valid_on={(today - timedelta(days=1)).isoformat()}")) == []
    assert ids(client.get(f"{API}?valid_on={positive.valid_to.isoformat()}")) == [positive.id]


def test_filter_q_searches_reference_institution_and_specification_title(app, client):
    """q matches the case reference, the institution's English or Armenian name, or a specification title,
    case-insensitively, with % and _ taken literally."""
    footwear = published_decision(titles=("Computer-aided design for footwear",),
                                  institution=registry_institution("Gyumri Technology College"))
    other = published_decision(titles=("Sustainable tourism management",))
    assert ids(client.get(f"{API}?q=FOOTWEAR")) == [footwear.id]
    assert ids(client.get(f"{API}?q=gyumri")) == [footwear.id]
    assert ids(client.get(f"{API}?q={other.case.reference}")) == [other.id]
    assert ids(client.get(f"{API}?q={other.case.institution.name_hy}")) == [other.id]
    assert ids(client.get(f"{API}?q=%25")) == [] and ids(client.get(f"{API}?q=_")) == []


def test_filter_updated_since_includes_later_changes(app, client):
    """updated_since keeps decisions whose public record changed at or after the time (a condition's new status
    counts, not only publication)."""
    old = published_decision("positive_with_conditions")
    untouched = published_decision()
    later = utcnow() + timedelta(days=1)
    assert ids(client.get(f"{API}?updated_since={later.strftime('%Y-%m-%dT%H:%M:%SZ')}")) == []
    condition_reported(old.conditions[0], ConditionVerdict.MET, at=later + timedelta(minutes=5))
    assert ids(client.get(f"{API}?updated_since={later.strftime('%Y-%m-%dT%H:%M:%SZ')}")) == [old.id]
    assert ids(client.get(f"{API}?updated_since={later.date().isoformat()}")) == [old.id]
    body = client.get(f"{API}/{untouched.id}").get_json()
    assert untouched.id in ids(client.get(f"{API}?updated_since={body['updated_at']}"))


def test_filters_combine(app, client):
    institution = registry_institution()
    wanted = published_decision("positive_with_conditions", institution=institution)
    published_decision("negative", institution=institution)
    published_decision("positive_with_conditions")
    url = f"{API}?institution={institution.id}&outcome=positive_with_conditions&valid_on={utcnow().date()}&q=data"
    assert ids(client.get(url)) == [wanted.id]


# --- bad parameters -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, code, parameter", [
    ("limit=0", "invalid_limit", "limit"),
    ("limit=501", "invalid_limit", "limit"),
    ("limit=abc", "invalid_limit", "limit"),
    ("cursor=not-a-cursor", "invalid_cursor", "cursor"),
    ("valid_on=2026-02-30", "invalid_date", "valid_on"),
    ("valid_on=yesterday", "invalid_date", "valid_on"),
    ("updated_since=last-week", "invalid_datetime", "updated_since"),
    ("institution=abc", "invalid_integer", "institution"),
    ("institution=0", "invalid_integer", "institution"),
    ("outcome=excellent", "invalid_choice", "outcome"),
    ("q=" + "x" * 201, "invalid_text", "q"),
])
def test_a_bad_parameter_is_a_json_400_naming_it(app, client, query, code, parameter):
    published_decision()
    error = assert_api_error(client.get(f"{API}?{query}"), 400, code)
    assert error["details"]["parameter"] == parameter


def test_an_unknown_parameter_is_refused(app, client):
    error = assert_api_error(client.get(f"{API}?outcomes=positive"), 400, "unknown_parameter")
    assert error["details"]["parameters"] == ["outcomes"]
    assert_api_error(client.get(f"{API}/1?limit=5"), 400, "unknown_parameter")


def test_a_cursor_of_another_list_is_refused(app, client):
    """A cursor is signed per resource: the institutions list's cursor means nothing here."""
    from qa_portal.registry.services.paging import encode_cursor
    with app.test_request_context():
        foreign = encode_cursor("institutions", 1)
    assert_api_error(client.get(f"{API}?cursor={foreign}"), 400, "invalid_cursor")


def test_an_unknown_outcome_error_lists_the_accepted_values(app, client):
    published_decision()
    error = assert_api_error(client.get(f"{API}?outcome=excellent"), 400, "invalid_choice")
    assert "positive_with_conditions" in error["details"]["allowed"]
    assert "positive with conditions or restrictions" in error["details"]["allowed"]


# --- paging, ETag and query counts -----------------------------------------------------------------------------------

def test_cursor_walk_serves_every_decision_once_in_id_order(app, client):
    """Walking `next` with limit=3 over 7 decisions gives pages of 3, 3, 1 with no duplicate and no gap, a Link
    header on every page but the last, and a decision published mid-walk at the end."""
    expected = [published_decision().id for _ in range(7)]
    seen, url, pages = [], f"{API}?limit=3&outcome=positive", 0
    while url:
        response = client.get(url)
        body = response.get_json()
        seen += [item["id"] for item in body["data"]]
        pages += 1
        if pages == 2:
            expected.append(published_decision().id)
        if body["next"]:
            assert response.headers["Link"] == f'<{body["next_url"]}>; rel="next"'
            assert "outcome=positive" in body["next_url"] and body["limit"] == 3
        else:
            assert "Link" not in response.headers and body["next_url"] is None
        url = body["next_url"] and body["next_url"].removeprefix("http://localhost")
    assert seen == expected and pages == 3


def test_the_same_page_twice_is_identical(app, client):
    for _ in range(3):
        published_decision()
    first, second = client.get(f"{API}?limit=2"), client.get(f"{API}?limit=2")
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]


def test_list_and_detail_answer_304_when_unchanged(app, client):
    """Both carry an ETag; If-None-Match with it gives 304; a change to the record gives a new ETag."""
    decision = published_decision("positive_with_conditions")
    for url in (API, f"{API}/{decision.id}"):
        first = client.get(url)
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
    before = client.get(f"{API}/{decision.id}").headers["ETag"]
    condition_reported(decision.conditions[0])
    assert client.get(f"{API}/{decision.id}").headers["ETag"] != before


def _mixed_decisions(units: int) -> None:
    """`units` × (a conditional decision with a met condition and an appeal, and a replaced conditional decision
    with its published upgrade): every kind of linked data a page loads."""
    for _ in range(units):
        appealed = published_decision("positive_with_conditions", specifications=2)
        condition_reported(appealed.conditions[0], ConditionVerdict.MET)
        appeal_against(appealed)
        superseding_decision(published_decision("positive_with_conditions"))


def test_a_page_runs_the_same_number_of_queries_for_3_and_30_decisions(app, client):
    """The list loads everything a page shows in a fixed number of queries, whatever the page size."""
    _mixed_decisions(1)
    small = statements_for(client, f"{API}?limit=500")
    assert len(client.get(f"{API}?limit=500").get_json()["data"]) == 3
    _mixed_decisions(9)
    assert len(client.get(f"{API}?limit=500").get_json()["data"]) == 30
    assert statements_for(client, f"{API}?limit=500") == small
    assert small <= 9
