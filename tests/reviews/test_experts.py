"""Expert pool: who may see and change which profile, profile and affiliation rules, audit, CSRF."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.models import ExpertAffiliation, ExpertProfile, ExpertType
from tests.factories import login, make_institution, make_user
from tests.reviews.panel_factories import make_expert

PROFILE_FORM = {"expert_type": "academic", "isced_codes": "0413, 0611", "languages": ["hy", "en"],
                "country": "AM", "training_date": "2025-03-14", "available": "y",
                "biography": "Professor of management.\n\nTwenty years of teaching."}


def _profile(user) -> ExpertProfile | None:
    db.session.expire_all()
    return db.session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == user.id))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- who may do what ------------------------------------------------------------------------------------------

def test_pool_pages_officers_only(client):
    """Only officers list the pool and create profiles; an expert, an HEI user or a user without role get 403."""
    profile = make_expert()
    for user in (make_user(Role.EXPERT), make_user(Role.HEI, institution=make_institution()), make_user()):
        login(client, user)
        assert client.get("/experts").status_code == 403
        assert client.get("/experts/new").status_code == 403
        assert client.get(f"/experts/{profile.id}").status_code == 403
        client.post("/logout")
    login(client, make_user(Role.OFFICER))
    assert client.get("/experts").status_code == 200
    assert client.get(f"/experts/{profile.id}").status_code == 200


def test_pool_pages_anonymous_sent_to_login(client):
    """Anonymous visitors are sent to the sign-in page from every expert-pool page."""
    profile = make_expert()
    for url in ("/experts", "/experts/new", "/experts/me", f"/experts/{profile.id}", f"/experts/{profile.id}/edit"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_expert_edits_own_profile_not_anothers(client):
    """An expert reads and edits their own profile and its affiliations; another expert's gives 403."""
    mine, theirs = make_expert(), make_expert(affiliations=[("Other U", "Lecturer", None, None)])
    login(client, mine.user)
    assert client.get(f"/experts/{mine.id}").status_code == 200
    assert client.get(f"/experts/{mine.id}/edit").status_code == 200
    assert client.get(f"/experts/{theirs.id}").status_code == 403
    assert client.post(f"/experts/{theirs.id}/edit", data=PROFILE_FORM).status_code == 403
    assert client.post(f"/experts/{theirs.id}/affiliations", data={"institution_name": "X", "role": "Y"}
                       ).status_code == 403
    affiliation_id = theirs.affiliations[0].id
    assert client.post(f"/experts/{theirs.id}/affiliations/{affiliation_id}/delete").status_code == 403
    assert db.session.get(ExpertAffiliation, affiliation_id) is not None


def test_my_profile_refused_to_non_experts(client):
    """/experts/me is for experts: an HEI user or a user without role gets 403 and no profile is made."""
    for user in (make_user(Role.HEI, institution=make_institution()), make_user()):
        login(client, user)
        assert client.get("/experts/me").status_code == 403
        assert client.post("/experts/me", data=PROFILE_FORM).status_code == 403
        assert _profile(user) is None
        client.post("/logout")


def test_affiliation_of_another_profile_is_404(client):
    """An affiliation is reached only through its own profile's address."""
    first, second = make_expert(affiliations=[("U1", "Lecturer", None, None)]), make_expert()
    login(client, make_user(Role.OFFICER))
    assert client.get(f"/experts/{second.id}/affiliations/{first.affiliations[0].id}").status_code == 404
    assert client.get("/experts/99999").status_code == 404


# --- profiles ------------------------------------------------------------------------------------------------

