"""Institutions: officers manage them and link HEI users; HEI users see their own; every rule has its message."""
import html

import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.models import Institution, InstitutionMembership, InstitutionType
from tests.factories import login, make_institution, make_user


def _form(**overrides) -> dict:
    form = {
        "name_en": "Yerevan State University", "name_hy": "Երևանի պետական համալսարան", "short_name": "YSU",
        "country": "AM", "national_id": "AM-HEI-001", "deqar_id": "DEQARINST0123", "eter_id": "AM0001",
        "website": "https://www.ysu.am", "institution_type": "university",
    }
    form.update(overrides)
    return form


@pytest.fixture
def officer(client):
    user = make_user(Role.OFFICER)
    login(client, user)
    return user


def test_officer_creates_institution_with_all_identifiers(client, officer):
    """An officer registers an institution with names, country, ids, website and type; it is audited."""
    response = client.post("/institutions/new", data=_form())
    assert response.status_code == 302
    institution = db.session.scalar(select(Institution))
    assert (institution.short_name, institution.country, institution.deqar_id, institution.institution_type) == (
        "YSU", "AM", "DEQARINST0123", InstitutionType.UNIVERSITY)
    assert institution.name_hy == "Երևանի պետական համալսարան"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "institution.create")) is not None


def test_officer_edits_institution(client, officer):
    """An officer changes an institution's details."""
    institution = make_institution("YSU")
    response = client.post(f"/institutions/{institution.id}/edit", data=_form(website="https://ysu.am/en"))
    assert response.status_code == 302
    db.session.refresh(institution)
    assert institution.website == "https://ysu.am/en"
    assert client.get(f"/institutions/{institution.id}/edit").status_code == 200


def test_institution_list_shows_every_institution(client, officer):
    """The officers' list shows every institution."""
    make_institution("YSU")
    make_institution("ASUE")
    page = client.get("/institutions").get_data(as_text=True)
    assert "YSU" in page and "ASUE" in page


@pytest.mark.parametrize(("bad", "message"), [
    ({"deqar_id": "DEQAR0123"}, "A DEQAR id is DEQARINST followed by digits, e.g. DEQARINST0123."),
    ({"deqar_id": "DEQARINST12a"}, "A DEQAR id is DEQARINST followed by digits, e.g. DEQARINST0123."),
    ({"deqar_id": "deqarinst0123"}, "A DEQAR id is DEQARINST followed by digits, e.g. DEQARINST0123."),
    ({"country": "XY"}, "Choose a country from the list."),
    ({"website": "www.ysu.am"}, "Enter a web address that starts with http:// or https://."),
    ({"name_en": ""}, "Enter the name in English."),
    ({"short_name": ""}, "Enter a short name, e.g. YSU."),
    ({"institution_type": "college"}, "Choose a type from the list."),
], ids=["deqar-prefix", "deqar-letters", "deqar-lowercase", "country", "website", "name", "short-name", "type"])
def test_institution_rule_refuses_bad_value_with_exact_message(client, officer, bad, message):
    """A bad value is refused with its exact message, HTTP 400, typed values kept, nothing saved."""
    response = client.post("/institutions/new", data=_form(**bad))
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert message in page
    assert "AM-HEI-001" in page and "Երևանի պետական համալսարան" in page
    for name, value in bad.items():
        if value and name not in ("country", "institution_type"):
            assert value in page
    assert db.session.scalar(select(Institution)) is None


def test_institution_duplicate_short_name_is_refused(client, officer):
    """Two institutions cannot share a short name (HTTP 400, message next to the field)."""
    make_institution("YSU")
    response = client.post("/institutions/new", data=_form(deqar_id=""))
    assert response.status_code == 400
    assert "Another institution already uses this short name." in response.get_data(as_text=True)


def test_institution_duplicate_deqar_id_is_refused(client, officer):
    """Two institutions cannot share a DEQAR id."""
    client.post("/institutions/new", data=_form())
    response = client.post("/institutions/new", data=_form(short_name="YSU2"))
    assert response.status_code == 400
    assert "Another institution already has this DEQAR id." in response.get_data(as_text=True)


