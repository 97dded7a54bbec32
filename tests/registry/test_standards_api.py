"""/api/v1/standards serves the standard-set versions the public pages show (approved, superseded, withdrawn after
approval) with their standards and criteria; drafts, versions in consultation and consultation comments never."""
from datetime import datetime

from sqlalchemy import update

from qa_portal.extensions import db
from qa_portal.standards.models import StandardVersion, VersionStatus
from tests.decisions.factories import statements_for
from tests.registry.test_errors import assert_api_error
from tests.standards.factories import make_comment, make_standard_set, make_version

API = "/api/v1/standards"


def ids(client, query: str = "") -> list[int]:
    """The version ids one page of the list answers."""
    return [item["id"] for item in client.get(f"{API}?{query}").get_json()["data"]]


def test_standards_list_published_versions_only(client):
    """Approved, superseded and withdrawn-after-approval versions are listed; drafts and consultations are not."""
    shown = [make_version(status).id for status in (VersionStatus.APPROVED, VersionStatus.SUPERSEDED,
                                                     VersionStatus.WITHDRAWN)]
    hidden = [make_version(status).id for status in (VersionStatus.DRAFT, VersionStatus.CONSULTATION)]
    assert ids(client) == sorted(shown)
    for version_id in hidden:
        assert_api_error(client.get(f"{API}/{version_id}"), 404, "not_found")
    assert_api_error(client.get(f"{API}/999999"), 404, "not_found")


def test_standard_version_has_its_standards_criteria_scale_and_links(client):
    """A version answers with its set, status, dates, standards (ESG and principle references) and criteria, the
    compliance scale and the decision rule, and links its public page and PDF."""
    standard_set = make_standard_set("micro", "Micro-credential QA standards", "Միկրոհավաստագրերի չափորոշիչներ")
    version = make_version(VersionStatus.APPROVED, standard_set=standard_set, standards=2, criteria=3)
    body = client.get(f"{API}/{version.id}").get_json()
    assert body["set"] == {"code": "micro", "title_en": "Micro-credential QA standards",
                           "title_hy": "Միկրոհավաստագրերի չափորոշիչներ", "description": ""}
    assert (body["number"], body["status"]) == (version.number, "approved") and body["approved_at"].endswith("Z")
    assert [standard["code"] for standard in body["standards"]] == ["S1", "S2"]
    first = body["standards"][0]
    assert first["statement"] == "Statement of standard 1." and first["esg_refs"] == ["1.1"]
    assert first["principle_refs"] == [1]
    assert [criterion["code"] for criterion in first["criteria"]] == ["C1.1", "C1.2", "C1.3"]
    assert first["criteria"][0] == {"code": "C1.1", "text": "Criterion 1.1 text.", "expected_evidence": "Evidence.",
                                    "mandatory": True}
    assert body["compliance_scale"] and body["decision_rule"]
    assert body["page_url"] == f"http://localhost/standards/micro/v{version.number}"
    assert body["pdf_url"].endswith(f"/standards/micro/v{version.number}/pdf")
    assert body["url"] == f"http://localhost/api/v1/standards/{version.id}"


def test_standards_never_show_consultation_comments(client):
    """Comments made during the consultation stay out of the API, even on the approved version."""
    version = make_version(VersionStatus.APPROVED)
    make_comment(version, text="CONSULTATION COMMENT: please soften standard 2.")
    for url in (API, f"{API}/{version.id}"):
        assert "CONSULTATION COMMENT" not in client.get(url).get_data(as_text=True)


def test_standards_filter_by_set_status_and_updated_since(client):
    """`set` (code, any case), `status` and `updated_since` narrow the list; bad values are 400s."""
    standard_set = make_standard_set("micro")
    old = make_version(VersionStatus.SUPERSEDED, standard_set=standard_set)
    current = make_version(VersionStatus.APPROVED, standard_set=standard_set)
    other = make_version(VersionStatus.APPROVED)
    db.session.execute(update(StandardVersion).where(StandardVersion.id == old.id)
                       .values(updated_at=datetime(2020, 1, 1)))
    db.session.commit()
    assert ids(client, "set=MICRO") == [old.id, current.id]
    assert ids(client, "set=micro&status=approved") == [current.id]
    assert ids(client, "status=approved") == [current.id, other.id]
    assert ids(client, "updated_since=2025-01-01") == [current.id, other.id]
    assert ids(client, "set=no-such-set") == []
    assert_api_error(client.get(f"{API}?status=draft"), 400, "invalid_choice")
    assert_api_error(client.get(f"{API}?updated_since=soon"), 400, "invalid_datetime")
    assert_api_error(client.get(f"{API}?limit=-1"), 400, "invalid_limit")
    assert_api_error(client.get(f"{API}?code=micro"), 400, "unknown_parameter")


def test_standards_pages_walk_and_etag(client):
    """The list pages by cursor (each version once, in id order) and answers 304 to a matching ETag."""
    expected = [make_version(VersionStatus.APPROVED).id for _ in range(3)]
    seen, url = [], f"{API}?limit=2"
    while url:
        body = client.get(url).get_json()
        seen += [item["id"] for item in body["data"]]
        url = body["next_url"]
    assert seen == sorted(expected)
    detail = client.get(f"{API}/{expected[0]}")
    again = client.get(f"{API}/{expected[0]}", headers={"If-None-Match": detail.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_standards_page_runs_the_same_queries_for_few_and_many(client):
    """A page of versions costs a fixed number of SQL statements whatever the standards and criteria behind it."""
    make_version(VersionStatus.APPROVED, standards=1, criteria=1)
    few = statements_for(client, API)
    for _ in range(5):
        make_version(VersionStatus.APPROVED, standards=3, criteria=4)
    assert statements_for(client, API) == few
    assert statements_for(client, f"{API}?limit=2") == few
