"""Accessibility of the standards pages (labelled fields, unique ids, named buttons, one h1) on the demo data."""
import pytest

from qa_portal.auth.models import Role
from qa_portal.demo import load_demo
from qa_portal.extensions import db
from qa_portal.standards.models import StandardSet, VersionStatus
from tests.core.test_accessibility import assert_accessible
from tests.factories import login, make_user


@pytest.fixture
def demo_set(app):
    load_demo()
    db.session.commit()
    return db.session.query(StandardSet).filter_by(code="mc-pilot").one()


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_officer_pages_are_accessible(client, demo_set, locale):
    """Every drafting, consultation-report and comparison page passes the checks in both languages."""
    login(client, make_user(Role.OFFICER))
    client.post("/language", data={"locale": locale})
    first, second = demo_set.versions
    standard = second.standards[0]
    urls = ["/manage/standards/", "/manage/standards/new", f"/manage/standards/sets/{demo_set.id}",
            f"/manage/standards/sets/{demo_set.id}/edit",
            f"/manage/standards/sets/{demo_set.id}/compare?old={first.id}&new={second.id}",
            f"/manage/standards/versions/{first.id}", f"/manage/standards/versions/{second.id}",
            f"/manage/standards/versions/{second.id}/details", f"/manage/standards/versions/{second.id}/withdraw",
            f"/manage/standards/versions/{second.id}/standards/new", f"/manage/standards/standards/{standard.id}/edit",
            f"/manage/standards/standards/{standard.id}/criteria/new",
            f"/manage/standards/criteria/{standard.criteria[0].id}/edit",
            f"/manage/standards/versions/{second.id}/levels/new",
            f"/manage/standards/levels/{second.levels[0].id}/edit",
            f"/manage/standards/versions/{second.id}/consultation-report",
            f"/manage/standards/versions/{first.id}/consultation-report", "/my-work"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))


def test_consultation_and_public_pages_are_accessible(client, demo_set):
    """The consultation pages for a stakeholder and the public pages pass the checks."""
    for url in ("/standards/", "/standards/mc-pilot/v1"):
        assert_accessible(url, client.get(url).get_data(as_text=True))
    login(client, make_user(Role.HEI))
    second = next(v for v in demo_set.versions if v.status == VersionStatus.CONSULTATION)
    for url in ("/consultations/", f"/consultations/{second.id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))
