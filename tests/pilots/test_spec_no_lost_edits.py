"""No lost edits on a specification: two saves from the same version — the second gets the conflict page (409) with
both texts and the first stays saved; a save landing at the same moment is a conflict, never a 500."""
import pytest
from sqlalchemy import update

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.models import SpecificationVersion
from qa_portal.pilots.services import specifications as services
from tests.factories import login, make_institution, make_user
from tests.pilots.factories import make_specification, request_ctx  # noqa: F401
from tests.pilots.test_spec_versions import _form
from tests.reviews.test_concurrent_save import competing_save  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("request_ctx")


def _setup(client):
    institution = make_institution("YSU", "Yerevan State University")
    version = make_specification(institution)
    login(client, make_user(Role.HEI, institution=institution))
    return version, f"/specifications/{version.micro_credential_id}/edit"


def _saved(version) -> SpecificationVersion:
    db.session.expire_all()
    return db.session.get(SpecificationVersion, version.id)


def test_the_edit_page_carries_the_version_it_was_opened_on(app, client):
    version, url = _setup(client)
    assert f'value="{services.specification_base(version)}"' in client.get(url).get_data(as_text=True)


def test_two_saves_from_the_same_version_end_in_the_conflict_page_with_both_texts(app, client):
    version, url = _setup(client)
    base = services.specification_base(version)
    assert client.post(url, data=_form(short_description="My colleague's description.", base=base)
                       ).status_code == 302
    response = client.post(url, data=_form(short_description="My description.", base=base))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Edit conflict" in html
    assert "My colleague&#39;s description." in html and "My description.</textarea>" in html
    assert _saved(version).short_description == "My colleague's description."
    again = client.post(url, data=_form(short_description="Merged.", base=services.specification_base(_saved(version))))
    assert again.status_code == 302 and _saved(version).short_description == "Merged."


@pytest.mark.committing  # the competing save commits on its own connection
def test_a_save_landing_at_the_same_moment_is_a_conflict_not_a_500(app, client, competing_save):  # noqa: F811
    version, url = _setup(client)
    base = services.specification_base(version)
    competing_save(update(SpecificationVersion).where(SpecificationVersion.id == version.id)
                   .values(short_description="My colleague's description.", revision=version.revision + 1))
    response = client.post(url, data=_form(short_description="My description.", base=base))
    assert response.status_code == 409
    assert "My colleague&#39;s description." in response.get_data(as_text=True)
    assert _saved(version).short_description == "My colleague's description."
