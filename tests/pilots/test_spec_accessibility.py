"""Accessibility of the institution, specification and catalogue pages (labelled fields, unique ids, one h1)."""
import pytest

from qa_portal.auth.models import Role
from qa_portal.demo import accounts, pilots
from qa_portal.extensions import db
from tests.core.test_accessibility import assert_accessible
from tests.factories import login, make_user
from tests.pilots.factories import request_ctx  # noqa: F401


@pytest.fixture
def demo(request_ctx):
    accounts.load()
    pilots.load()
    db.session.commit()
    return {title: pilots.demo_specification(title) for title in (
        "Data literacy for public administration", "Sustainable tourism management", "Teaching with digital tools")}


def _check(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_officer_and_hei_pages_are_accessible(client, demo, locale):
    """The institution and specification pages pass the checks for an officer and an HEI user."""
    data_literacy, draft, _withdrawn = demo.values()
    institution_id = data_literacy.institution_id
    login(client, make_user(Role.OFFICER))
    client.post("/language", data={"locale": locale})
    _check(client, ["/institutions", "/institutions/new", f"/institutions/{institution_id}",
                    f"/institutions/{institution_id}/edit", "/specifications", "/specifications/new",
                    f"/specifications/{data_literacy.id}", f"/specifications/{data_literacy.id}/v1",
                    f"/specifications/{data_literacy.id}/edit", f"/specifications/{draft.id}"])
    client.post("/logout")
    login(client, accounts.demo_user("hei-a@example.org"), password=accounts.DEMO_PASSWORD)
    client.post("/language", data={"locale": locale})
    _check(client, [f"/institutions/{institution_id}", "/specifications", "/specifications/new",
                    f"/specifications/{draft.id}/edit", "/my-work"])


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_public_catalogue_pages_are_accessible(client, demo, locale):
    """The catalogue, a current, an older and a withdrawn version page pass the checks."""
    data_literacy, _draft, withdrawn = demo.values()
    client.post("/language", data={"locale": locale})
    _check(client, ["/catalogue", "/catalogue?q=data&eqf=6", f"/catalogue/{data_literacy.id}/v1",
                    f"/catalogue/{data_literacy.id}/v2", f"/catalogue/{withdrawn.id}/v1"])
