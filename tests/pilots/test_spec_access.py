"""HEI A's institution and specifications are out of HEI B's reach on every route; officers see everything."""
import pytest
from sqlalchemy import func, select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.models import InstitutionMembership, SpecificationVersion
from tests.factories import login, make_institution, make_user
from tests.pilots.factories import make_specification, request_ctx  # noqa: F401
from tests.pilots.test_spec_versions import _form

pytestmark = pytest.mark.usefixtures("request_ctx")

MY_VIEW_MODULES = {"qa_portal.pilots.views.institutions", "qa_portal.pilots.views.specifications"}
# Routes that take an object id; HEI B must get 403 or 404 with HEI A's ids, whatever the method.
OBJECT_ROUTES = {
    "pilots.institution_detail", "pilots.institution_edit", "pilots.institution_link_user",
    "pilots.institution_unlink_user", "pilots.specification_detail", "pilots.specification_version",
    "pilots.specification_edit", "pilots.specification_publish", "pilots.specification_withdraw",
}
# Routes without an id: they only ever show the signed-in user's own institution's data.
OWN_ROUTES = {"pilots.institution_list", "pilots.institution_new", "pilots.my_institution",
              "pilots.specification_list", "pilots.specification_new"}


@pytest.fixture
def two_heis():
    hei_a, hei_b = make_institution("HEI-A", "University A"), make_institution("HEI-B", "University B")
    user_a = make_user(Role.HEI, institution=hei_a)
    user_b = make_user(Role.HEI, institution=hei_b)
    spec_a = make_specification(hei_a, published=True, title_en="Secret course of A")
    make_specification(hei_a, title_en="Draft course of A")
    membership_a = db.session.scalar(select(InstitutionMembership).where(InstitutionMembership.user_id == user_a.id))
    return {"hei_a": hei_a, "user_b": user_b, "spec_a": spec_a, "membership_a": membership_a}


def test_every_route_of_institutions_and_specifications_is_covered(app):
    """The lists above name every route of the institution and specification views, and nothing else."""
    mine = {endpoint for endpoint, view in app.view_functions.items() if view.__module__ in MY_VIEW_MODULES}
    assert mine == OBJECT_ROUTES | OWN_ROUTES


def test_hei_b_gets_403_or_404_on_every_route_with_hei_a_objects(app, client, two_heis):
    """HEI B requests every route with HEI A's ids, by every method it accepts: never 2xx or 3xx."""
    values = {"institution_id": two_heis["hei_a"].id, "credential_id": two_heis["spec_a"].micro_credential_id,
              "number": 1, "membership_id": two_heis["membership_a"].id}
    login(client, two_heis["user_b"])
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in OBJECT_ROUTES:
            continue
        url = rule.build({name: values[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {**_form(title_en="Hijacked"), "reason": "x", "user_id": str(two_heis["user_b"].id)}
            response = client.open(url, method=method, data=data if method == "POST" else None)
            assert response.status_code in (403, 404), f"{method} {url} -> {response.status_code}"
            assert "Secret course of A" not in response.get_data(as_text=True)
            checked += 1
    assert checked >= len(OBJECT_ROUTES)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(SpecificationVersion.title_en == "Hijacked")) == 0
    assert db.session.get(SpecificationVersion, two_heis["spec_a"].id).status.value == "published"


def test_hei_b_lists_and_pages_never_show_hei_a_data(client, two_heis):
    """HEI B's own-scope pages show nothing of HEI A, and HEI B cannot write for HEI A."""
    login(client, two_heis["user_b"])
    for url in ("/specifications", "/institutions/mine", "/specifications/new"):
        response = client.get(url, follow_redirects=True)
        page = response.get_data(as_text=True)
        assert "Secret course of A" not in page and "Draft course of A" not in page and "University A" not in page
    assert client.get("/institutions").status_code == 403
    assert client.get("/institutions/new").status_code == 403
    response = client.post("/specifications/new", data=_form(institution_id=str(two_heis["hei_a"].id)))
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(SpecificationVersion.id))) == 2


def test_officer_sees_every_institution_and_specification(client, two_heis):
    """Officers see all institutions and all specifications, drafts included."""
    login(client, make_user(Role.OFFICER))
    page = client.get("/specifications").get_data(as_text=True)
    assert "Secret course of A" in page and "Draft course of A" in page
    assert client.get(f"/institutions/{two_heis['hei_a'].id}").status_code == 200
    assert client.get(f"/specifications/{two_heis['spec_a'].micro_credential_id}").status_code == 200


def test_other_roles_cannot_reach_specifications(client, two_heis):
    """An expert (no pilots role) gets 403 on the specification pages."""
    login(client, make_user(Role.EXPERT))
    assert client.get("/specifications").status_code == 403
    assert client.get(f"/specifications/{two_heis['spec_a'].micro_credential_id}").status_code == 403
