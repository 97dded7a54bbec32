"""The pilots demo loader: institutions' details, published, withdrawn and draft specifications, idempotent."""
import pytest
from sqlalchemy import func, select

from qa_portal.auth.models import Role
from qa_portal.demo import accounts, pilots
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, MicroCredential, SpecificationStatus
from qa_portal.pilots.models.specification_rules import completeness
from tests.factories import login
from tests.pilots.factories import request_ctx  # noqa: F401

pytestmark = pytest.mark.usefixtures("request_ctx")


@pytest.fixture
def demo():
    accounts.load()
    assert pilots.load() is True
    db.session.commit()


def test_demo_fills_institution_details(demo):
    """Both demo institutions get a country, DEQAR id, website and type."""
    institutions = db.session.scalars(select(Institution).order_by(Institution.short_name)).all()
    assert [(i.short_name, i.country, i.deqar_id) for i in institutions] == [
        ("HEI-A", "AM", "DEQARINST9001"), ("HEI-B", "AM", "DEQARINST9002")]


def test_demo_specifications_cover_every_state(demo):
    """Three published complete specifications (one with two versions), one withdrawn, one incomplete draft."""
    credentials = db.session.scalars(select(MicroCredential)).all()
    published = [c for c in credentials if c.latest_published is not None]
    assert len(published) == 3
    assert all(completeness(c.latest_published) == (100, []) for c in published)
    data_literacy = pilots.demo_specification("Data literacy for public administration")
    assert [v.status for v in data_literacy.versions] == [SpecificationStatus.PUBLISHED] * 2
    withdrawn = pilots.demo_specification("Teaching with digital tools")
    assert withdrawn.latest_version.status == SpecificationStatus.WITHDRAWN
    draft = pilots.demo_specification("Sustainable tourism management")
    assert draft.latest_version.status == SpecificationStatus.DRAFT and completeness(draft.latest_version)[0] < 100


def test_demo_loader_is_idempotent(demo):
    """Running the loader again creates nothing."""
    count = db.session.scalar(select(func.count(MicroCredential.id)))
    assert pilots.load() is False
    assert db.session.scalar(select(func.count(MicroCredential.id))) == count


def test_demo_catalogue_and_my_work(demo, client):
    """The catalogue lists the three published ones; HEI A's My work lists its incomplete draft."""
    page = client.get("/catalogue").get_data(as_text=True)
    for title in ("Data literacy for public administration", "Cybersecurity essentials for small businesses",
                  "Green public procurement"):
        assert title in page
    assert "Sustainable tourism management" not in page and "Teaching with digital tools" not in page
    login(client, accounts.demo_user("hei-a@example.org"), password=accounts.DEMO_PASSWORD)
    work = client.get("/my-work").get_data(as_text=True)
    assert "Sustainable tourism management" in work and "Data literacy for public administration" not in work
    assert Role.HEI in accounts.demo_user("hei-a@example.org").roles