def test_expert_creates_own_profile_on_first_save(client):
    """An expert without a profile gets an empty form at /experts/me; saving it creates the profile (audited)."""
    expert = make_user(Role.EXPERT)
    login(client, expert)
    page = client.get("/experts/me")
    assert page.status_code == 200 and "no expert profile yet" in page.get_data(as_text=True)
    response = client.post("/experts/me", data=PROFILE_FORM)
    profile = _profile(expert)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/experts/{profile.id}")
    assert profile.expert_type == ExpertType.ACADEMIC and profile.training_date == date(2025, 3, 14)
    assert [item.isced_code for item in profile.fields] == ["0413", "0611"]
    assert [item.language for item in profile.languages] == ["en", "hy"]
    assert "expert.profile_create" in _actions()
    shown = client.get(f"/experts/{profile.id}").get_data(as_text=True)
    assert "0413" in shown and "Management and administration" in shown and "Twenty years" in shown


def test_expert_updates_own_profile(client):
    """Saving /experts/me again changes the profile in place and records before and after."""
    profile = make_expert(fields=("0413",), languages=("hy",))
    login(client, profile.user)
    assert client.post("/experts/me", data={**PROFILE_FORM, "expert_type": "international", "country": "FR",
                                            "isced_codes": "0731", "languages": ["fr", "en"]}).status_code == 302
    profile = _profile(profile.user)
    assert profile.expert_type == ExpertType.INTERNATIONAL and profile.country == "FR"
    assert [item.isced_code for item in profile.fields] == ["0731"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "expert.profile_update"))
    assert entry.data["before"]["fields"] == ["0413"] and entry.data["after"]["fields"] == ["0731"]


def test_officer_creates_profile_for_expert_account(client):
    """An officer creates a profile for an active expert account that has none; the account then leaves the list."""
    expert = make_user(Role.EXPERT, full_name="Nare Expert")
    make_user(Role.EXPERT, full_name="Inactive Expert", active=False)
    make_user(Role.HEI, full_name="Not An Expert", institution=make_institution())
    already = make_expert()
    login(client, make_user(Role.OFFICER))
    page = client.get("/experts/new").get_data(as_text=True)
    assert "Nare Expert" in page
    assert "Inactive Expert" not in page and "Not An Expert" not in page and already.user.full_name not in page
    response = client.post("/experts/new", data={**PROFILE_FORM, "user": str(expert.id), "expert_type": "employer"})
    assert response.status_code == 302
    assert _profile(expert).expert_type == ExpertType.EMPLOYER
    assert f"Nare Expert ({expert.email})" not in client.get("/experts/new").get_data(as_text=True)


def test_officer_cannot_create_second_profile_or_for_non_expert(client):
    """Choosing an account that is not in the list (a non-expert, or one with a profile) is refused with 400."""
    already, other = make_expert(), make_user(Role.HEI, institution=make_institution())
    login(client, make_user(Role.OFFICER))
    for user in (already.user, other):
        response = client.post("/experts/new", data={**PROFILE_FORM, "user": str(user.id)})
        assert response.status_code == 400
    assert _profile(other) is None


def test_officer_edits_any_profile(client):
    """An officer edits another expert's profile (e.g. marks them unavailable)."""
    profile = make_expert()
    login(client, make_user(Role.OFFICER))
    data = {key: value for key, value in PROFILE_FORM.items() if key != "available"}
    assert client.post(f"/experts/{profile.id}/edit", data=data).status_code == 302
    assert _profile(profile.user).available is False


def test_service_refuses_second_profile_and_non_expert(app):
    """create_profile refuses (409) an account that already has a profile or lacks the expert role."""
    from qa_portal.core.errors import DomainError
    from qa_portal.reviews.services.experts import ProfileDetails, create_profile

    details = ProfileDetails("academic", "AM", ["0413"], ["hy"])
    existing = make_expert()
    for user in (existing.user, make_user(Role.HEI, institution=make_institution()),
                 make_user(Role.EXPERT, active=False)):
        with pytest.raises(DomainError) as error:
            create_profile(None, user, details)
        assert error.value.status_code == 409 and error.value.field == "user"
        db.session.rollback()


