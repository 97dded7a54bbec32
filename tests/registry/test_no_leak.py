"""Never leak (issue 8 item 5): with data in every state, no answer of any registry route — lists page by page and
with every filter, every detail of every id in the database (unpublished ones included), the exports, the DEQAR
reports, the OpenAPI document and docs page — shows a draft, an unpublished decision, a score, panel-only evidence,
a user's email or name, or a comment; unpublished ids answer a JSON 404 and are never linked."""
import csv
import html
import io
import json
import re
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import func, select

from qa_portal.auth.models import User
from qa_portal.decisions.models import Decision
from qa_portal.demo import load_demo
from qa_portal.extensions import db
from qa_portal.pilots.models import (Institution, MicroCredential, Outcome, QaStatus, SpecificationStatus,
                                     SpecificationVersion)
from qa_portal.registry.services.openapi import OPERATIONS, registry_rules
from qa_portal.reviews.models import Case
from qa_portal.standards.models import StandardSet, StandardVersion, VersionStatus
from tests.registry.leak_secrets import demo_secrets
from tests.registry.leak_world import MARK, build_world

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PUBLIC_STANDARD_STATUSES = {VersionStatus.APPROVED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN}


@pytest.fixture
def unthrottled(app):
    """The walk sends hundreds of requests: lift the per-client limit for it."""
    app.config["QA_API_RATE_LIMIT"] = "100000 per minute"
    yield
    app.config["QA_API_RATE_LIMIT"] = "600 per minute"


# --- what the API must say about each id --------------------------------------------------------------------

def _local_identifiers() -> dict[str, bool]:
    """Every DEQAR local identifier a decision has (reference, reference-D2, ...) and every bare case reference,
    each with whether it names a published decision."""
    published = {}
    for case_id, reference in db.session.execute(select(Case.id, Case.reference)):
        published.setdefault(reference, False)
        decisions = db.session.execute(select(Decision.published_at).where(Decision.case_id == case_id)
                                       .order_by(Decision.id)).scalars().all()
        for sequence, published_at in enumerate(decisions, 1):
            published[reference if sequence == 1 else f"{reference}-D{sequence}"] = published_at is not None
    return published


def _published_credential_ids() -> set[int]:
    return set(db.session.scalars(select(SpecificationVersion.micro_credential_id)
                                  .where(SpecificationVersion.status == SpecificationStatus.PUBLISHED)))


def _institutions_with_something_published() -> set[int]:
    credentials = set(db.session.scalars(select(MicroCredential.institution_id)
                                         .where(MicroCredential.id.in_(_published_credential_ids()))))
    decided = set(db.session.scalars(select(Case.institution_id).join(Decision, Decision.case_id == Case.id)
                                     .where(Decision.published_at.is_not(None))))
    return credentials | decided


def detail_expectations() -> dict[str, dict[str, bool]]:
    """For every detail route: each URL of an id that exists in the database → whether it is published."""
    decisions = dict(db.session.execute(select(Decision.id, Decision.published_at.is_not(None))).all())
    credentials = _published_credential_ids()
    institutions = _institutions_with_something_published()
    standards = dict(db.session.execute(select(StandardVersion.id, StandardVersion.status)).all())
    return {
        "decision_detail": {f"/api/v1/decisions/{id_}": shown for id_, shown in decisions.items()},
        "micro_credential_detail": {f"/api/v1/micro-credentials/{id_}": id_ in credentials
                                    for id_ in db.session.scalars(select(MicroCredential.id))},
        "institution_detail": {f"/api/v1/institutions/{id_}": id_ in institutions
                               for id_ in db.session.scalars(select(Institution.id))},
        "standard_detail": {f"/api/v1/standards/{id_}": status in PUBLIC_STANDARD_STATUSES
                            for id_, status in standards.items()},
        "deqar_report_detail": {f"/api/v1/deqar/reports/{identifier}": shown
                                for identifier, shown in _local_identifiers().items()},
    }


# --- the walk -----------------------------------------------------------------------------------------------

