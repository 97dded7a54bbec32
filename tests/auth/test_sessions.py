"""Revocable sessions: a cookie saved before a revoking event is refused afterwards; idle and absolute expiry."""
from datetime import timedelta

import pytest
import time_machine
from flask_login.utils import encode_cookie
from sqlalchemy import select

from qa_portal import create_app
from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role, UserSession
from qa_portal.auth.services.sessions import token_hash
from qa_portal.auth.services.tokens import make_set_password_token
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from tests.factories import PASSWORD, login, make_user

NEW_PASSWORD = "a-brand-new-password-1"


def saved_cookie(client) -> str:
    """A copy of the browser's session cookie, as an attacker would take it."""
    return client.get_cookie("session").value


def replay(app, cookie: str):
    """Open "My work" in another browser holding the saved cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/my-work")


def assert_refused(response) -> None:
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def signed_in(app, user):
    """A fresh browser signed in as the user."""
    browser = app.test_client()
    assert login(browser, user).status_code == 302
    return browser


def test_saved_cookie_works_until_revoked(app, client):
    """The replay harness itself: a copied cookie opens "My work" while its session lives."""
    login(client, make_user(Role.OFFICER))
    assert replay(app, saved_cookie(client)).status_code == 200


def test_sign_out_ends_every_copy_of_the_cookie(app, client):
    """After signing out, a copy of the cookie taken before is refused."""
    login(client, make_user(Role.OFFICER))
    cookie = saved_cookie(client)
    client.post("/logout")
    assert_refused(replay(app, cookie))


def test_sign_out_leaves_the_users_other_browsers_signed_in(app):
    """Signing out in one browser ends that session only; the user's other browser stays signed in."""
    user = make_user(Role.OFFICER)
    office, laptop = signed_in(app, user), signed_in(app, user)
    office.post("/logout")
    assert laptop.get("/my-work").status_code == 200


def test_password_change_ends_other_sessions_and_renews_this_one(app):
    """A password change refuses the user's other sessions and every copy of this one's old cookie, while this
    browser stays signed in."""
    user = make_user(Role.OFFICER)
    other, browser = signed_in(app, user), signed_in(app, user)
    old_cookie = saved_cookie(browser)
    response = browser.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert browser.get("/my-work").status_code == 200
    assert_refused(other.get("/my-work"))
    assert_refused(replay(app, old_cookie))