def test_officer_links_and_unlinks_hei_user_with_audit(client, officer):
    """An officer links an HEI user to an institution and unlinks them; both are audited."""
    institution = make_institution("YSU")
    hei_user = make_user(Role.HEI, full_name="Anna Petrosyan")
    assert "Anna Petrosyan" in client.get(f"/institutions/{institution.id}").get_data(as_text=True)
    response = client.post(f"/institutions/{institution.id}/members", data={"user_id": str(hei_user.id)})
    assert response.status_code == 302
    membership = db.session.scalar(select(InstitutionMembership))
    assert (membership.user_id, membership.institution_id) == (hei_user.id, institution.id)
    response = client.post(f"/institutions/{institution.id}/members/{membership.id}/remove")
    assert response.status_code == 302
    assert db.session.scalar(select(InstitutionMembership)) is None
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("institution.%"))).all()
    assert actions == ["institution.link_user", "institution.unlink_user"]


def test_linking_a_user_without_hei_role_is_refused(client, officer):
    """Only users with the HEI role can be linked to an institution."""
    institution = make_institution("YSU")
    expert = make_user(Role.EXPERT)
    response = client.post(f"/institutions/{institution.id}/members", data={"user_id": str(expert.id)})
    assert response.status_code == 409
    assert "Only users with the HEI quality unit role can be linked to an institution." in response.get_data(as_text=True)


def test_linking_the_same_user_twice_is_refused(client, officer):
    """A user already linked cannot be linked again."""
    institution = make_institution("YSU")
    hei_user = make_user(Role.HEI, institution=institution, full_name="Anna Petrosyan")
    response = client.post(f"/institutions/{institution.id}/members", data={"user_id": str(hei_user.id)})
    assert response.status_code == 409
    assert "Anna Petrosyan is already linked to this institution." in response.get_data(as_text=True)


def test_linking_without_choosing_a_user_is_refused(client, officer):
    """The link form needs a user."""
    institution = make_institution("YSU")
    response = client.post(f"/institutions/{institution.id}/members", data={"user_id": ""})
    assert response.status_code == 400
    assert "Choose an HEI user." in response.get_data(as_text=True)


def test_unlinking_a_membership_of_another_institution_is_not_found(client, officer):
    """A membership id must belong to the institution in the URL."""
    ysu, other = make_institution("YSU"), make_institution("ASUE")
    make_user(Role.HEI, institution=other)
    membership = db.session.scalar(select(InstitutionMembership))
    assert client.post(f"/institutions/{ysu.id}/members/{membership.id}/remove").status_code == 404


def test_hei_user_sees_own_institution_but_cannot_manage(client):
    """An HEI user reaches their institution through "My institution" and cannot edit or list institutions."""
    institution = make_institution("YSU", "Yerevan State University")
    login(client, make_user(Role.HEI, institution=institution))
    response = client.get("/institutions/mine")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/institutions/{institution.id}")
    page = client.get(f"/institutions/{institution.id}").get_data(as_text=True)
    assert "Yerevan State University" in page and "Link user" not in page
    assert client.get("/institutions").status_code == 403
    assert client.get(f"/institutions/{institution.id}/edit").status_code == 403
    assert client.get("/institutions/new").status_code == 403


def test_institution_page_lists_its_specifications_with_completeness(client, officer):
    """The institution page lists the institution's specifications with a completeness bar, not others'."""
    from tests.pilots.factories import make_specification

    ysu, other = make_institution("YSU"), make_institution("ASUE")
    with client.application.test_request_context():
        make_specification(ysu, title_en="Course at YSU")
        make_specification(other, title_en="Course at ASUE")
    page = client.get(f"/institutions/{ysu.id}").get_data(as_text=True)
    assert "Course at YSU" in page and "Course at ASUE" not in page
    assert '<progress max="100" value="100"' in page


def test_hei_user_without_institution_has_no_institution_page(client):
    """An HEI user not yet linked to an institution gets 403 on "My institution"."""
    login(client, make_user(Role.HEI))
    assert client.get("/institutions/mine").status_code == 403


def test_navigation_shows_institution_links_by_role(client):
    """Officers see Institutions and Specifications; HEI users see My institution and Our micro-credentials."""
    institution = make_institution("YSU")
    login(client, make_user(Role.OFFICER))
    page = client.get("/my-work").get_data(as_text=True)
    assert ">Institutions<" in page and ">Specifications<" in page
    client.post("/logout")
    login(client, make_user(Role.HEI, institution=institution))
    page = client.get("/my-work").get_data(as_text=True)
    assert ">My institution<" in page and ">Our micro-credentials<" in page and ">Institutions<" not in page