def filter_values() -> dict[str, list[str]]:
    """Values to try for each query parameter: every id, code and status in the database, secret words for q."""
    outcomes = {value for row in db.session.execute(select(Outcome.code, Outcome.deqar_decision)) for value in row}
    return {
        "institution": [str(id_) for id_ in db.session.scalars(select(Institution.id))],
        "outcome": sorted(str(value) for value in outcomes),
        "q": ["SECRET", MARK, "INTERNAL", "draft", "University"],
        "valid_on": ["2027-01-01"],
        "updated_since": ["2000-01-01T00:00:00Z"],
        "valid": ["true", "false"],
        "qa_status": [status.value for status in QaStatus],
        "status": [status.value for status in VersionStatus],
        "set": list(db.session.scalars(select(StandardSet.code))),
        "limit": ["1"],
    }


def readable_text(response) -> str:
    """Everything a client can read in the answer: headers, the body as sent and its decoded values (JSON strings,
    NDJSON lines, CSV cells, HTML text), so an escaped secret is found too."""
    raw = response.get_data(as_text=True)
    values: list[str] = [str(response.headers), raw]
    if response.mimetype == "application/json":
        values += _strings(response.get_json())
    elif response.mimetype == "application/x-ndjson":
        values += [text for line in raw.splitlines() for text in _strings(json.loads(line))]
    elif response.mimetype == "text/csv":
        values += [cell for row in csv.reader(io.StringIO(raw)) for cell in row]
    else:
        values.append(html.unescape(raw))
    return "\n".join(values)


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [str(key), *_strings(item)]]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [str(value)]


def walk(client) -> dict[str, str]:
    """GET every registry route: each list page after page and with each filter value, each export with each
    filter, every detail URL of every id in the database, the OpenAPI document and the docs page.
    Returns {url: readable text}; fails on any 5xx, and unless every registry endpoint was visited."""
    answers, visited = {}, set()
    values = filter_values()
    details = detail_expectations()

    def get(url: str, endpoint: str):
        response = client.get(url)
        assert response.status_code < 500, url
        answers[url] = readable_text(response)
        visited.add(endpoint)
        return response

    for rule in registry_rules():
        endpoint = rule.endpoint.removeprefix("registry.")
        if rule.arguments:
            for url in details[endpoint]:
                get(url, endpoint)
            continue
        get(rule.rule, endpoint)
        for name in OPERATIONS[endpoint].parameters:
            for value in values.get(name, []):
                get(f"{rule.rule}?{urlencode({name: value})}", endpoint)
        if "cursor" in OPERATIONS[endpoint].parameters:
            url = f"{rule.rule}?limit=1"
            while url:
                body = get(url, endpoint).get_json()
                url = body["next_url"] and "{0.path}?{0.query}".format(urlsplit(body["next_url"]))
    assert visited == {rule.endpoint.removeprefix("registry.") for rule in registry_rules()}
    return answers


def assert_nothing_secret(answers: dict[str, str], secrets: list[str], names: list[str]) -> None:
    """No answer holds a secret text, an email address or a user's name."""
    for url, text in answers.items():
        leaked = [secret for secret in secrets if secret in text]
        assert not leaked, f"{url} leaks {leaked[:5]}"
        assert not EMAIL.search(text), f"{url} shows an email address: {EMAIL.search(text).group()}"
        shown_names = [name for name in names if name in text]
        assert not shown_names, f"{url} shows user names {shown_names[:5]}"


def _user_names() -> list[str]:
    return list(db.session.scalars(select(User.full_name)))


# --- the rules ----------------------------------------------------------------------------------------------

def test_no_answer_of_any_route_shows_a_secret_an_email_or_a_user_name(client, unthrottled):
    """Every GET answer of the registry, on data in every state, is free of each planted secret marker, of any email
    address and of every user's name."""
    world = build_world()
    answers = walk(client)
    assert len(answers) > 100
    assert_nothing_secret(answers, world.markers, _user_names())


def test_every_unpublished_id_answers_a_json_404_on_its_detail_route(client, unthrottled):
    """Each id in the database that is not published (draft specifications and standards, unpublished decisions
    and their DEQAR identifiers, institutions with nothing published) is a JSON 404; published ones answer."""
    world = build_world()
    expectations = detail_expectations()
    assert {rule.endpoint.removeprefix("registry.") for rule in registry_rules() if rule.arguments} == set(
        expectations), "a detail route has no rule here for which of its ids are published"
    for endpoint, urls in expectations.items():
        assert not all(urls.values()) and any(urls.values()), f"{endpoint}: the world needs both kinds of id"
        for url, published in urls.items():
            response = client.get(url)
            if published:
                assert response.status_code in (200, 422), url  # 422: a DEQAR report DEQAR would refuse
            else:
                assert response.status_code == 404, url
                assert response.mimetype == "application/json"
                assert response.get_json()["error"]["code"] == "not_found"
    for decision_id in world.unpublished_decision_ids:
        assert client.get(f"/api/v1/decisions/{decision_id}").status_code == 404