def test_set_password_link_ends_every_session(app, client):
    """Setting a new password through an admin's link (a forgotten or stolen password) ends every session."""
    user = make_user(Role.OFFICER)
    browser = signed_in(app, user)
    cookie = saved_cookie(browser)
    client.post(f"/set-password/{make_set_password_token(user)}",
                data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert_refused(replay(app, cookie))


def test_deactivation_ends_sessions_for_good(app):
    """A cookie saved before deactivation is refused, and still refused after the account is reactivated."""
    user = make_user(Role.OFFICER)
    admin = signed_in(app, make_user(Role.ADMIN))
    cookie = saved_cookie(signed_in(app, user))
    admin.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert_refused(replay(app, cookie))
    admin.post(f"/admin/users/{user.id}/active", data={"active": "1"})
    assert_refused(replay(app, cookie))


def test_role_change_ends_the_users_sessions(app):
    """When an admin changes a user's roles, the user's saved cookie is refused (new roles, new session)."""
    user = make_user(Role.OFFICER)
    admin = signed_in(app, make_user(Role.ADMIN))
    cookie = saved_cookie(signed_in(app, user))
    admin.post(f"/admin/users/{user.id}", data={"email": user.email, "full_name": user.full_name,
                                                "roles": ["officer", "council"]})
    assert_refused(replay(app, cookie))
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.update")).one()
    assert entry.data["sessions_ended"] == 1


def test_editing_without_a_role_change_keeps_sessions(app):
    """Correcting a user's name leaves their sessions alone."""
    user = make_user(Role.OFFICER)
    admin = signed_in(app, make_user(Role.ADMIN))
    cookie = saved_cookie(signed_in(app, user))
    admin.post(f"/admin/users/{user.id}", data={"email": user.email, "full_name": "A New Name", "roles": ["officer"]})
    assert replay(app, cookie).status_code == 200


def test_admin_changing_own_roles_keeps_own_session(app):
    """An admin who adds a role to themselves stays signed in in this browser; their other sessions end."""
    admin_user = make_user(Role.ADMIN)
    other, admin = signed_in(app, admin_user), signed_in(app, admin_user)
    admin.post(f"/admin/users/{admin_user.id}", data={"email": admin_user.email, "full_name": admin_user.full_name,
                                                      "roles": ["admin", "officer"]})
    assert admin.get("/my-work").status_code == 200
    assert_refused(other.get("/my-work"))


def test_sign_out_everywhere_else_keeps_this_browser(app):
    """The account page's button ends every other session of the user, keeps this one, and is audited."""
    user = make_user(Role.OFFICER)
    first, second, browser = signed_in(app, user), signed_in(app, user), signed_in(app, user)
    response = browser.post("/account/sessions/end-others")
    assert response.status_code == 302
    assert browser.get("/my-work").status_code == 200
    assert_refused(first.get("/my-work"))
    assert_refused(second.get("/my-work"))
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.sessions_ended")).one()
    assert entry.data == {"ended": 2}


def test_account_page_lists_sessions_and_marks_this_browser(app):
    """The account page lists the user's sessions with their address and marks the current one."""
    user = make_user(Role.OFFICER)
    signed_in(app, user)
    browser = signed_in(app, user)
    body = browser.get("/account").get_data(as_text=True)
    assert body.count("<tr>") == 3  # header and two sessions
    assert body.count("this browser") == 1 and "127.0.0.1" in body


def test_session_is_stored_only_as_a_token_hash(app, client):
    """The server keeps the SHA-256 of the session token; the token itself is only in the cookie."""
    login(client, make_user(Role.OFFICER))
    with client.session_transaction() as session:
        token = session["auth_token"]
    row = db.session.scalars(select(UserSession)).one()
    assert row.token_hash == token_hash(token) and token not in row.token_hash


def test_session_ends_after_idle_timeout(app, client):
    """Activity keeps a session alive; 60 minutes without a request end it, with a message at sign-in."""
    user = make_user(Role.OFFICER)
    with time_machine.travel(utcnow(), tick=False) as traveller:
        login(client, user)
        for _ in range(3):
            traveller.shift(timedelta(minutes=59))
            assert client.get("/my-work").status_code == 200
        traveller.shift(timedelta(minutes=60, seconds=1))
        response = client.get("/my-work")
        assert_refused(response)
        assert "You were signed out after a time without activity" in client.get("/login").get_data(as_text=True)


def test_session_ends_at_its_absolute_lifetime_even_when_active(app, client):
    """However active, a session ends 12 hours after sign-in."""
    user = make_user(Role.OFFICER)
    with time_machine.travel(utcnow(), tick=False) as traveller:
        login(client, user)
        for _ in range(14):
            traveller.shift(timedelta(minutes=50))
            assert client.get("/my-work").status_code == 200
        traveller.shift(timedelta(minutes=21))  # 12 h 01 min after sign-in
        assert_refused(client.get("/my-work"))


def test_idle_and_lifetime_follow_the_settings(app, client):
    """QA_SESSION_IDLE_MINUTES and QA_SESSION_MAX_HOURS set the two limits."""
    user = make_user(Role.OFFICER)
    app.config.update(QA_SESSION_IDLE_MINUTES=5, QA_SESSION_MAX_HOURS=1)
    try:
        with time_machine.travel(utcnow(), tick=False) as traveller:
            login(client, user)
            traveller.shift(timedelta(minutes=6))
            assert_refused(client.get("/my-work"))
            login(client, user)
            for _ in range(14):
                traveller.shift(timedelta(minutes=4))
                assert client.get("/my-work").status_code == 200
            traveller.shift(timedelta(minutes=4, seconds=1))  # 1 h after this sign-in, 4 min after the last request
            assert_refused(client.get("/my-work"))
    finally:
        app.config.update(QA_SESSION_IDLE_MINUTES=60, QA_SESSION_MAX_HOURS=12)


def test_remember_me_cookie_never_signs_anyone_in(app):
    """A Flask-Login remember cookie (signed with the app's key) does not open a session: only a server-side session
    does, so it cannot outlive a revocation."""
    user = make_user(Role.OFFICER)
    with app.test_request_context():
        remember = encode_cookie(str(user.id))
    browser = app.test_client()
    browser.set_cookie("remember_token", remember)
    assert_refused(browser.get("/my-work"))


def test_session_protection_is_strong(app):
    """Flask-Login's strong protection drops a session whose browser fingerprint changed."""
    from qa_portal.extensions import login_manager

    assert login_manager.session_protection == "strong"
    user = make_user(Role.OFFICER)
    browser = app.test_client()
    browser.post("/login", data={"email": user.email, "password": PASSWORD}, headers={"User-Agent": "Firefox/1"})
    assert browser.get("/my-work", headers={"User-Agent": "Firefox/1"}).status_code == 200
    assert_refused(browser.get("/my-work", headers={"User-Agent": "curl/8"}))


@pytest.fixture
def production_app(app):
    """The production configuration on the suite's database (no Redis needed for one request)."""
    production = create_app("production", overrides={
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "x" * 48,
        "RATELIMIT_STORAGE_URI": "memory://", "WTF_CSRF_ENABLED": False, "QA_FAST_PASSWORD_HASH": True,
        "QA_2FA_REQUIRED_ROLES": (), "QA_PUBLIC_BASE_URL": "https://qa.example.org", "QA_ALLOW_LOCAL_RATE_LIMITS": True,
        "QA_REQUIRE_SIGNING_KEY": False,
    })
    yield production
    with production.app_context():
        db.session.remove()
        db.engine.dispose()


def test_production_cookie_is_host_prefixed_and_secure(production_app):
    """In production the session cookie is __Host-: Secure, Path=/, no Domain, HttpOnly, SameSite=Lax."""
    user = make_user(Role.HEI)
    browser = production_app.test_client()
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD}, base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-qa_session=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path", "samesite"} <= attributes and "domain" not in attributes
    assert "Path=/;" in cookie or cookie.endswith("Path=/")
