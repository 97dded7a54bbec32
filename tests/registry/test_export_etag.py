"""The bulk exports carry an ETag computed from the public record without generating the export: a registry that
polls with If-None-Match gets 304 until something it would receive changes — a publication, a condition's status, an
appeal, a specification or institution edit, another day (overdue flags), other filters. (The fingerprint may also
change for an edit the export does not show, e.g. another institution's record: a needless 200, never a stale 304.)"""
import pytest

from qa_portal.auth.models import Role
from qa_portal.decisions.models import ConditionVerdict
from qa_portal.extensions import db
from qa_portal.pilots.services import specifications as specification_services
from tests.factories import make_user
from tests.registry.factories import (appeal_against, condition_reported, publish, published_decision,
                                      unpublished_decision)

EXPORTS = ["/api/v1/decisions.ndjson", "/api/v1/decisions.csv"]


def etag_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.headers["ETag"]


@pytest.mark.parametrize("url", EXPORTS)
def test_an_unchanged_export_answers_304_without_a_body(client, url):
    published_decision()
    etag = etag_of(client, url)
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag


@pytest.mark.parametrize("url", EXPORTS)
def test_the_etag_changes_when_a_decision_is_published(client, url):
    decision = unpublished_decision()
    published_decision()
    before = etag_of(client, url)
    make_user(Role.OFFICER)  # nothing the export is made from changed
    assert etag_of(client, url) == before
    publish(decision)
    assert etag_of(client, url) != before


def test_the_etag_changes_with_a_conditions_status_and_an_appeal(client):
    decision = published_decision("positive_with_conditions")
    url = EXPORTS[0]
    first = etag_of(client, url)
    condition_reported(decision.conditions[0], ConditionVerdict.MET)
    second = etag_of(client, url)
    appeal_against(db.session.get(type(decision), decision.id))
    third = etag_of(client, url)
    assert len({first, second, third}) == 3


def test_the_etag_changes_when_a_reviewed_specification_is_withdrawn(client):
    decision = published_decision()
    url = EXPORTS[0]
    before = etag_of(client, url)
    credential = decision.case.specification_links[0].specification_version.micro_credential
    specification_services.withdraw_specification(make_user(Role.OFFICER), credential, "Discontinued.")
    db.session.commit()
    assert etag_of(client, url) != before


def test_other_filters_have_another_etag(client):
    decision = published_decision()
    url = EXPORTS[0]
    assert etag_of(client, url) != etag_of(client, f"{url}?institution={decision.case.institution_id}")