def test_unpublished_records_are_never_linked_counted_or_found(client, unthrottled):
    """No answer links an unpublished decision, a draft-only micro-credential or an unpublished standard version;
    an institution's counts include only published records; searching for secret words finds nothing; an
    institution with only drafts is an empty filter."""
    world = build_world()
    answers = {url: text for url, text in walk(client).items()
               if url not in ("/api/v1/docs", "/api/v1/openapi.json")}  # their curl examples use id 1
    hidden = {
        "decisions": world.unpublished_decision_ids,
        "micro-credentials": sorted(set(db.session.scalars(select(MicroCredential.id))) - _published_credential_ids()),
        "standards": list(db.session.scalars(select(StandardVersion.id).where(
            StandardVersion.status.not_in(PUBLIC_STANDARD_STATUSES)))),
    }
    for resource, ids in hidden.items():
        assert ids, resource
        for id_ in ids:
            link = re.compile(rf"/{resource}/{id_}(?![0-9])")
            linked = [url for url, text in answers.items() if link.search(text) and not url.endswith(f"/{id_}")]
            assert not linked, f"{resource} {id_} is linked from {linked[:3]}"
    for rule in registry_rules():
        endpoint = rule.endpoint.removeprefix("registry.")
        if "q" in OPERATIONS[endpoint].parameters and OPERATIONS[endpoint].media_type == "application/json":
            for word in ("SECRET", MARK, "INTERNAL"):
                assert client.get(f"{rule.rule}?q={word}").get_json()["data"] == [], (rule.rule, word)
    for institution in client.get("/api/v1/institutions?limit=500").get_json()["data"]:
        credentials = set(db.session.scalars(select(MicroCredential.id).where(
            MicroCredential.institution_id == institution["id"])))
        assert institution["micro_credentials"]["count"] == len(credentials & _published_credential_ids())
        decided = db.session.scalar(select(func.count(Decision.id)).join(Case, Case.id == Decision.case_id).where(
            Case.institution_id == institution["id"], Decision.published_at.is_not(None)))
        assert institution["decisions"]["count"] == decided
    drafts_only = db.session.scalar(select(Institution.id).where(Institution.name_en.like("SECRET-%")))
    for list_url in ("/api/v1/decisions", "/api/v1/micro-credentials"):
        assert client.get(f"{list_url}?institution={drafts_only}").get_json()["data"] == []


def test_the_demo_data_in_every_stage_leaks_nothing(client, unthrottled):
    """With the demo loaded (cases in every stage, real reviews, appeals, complaints), no answer holds any internal
    text stored in the database (scores, notes, comments, SER, drafts, unpublished decisions), nor an email or a
    user's name."""
    load_demo()
    db.session.commit()
    secrets = demo_secrets()
    assert len(secrets) > 100
    answers = walk(client)
    assert_nothing_secret(answers, secrets, _user_names())


def test_the_walk_catches_a_planted_leak(client, unthrottled, monkeypatch):
    """The check is shown to work: a decision JSON that carried the appeal's grounds, or the email of the council
    member who decided, fails it."""
    from qa_portal.registry.views import decisions as decision_views

    world = build_world()
    serialise = decision_views.decision_json

    def with_grounds(decision):
        return serialise(decision) | {"grounds": decision.appeal.statement if decision.appeal else None}

    monkeypatch.setattr(decision_views, "decision_json", with_grounds)
    with pytest.raises(AssertionError, match="APPEAL-GROUNDS"):
        assert_nothing_secret(walk(client), world.markers, [])

    def with_decider_email(decision):
        return serialise(decision) | {"decided_by": decision.decided_by.email}

    monkeypatch.setattr(decision_views, "decision_json", with_decider_email)
    with pytest.raises(AssertionError, match="email address"):
        assert_nothing_secret(walk(client), [], [])
