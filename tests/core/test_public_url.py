"""Every absolute URL comes from QA_PUBLIC_BASE_URL: a request's Host header never changes one, and production will
not start without the setting."""
import re

import pytest

from qa_portal import create_app
from qa_portal.auth.models import Role
from qa_portal.core.urls import normalised_base_url, public_url
from tests.factories import PASSWORD, make_production_app, make_user
from tests.registry.factories import published_decision

PUBLIC = "https://qa.example.am"
EVIL = "http://evil.example"


@pytest.fixture
def public_address(app):
    """The portal configured at https://qa.example.am for one test."""
    app.config["QA_PUBLIC_BASE_URL"] = PUBLIC
    yield PUBLIC
    app.config["QA_PUBLIC_BASE_URL"] = "http://localhost"


def _production(**settings):
    return make_production_app(**settings)


def test_production_refuses_to_start_without_a_public_address(monkeypatch):
    """No QA_PUBLIC_BASE_URL, or a plain-http one, and the production app is not built."""
    monkeypatch.delenv("QA_PUBLIC_BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="QA_PUBLIC_BASE_URL is not set"):
        _production(QA_PUBLIC_BASE_URL="")
    with pytest.raises(RuntimeError, match="must start with https://"):
        _production(QA_PUBLIC_BASE_URL="http://qa.example.am")
    assert _production(QA_PUBLIC_BASE_URL="https://qa.example.am/").config["QA_PUBLIC_BASE_URL"] == PUBLIC


def test_development_defaults_to_the_development_server_address(monkeypatch):
    """Without the setting, development builds URLs for http://127.0.0.1:5000."""
    monkeypatch.delenv("QA_PUBLIC_BASE_URL", raising=False)
    app = create_app("development", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://", "QA_PUBLIC_BASE_URL": ""})
    assert app.config["QA_PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"


@pytest.mark.parametrize("value", ["qa.example.am", "ftp://qa.example.am", "https://", "https://qa.example.am/?x=1",
                                   "https://user:secret@qa.example.am"])
def test_public_address_must_be_a_plain_http_address(value):
    """Anything but scheme://host[:port][/path] is refused with a message naming the setting."""
    with pytest.raises(ValueError, match="QA_PUBLIC_BASE_URL"):
        normalised_base_url(value)


def test_public_url_works_outside_a_request_and_under_a_path(app, public_address):
    """A command or a background job builds the same URLs; a base with a path prefixes every route."""
    with app.app_context():
        assert public_url("registry.decision_detail", decision_id=7) == f"{PUBLIC}/api/v1/decisions/7"
        assert public_url("registry.decision_list", institution=3, _anchor="top") == \
            f"{PUBLIC}/api/v1/decisions?institution=3#top"
        app.config["QA_PUBLIC_BASE_URL"] = "https://agency.example.am/qa"
        assert public_url("decisions.register_decision", decision_id=2) == "https://agency.example.am/qa/register/2"


def test_host_header_changes_nothing_in_api_paging_and_links(app, client, public_address):
    """`next_url`, the Link header and every URL in the items are the configured address whatever Host says."""
    for _ in range(3):
        published_decision()
    response = client.get("/api/v1/decisions?limit=2", base_url=EVIL)
    body = response.get_json()
    assert body["next_url"].startswith(f"{PUBLIC}/api/v1/decisions?limit=2&cursor=")
    assert response.headers["Link"] == f'<{body["next_url"]}>; rel="next"'
    assert "evil.example" not in response.get_data(as_text=True)
    assert body["data"][0]["urls"]["public_page"].startswith(f"{PUBLIC}/register/")
    index = client.get("/api/v1/", base_url=EVIL).get_json()
    assert index["self"] == f"{PUBLIC}/api/v1/" and all(url.startswith(PUBLIC) for url in index["resources"])


def test_host_header_changes_nothing_in_deqar_reports_or_exports(app, client, public_address):
    """DEQAR report and file URLs, the CSV export's URLs and its ETag are the same whichever Host the request used."""
    decision = published_decision()
    reports = client.get("/api/v1/deqar/reports", base_url=EVIL).get_data(as_text=True)
    assert "evil.example" not in reports and f"{PUBLIC}/register/{decision.id}/letter.pdf" in reports
    honest = client.get("/api/v1/decisions.csv")
    forged = client.get("/api/v1/decisions.csv", base_url=EVIL)
    assert forged.get_data() == honest.get_data() and forged.headers["ETag"] == honest.headers["ETag"]
    assert f"{PUBLIC}/register/{decision.id}" in forged.get_data(as_text=True)


def test_host_header_changes_nothing_in_pages_and_set_password_links(app, client, public_address):
    """The set-password link an admin copies and the docs page's base URL ignore the Host header."""
    admin = make_user(Role.ADMIN)
    client.post("/login", data={"email": admin.email, "password": PASSWORD}, base_url=EVIL)
    response = client.post("/admin/users/new", base_url=EVIL,
                           data={"email": "new@example.org", "full_name": "New Person", "roles": ["officer"]})
    page = response.get_data(as_text=True)
    assert re.search(rf"{re.escape(PUBLIC)}/set-password/[\w.-]+", page)
    assert "evil.example" not in page
    docs = client.get("/api/v1/docs", base_url=EVIL).get_data(as_text=True)
    assert f"{PUBLIC}/api/v1" in docs and "evil.example" not in docs


def test_create_admin_command_prints_a_public_link(app, public_address):
    """`flask users create-admin` prints a set-password link at the public address (no request involved)."""
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "boss@example.org", "The Boss"])
    assert result.exit_code == 0 and f"{PUBLIC}/set-password/" in result.output
