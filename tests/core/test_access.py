"""Every route is permission-checked or on the short public list; every POST needs a CSRF token."""
from datetime import date

import pytest

from qa_portal import create_app
from qa_portal.auth.models import Role
from qa_portal.decisions.services.complaints import lodge_complaint
from qa_portal.extensions import db
from tests.decisions.appeal_factories import lodged
from tests.factories import login, make_user
from tests.pilots.calls_factories import make_application, make_call, make_specification
from tests.reviews.factories import hei_user_for
from tests.reviews.panel_factories import make_expert, seat
from tests.standards.factories import make_comment
from tests.route_walk import (
    ANY_SIGNED_IN_ENDPOINTS, PUBLIC_ENDPOINTS, csrf_unprotected, sample_url, state_changing_rules,
    unmarked_endpoints,
)


@pytest.fixture
def one_of_everything(app):
    """Id 1 exists for every kind of record a URL names — a published case with its decision, an appeal with a
    document, a complaint, a consultation comment, a call with an application, an expert with an affiliation on the
    case's panel — so refusals come from permission checks, not from 404s alone (the whole demo is not needed)."""
    appeal = lodged("negative", documents=1)
    case = appeal.case
    hei = hei_user_for(case)
    with app.test_request_context():
        lodge_complaint(hei, "How the site visit was run", "The visit started two hours late.", case.id)
    make_comment(case.standard_version, author=hei)
    make_application(make_call(version=case.standard_version), case.institution,
                     [make_specification(case.institution)])
    expert = make_expert(affiliations=[("Another University", "lecturer", date(2015, 1, 1), None)])
    member = seat(case, user=expert.user)
    db.session.commit()
    assert case.id == appeal.id == expert.id == member.id == 1


def _rules_by_endpoint(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def test_every_endpoint_is_public_or_login_checked(app):
    """No view escapes the access markers; public views are exactly the explicit list."""
    assert unmarked_endpoints(app) == []


def test_route_walk_catches_an_unprotected_route():
    """A deliberately unprotected dummy route is reported by the walker."""
    fresh = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @fresh.route("/dummy-unprotected")
    def dummy_unprotected():
        return "secret"

    assert unmarked_endpoints(fresh) == ["dummy_unprotected"]


def test_anonymous_visitors_are_sent_to_login_on_every_non_public_route(app, client):
    """Without signing in, every non-public route answers with a redirect to /login."""
    for rule in _rules_by_endpoint(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(sample_url(rule), method=method)
            assert response.status_code == 302, f"{method} {rule.rule}"
            assert "/login" in response.headers["Location"], f"{method} {rule.rule}"


def test_signed_in_user_without_roles_is_refused_on_every_role_route(app, client, one_of_everything):
    """A signed-in user with no role and no relationship gets 403/404 everywhere but their own pages."""
    stranger = make_user()
    login(client, stranger)
    for rule in _rules_by_endpoint(app):
        if rule.endpoint in PUBLIC_ENDPOINTS | ANY_SIGNED_IN_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(sample_url(rule), method=method)
            assert response.status_code in (403, 404), f"{method} {rule.rule} -> {response.status_code}"


def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, client, csrf_enabled):
    """POST/PUT/PATCH/DELETE without a CSRF token is refused with 400 on every route."""
    assert list(state_changing_rules(app)), "the walk must see the POST routes"
    assert csrf_unprotected(app, client) == []


def test_csrf_walk_catches_an_exempt_route():
    """A dummy POST route exempted from CSRF is reported by the walker."""
    from qa_portal.extensions import csrf

    fresh = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://", "WTF_CSRF_ENABLED": True})

    @fresh.route("/dummy-exempt", methods=["POST"])
    @csrf.exempt
    def dummy_exempt():
        return "", 204

    with fresh.test_client() as client:
        offenders = csrf_unprotected(fresh, client)
    assert any("/dummy-exempt" in offender for offender in offenders)
    assert len(offenders) == 1


def test_role_and_admin_pages_refuse_users_without_the_role(app, client):
    """The user admin is for admins only, the audit log for officers and admins."""
    hei = make_user(Role.HEI)
    login(client, hei)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/audit/").status_code == 403
