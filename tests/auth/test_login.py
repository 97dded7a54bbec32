"""Sign-in and sign-out rules (throttling: test_throttling.py; sessions: test_sessions.py)."""
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.extensions import db
from tests.factories import PASSWORD, login, make_user


def _actions():
    return [entry.action for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_login_with_right_password_opens_my_work(client):
    """Correct credentials sign the user in and land on "My work"; the login is audited."""
    user = make_user(Role.OFFICER)
    response = login(client, user)
    assert response.status_code == 302 and response.headers["Location"].endswith("/my-work")
    assert client.get("/my-work").status_code == 200
    assert "auth.login" in _actions()


def test_login_email_is_case_insensitive(client):
    """Users may type their email with capitals and spaces."""
    user = make_user(Role.OFFICER, email="case@example.org")
    response = client.post("/login", data={"email": "  Case@Example.ORG ", "password": PASSWORD})
    assert response.status_code == 302


def test_login_wrong_password_gets_clear_message_and_401(client):
    """A wrong password re-renders the form with the email kept and a clear message."""
    user = make_user(Role.OFFICER)
    response = client.post("/login", data={"email": user.email, "password": "not-the-password"})
    assert response.status_code == 401
    assert b"The email or password is not correct." in response.data
    assert user.email.encode() in response.data
    assert "auth.login_failed" in _actions()


def test_login_unknown_user_gets_same_message(client):
    """An unknown email gets the same message as a wrong password (no account enumeration)."""
    response = client.post("/login", data={"email": "nobody@example.org", "password": "whatever-password"})
    assert response.status_code == 401
    assert b"The email or password is not correct." in response.data


def test_login_deactivated_account_is_refused(client):
    """A deactivated account cannot sign in."""
    user = make_user(Role.OFFICER, active=False)
    assert login(client, user).status_code == 401


def test_login_empty_form_is_a_400_with_field_messages(client):
    """Missing fields are reported at the fields with HTTP 400."""
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    assert b"This field is required." in response.data


def test_login_per_address_limit_stops_password_spraying(app, client):
    """Many failures from one address across accounts are stopped by the per-address limit."""
    app.config["QA_LOGIN_ADDRESS_LIMIT"] = "3 per 15 minutes"
    try:
        for n in range(3):
            client.post("/login", data={"email": f"spray{n}@example.org", "password": "spray-password-1"})
        response = client.post("/login", data={"email": "spray9@example.org", "password": "spray-password-1"})
        assert response.status_code == 429
        assert b"Too many failed sign-ins from your network address" in response.data
    finally:
        app.config["QA_LOGIN_ADDRESS_LIMIT"] = "50 per 15 minutes"


def test_logout_ends_the_session(client):
    """After signing out, "My work" asks for sign-in again; the logout is audited."""
    user = make_user(Role.OFFICER)
    login(client, user)
    assert client.post("/logout").status_code == 302
    assert client.get("/my-work").status_code == 302
    assert "auth.logout" in _actions()


def test_login_next_parameter_only_allows_local_paths(client):
    """The post-login redirect never leaves the site."""
    user = make_user(Role.OFFICER)
    response = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/my-work")
    client.post("/logout")
    response = client.post("/login?next=/audit/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/audit/")


def test_session_cookie_is_httponly_and_samesite_lax(client):
    """The session cookie cannot be read by scripts and is not sent on cross-site posts."""
    user = make_user(Role.OFFICER)
    response = login(client, user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_renews_the_session(client):
    """Anything put in the session before sign-in does not survive it (no fixation)."""
    user = make_user(Role.OFFICER)
    with client.session_transaction() as session:
        session["planted"] = "value"
    login(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session