def test_service_refuses_unknown_codes(app):
    """The service checks the codes too (not only the form): ISCED-F, ISO 639-1, ISO 3166, the type."""
    from qa_portal.core.errors import DomainError
    from qa_portal.reviews.services.experts import ProfileDetails, update_profile

    profile = make_expert()
    for details, field in ((ProfileDetails("academic", "AM", ["9999"], ["hy"]), "isced_codes"),
                           (ProfileDetails("academic", "AM", ["0413"], ["zz"]), "languages"),
                           (ProfileDetails("academic", "QQ", ["0413"], ["hy"]), "country"),
                           (ProfileDetails("dean", "AM", ["0413"], ["hy"]), "expert_type")):
        with pytest.raises(DomainError) as error:
            update_profile(None, profile, details)
        assert error.value.field == field
        db.session.rollback()


# --- validation messages, input kept -------------------------------------------------------------------------

def test_profile_bad_isced_code_refused_input_kept(client):
    """An unknown ISCED-F code is named in a message at the field, the typed text stays, status 400."""
    expert = make_user(Role.EXPERT)
    login(client, expert)
    response = client.post("/experts/me", data={**PROFILE_FORM, "isced_codes": "0413, 9999",
                                                "biography": "My kept text"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Not ISCED-F 2013 field codes: 9999." in page
    assert 'value="0413, 9999"' in page and "My kept text" in page
    assert _profile(expert) is None


def test_profile_bad_language_refused(client):
    """A language that is not an ISO 639-1 code is refused with a message naming it; the ticked ones stay."""
    expert = make_user(Role.EXPERT)
    login(client, expert)
    response = client.post("/experts/me", data={**PROFILE_FORM, "languages": ["hy", "xx"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Not ISO 639-1 language codes: xx." in page
    assert re.search(r'<input[^>]*checked[^>]*value="hy"|<input[^>]*value="hy"[^>]*checked', page)
    assert _profile(expert) is None


def test_profile_needs_a_field_and_a_language(client):
    """A profile names at least one field of expertise and one working language."""
    login(client, make_user(Role.EXPERT))
    response = client.post("/experts/me", data={**PROFILE_FORM, "isced_codes": " ", "languages": []})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Give at least one ISCED-F field code" in page and "Tick at least one working language." in page


def test_profile_bad_country_refused(client):
    """The country is an ISO 3166 alpha-2 code from the list."""
    login(client, make_user(Role.EXPERT))
    assert client.post("/experts/me", data={**PROFILE_FORM, "country": "XY"}).status_code == 400


# --- affiliations --------------------------------------------------------------------------------------------

def test_affiliation_added_from_list_or_by_name(client):
    """An affiliation names an institution from the list or by typed name; no end date means current."""
    institution = make_institution(name_en="Listed University")
    profile = make_expert()
    login(client, profile.user)
    assert client.post(f"/experts/{profile.id}/affiliations", data={
        "institution_id": str(institution.id), "role": "Professor", "started_on": "2015-09-01"}).status_code == 302
    assert client.post(f"/experts/{profile.id}/affiliations", data={
        "institution_id": "", "institution_name": "Typed College", "role": "Board member",
        "started_on": "2010-01-01", "ended_on": "2012-06-30"}).status_code == 302
    db.session.expire_all()
    listed, typed = sorted(_profile(profile.user).affiliations, key=lambda item: item.role, reverse=True)
    assert listed.institution_id == institution.id and listed.ended_on is None
    assert typed.institution_id is None and typed.institution_name == "Typed College"
    page = client.get(f"/experts/{profile.id}").get_data(as_text=True)
    assert "Listed University" in page and "Typed College" in page and "current" in page
    assert _actions().count("expert.affiliation_add") == 2


def test_affiliation_dates_out_of_order_refused(client):
    """The end of an affiliation cannot be before its start: 400, message at the field, input kept."""
    profile = make_expert()
    login(client, profile.user)
    response = client.post(f"/experts/{profile.id}/affiliations", data={
        "institution_name": "Kept College", "role": "Dean", "started_on": "2020-01-01", "ended_on": "2019-01-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "The end date cannot be before the start date." in page
    assert 'value="Kept College"' in page and 'value="2019-01-01"' in page
    assert _profile(profile.user).affiliations == []


def test_affiliation_needs_institution_or_name(client):
    """An affiliation without a listed institution or a typed name is refused with 400."""
    profile = make_expert()
    login(client, profile.user)
    response = client.post(f"/experts/{profile.id}/affiliations", data={"institution_id": "", "role": "Dean"})
    assert response.status_code == 400
    assert "Choose the institution from the list or type its name." in response.get_data(as_text=True)
    assert 'value="Dean"' in response.get_data(as_text=True)


def test_affiliation_edited_and_removed(client):
    """An officer edits an affiliation's dates and removes another; both are audited."""
    profile = make_expert(affiliations=[("Old U", "Lecturer", date(2001, 1, 1), None),
                                        ("Gone U", "Tutor", None, None)])
    by_role = {affiliation.role: affiliation.id for affiliation in profile.affiliations}
    old_id, gone_id = by_role["Lecturer"], by_role["Tutor"]
    login(client, make_user(Role.OFFICER))
    form = client.get(f"/experts/{profile.id}/affiliations/{old_id}").get_data(as_text=True)
    assert 'value="Old U"' in form
    assert client.post(f"/experts/{profile.id}/affiliations/{old_id}", data={
        "institution_name": "Old U", "role": "Lecturer", "started_on": "2001-01-01",
        "ended_on": "2020-12-31"}).status_code == 302
    bad = client.post(f"/experts/{profile.id}/affiliations/{old_id}", data={
        "institution_name": "Old U", "role": "Lecturer", "started_on": "2001-01-01", "ended_on": "2000-12-31"})
    assert bad.status_code == 400
    assert client.post(f"/experts/{profile.id}/affiliations/{gone_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(ExpertAffiliation, old_id).ended_on == date(2020, 12, 31)
    assert db.session.get(ExpertAffiliation, gone_id) is None
    assert {"expert.affiliation_update", "expert.affiliation_remove"} <= set(_actions())


# --- CSRF ----------------------------------------------------------------------------------------------------

@pytest.mark.usefixtures("csrf_enabled")
def test_expert_forms_carry_csrf_tokens_and_refuse_without(client):
    """Every expert-pool form carries a CSRF token; a post without one is refused."""
    profile = make_expert(affiliations=[("Some U", "Lecturer", None, None)])
    make_user(Role.EXPERT)
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    officer = make_user(Role.OFFICER)
    client.post("/login", data={"email": officer.email, "password": "correct-horse-battery", "csrf_token": token})
    affiliation_id = profile.affiliations[0].id
    for url in ("/experts/new", f"/experts/{profile.id}", f"/experts/{profile.id}/edit",
                f"/experts/{profile.id}/affiliations/{affiliation_id}"):
        page = client.get(url).get_data(as_text=True)
        forms = page.count('method="post"')
        assert forms >= 1 and page.count('name="csrf_token"') >= forms, url
    assert client.post(f"/experts/{profile.id}/affiliations/{affiliation_id}/delete").status_code == 400
    assert client.post(f"/experts/{profile.id}/edit", data=PROFILE_FORM).status_code == 400


def test_every_profile_route_refused_to_other_expert_and_hei(app, client):
    """Every GET and POST of every profile route, with another expert's ids, is 403/404 and changes nothing."""
    profile = make_expert(affiliations=[("Their U", "Lecturer", None, None)])
    values = {"profile_id": profile.id, "affiliation_id": profile.affiliations[0].id}
    walked = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("reviews.") and "profile_id" in rule.arguments:
            url = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), rule.rule)
            walked += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    assert len(walked) >= 7
    for user in (make_user(Role.EXPERT), make_user(Role.HEI, institution=make_institution())):
        login(client, user)
        for method, url in walked:
            response = client.open(url, method=method, data={**PROFILE_FORM, "role": "x", "institution_name": "x"})
            assert response.status_code in (403, 404), f"{method} {url} -> {response.status_code}"
        client.post("/logout")
    assert _profile(profile.user).expert_type == ExpertType.ACADEMIC
    assert [item.role for item in _profile(profile.user).affiliations] == ["Lecturer"]
