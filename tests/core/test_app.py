"""Configuration, security headers, error pages, languages and the demo data."""
import contextvars

import pytest
from sqlalchemy import select, text

from qa_portal import create_app
from qa_portal.auth.models import Role, User
from qa_portal.demo import load_demo
from qa_portal.demo.accounts import DEMO_PASSWORD, DEMO_USERS
from qa_portal.extensions import db
from tests.factories import login, make_user


def test_production_refuses_the_default_secret_key(monkeypatch):
    """Production will not start with the development SECRET_KEY."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", overrides={"SECRET_KEY": "dev-only-secret-key-change-me"})


def test_production_uses_secure_cookies_and_hsts():
    """Production marks cookies Secure and sends HSTS."""
    app = create_app("production", overrides={"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                              "RATELIMIT_STORAGE_URI": "memory://",
                                              "QA_ALLOW_LOCAL_RATE_LIMITS": True,
                                              "QA_PUBLIC_BASE_URL": "https://qa.example.am",
                                              "QA_REQUIRE_SIGNING_KEY": False})  # tests/credentials/test_keys.py
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_security_headers_on_every_response(client):
    """Pages and error pages carry CSP, nosniff, frame denial and a referrer policy."""
    for url in ("/", "/login", "/does-not-exist"):
        response = client.get(url)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"]


def test_pages_need_no_inline_script(client):
    """Our pages load scripts from files only, so the CSP can forbid inline script."""
    login(client, make_user(Role.ADMIN, Role.OFFICER))
    for url in ("/", "/my-work", "/admin/users", "/audit/"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>" not in body and "onclick=" not in body and "onchange=" not in body


def test_sqlite_has_foreign_keys_and_wal(app):
    """SQLite runs with foreign keys enforced and the WAL journal."""
    if db.engine.dialect.name != "sqlite":
        return
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_error_pages_are_friendly(client):
    """404 uses the shared error page, not a bare server message; a page opened at an action's URL (sign-out takes a
    POST) goes on to the nearest page instead of an error."""
    response = client.get("/nowhere")
    assert response.status_code == 404 and b"We could not find this page" in response.data
    response = client.get("/logout", headers={"Sec-Fetch-Mode": "navigate"})  # a person's browser
    assert response.status_code == 303 and response.location == "/"
    response = client.get("/logout")  # a script
    assert response.status_code == 405 and "a button’s, not a page" in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_page(app):
    """An unexpected exception renders the 500 page and rolls back."""
    fresh = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://", "QA_RAISE_UNEXPECTED": False})

    @fresh.route("/boom")
    def boom():
        raise ValueError("boom")

    response = fresh.test_client().get("/boom")
    assert response.status_code == 500 and b"Something went wrong" in response.data


def test_language_switch_shows_armenian_and_is_remembered(client):
    """Choosing Armenian translates the layout and the choice is kept for the signed-in user."""
    user = make_user(Role.OFFICER)
    login(client, user)
    client.post("/language", data={"locale": "hy", "next": "/my-work"})
    body = client.get("/my-work").get_data(as_text=True)
    assert 'lang="hy"' in body
    assert "Իմ աշխատանքը" in body
    db.session.refresh(user)
    assert user.locale == "hy"


def test_language_switch_ignores_unknown_locales(client):
    """An unknown locale is ignored and the page stays English."""
    client.post("/language", data={"locale": "xx"})
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_demo_load_creates_every_role_and_is_idempotent(app, client):
    """`demo load` creates the demo accounts once; each can sign in with the demo password."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    count = db.session.scalar(select(db.func.count(User.id)))
    result = runner.invoke(args=["demo", "load"])
    assert "nothing changed" in result.output
    assert db.session.scalar(select(db.func.count(User.id))) == count
    roles = set()
    for email, *_rest in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        roles |= user.roles
        assert login(client, user, DEMO_PASSWORD).status_code == 302, email
        client.post("/logout")
    assert roles == set(Role)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_demo_load_refused_in_production():
    """The demo loader refuses to run under the Production configuration."""
    app = create_app("production", overrides={"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                              "RATELIMIT_STORAGE_URI": "memory://",
                                              "QA_ALLOW_LOCAL_RATE_LIMITS": True,
                                              "QA_PUBLIC_BASE_URL": "https://qa.example.am",
                                              "QA_REQUIRE_SIGNING_KEY": False})  # tests/credentials/test_keys.py
    runner = app.test_cli_runner()
    # A context of its own, so the command runs in this production app, not the suite's app.
    result = contextvars.Context().run(runner.invoke, args=["demo", "load"])
    assert result.exit_code != 0 and "Production" in result.output


def test_my_work_shows_sections_for_each_role(client):
    """Each role sees its own "My work" sections with an empty state that says what will appear."""
    load_demo()
    db.session.commit()
    for email, _name, roles, _inst in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        login(client, user, DEMO_PASSWORD)
        body = client.get("/my-work").get_data(as_text=True)
        assert "will appear here" in body or "work-items" in body
        nav_has_users = "/admin/users" in body
        assert nav_has_users == (Role.ADMIN in roles)
        client.post("/logout")


def test_production_refuses_in_process_rate_limits():
    """Production will not count rate limits in each process's memory unless a single-process install says so."""
    overrides = {"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_STORAGE_URI": "memory://"}
    with pytest.raises(RuntimeError, match="QA_RATELIMIT_STORAGE_URI"):
        create_app("production", overrides=overrides)
