"""Expert-pool demo data and page accessibility: profiles for every demo expert, conflicts the detector must see."""
from datetime import date

import pytest
from sqlalchemy import func, select

from qa_portal.auth.models import Role
from qa_portal.auth.services import find_user_by_email
from qa_portal.demo import experts as demo_experts
from qa_portal.demo import load_demo
from qa_portal.demo.accounts import DEMO_PASSWORD
from qa_portal.demo.accounts import load as load_accounts
from qa_portal.extensions import db
from qa_portal.reviews.services.experts import profile_for_user
from qa_portal.reviews.models import ExpertProfile, ExpertType
from tests.core.test_accessibility import assert_accessible
from tests.factories import login, make_user

DEMO_EXPERTS = {"chair@example.org": ExpertType.ACADEMIC, "academic@example.org": ExpertType.ACADEMIC,
                "student@example.org": ExpertType.STUDENT, "employer@example.org": ExpertType.EMPLOYER,
                "intl@example.org": ExpertType.INTERNATIONAL, "qa@example.org": ExpertType.QA_PROFESSIONAL}


def test_demo_experts_have_profiles_and_load_is_idempotent(app):
    """Every demo expert gets a profile of the right kind; running the loader again creates nothing."""
    load_accounts()
    assert demo_experts.load() is True
    for email, kind in DEMO_EXPERTS.items():
        profile = profile_for_user(find_user_by_email(email))
        assert profile.expert_type == kind and profile.fields and profile.languages and profile.affiliations
    assert demo_experts.load() is False
    assert db.session.scalar(select(func.count(ExpertProfile.id))) == len(DEMO_EXPERTS)


def test_demo_extra_experts_sign_in_with_the_demo_password(client):
    """The added expert accounts use the demo password, like accounts.py's."""
    load_accounts()
    demo_experts.load()
    db.session.commit()
    response = client.post("/login", data={"email": "intl@example.org", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_academic_left_hei_a_two_years_ago_student_studies_elsewhere(app):
    """academic@'s affiliation with Demo University A ended about two years ago; student@ studies elsewhere now."""
    load_accounts()
    demo_experts.load()
    academic = profile_for_user(find_user_by_email("academic@example.org"))
    at_hei_a = [item for item in academic.affiliations if item.institution and item.institution.short_name == "HEI-A"]
    assert len(at_hei_a) == 1 and 700 <= (date.today() - at_hei_a[0].ended_on).days <= 760
    student = profile_for_user(find_user_by_email("student@example.org"))
    current = [item for item in student.affiliations if item.ended_on is None]
    assert current and all(item.institution_id is None and item.institution_name for item in current)


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_expert_pages_are_accessible(client, app, locale):
    """The pool, profile, create, edit, affiliation and own-profile pages pass the accessibility checks."""
    load_demo()
    db.session.commit()
    profile = profile_for_user(find_user_by_email("academic@example.org"))
    make_user(Role.EXPERT)
    login(client, make_user(Role.OFFICER))
    client.post("/language", data={"locale": locale})
    for url in ["/experts", "/experts?type=student&available=1", f"/experts/{profile.id}", "/experts/new",
                f"/experts/{profile.id}/edit", f"/experts/{profile.id}/affiliations/{profile.affiliations[0].id}"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))
    expert_client = app.test_client()
    expert_client.post("/login", data={"email": "student@example.org", "password": DEMO_PASSWORD})
    expert_client.post("/language", data={"locale": locale})
    response = expert_client.get("/experts/me")
    assert response.status_code == 200
    assert_accessible("/experts/me", response.get_data(as_text=True))
