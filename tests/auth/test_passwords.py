"""Password policy, own-password change and one-time set-password links."""
from datetime import timedelta
from unittest import mock

from qa_portal.auth.models import Role
from qa_portal.auth.services.passwords import hash_password, password_problems, verify_password
from qa_portal.auth.services import create_user
from qa_portal.auth.services.tokens import make_set_password_token
from qa_portal.extensions import db
from tests.factories import PASSWORD, login, make_user


def test_password_hash_is_argon2_and_verifies(app):
    """Passwords are stored as argon2id hashes, never in clear."""
    hashed = hash_password("a-long-password-1")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "a-long-password-1")
    assert not verify_password(hashed, "another-password")


def test_password_policy_needs_twelve_characters_and_not_the_email(app):
    """A password must be at least 12 characters and not the email address."""
    with app.test_request_context():
        assert password_problems("short", "a@b.org")
        assert password_problems("person@example.org", "person@example.org")
        assert password_problems("PERSON@EXAMPLE.ORG", "person@example.org")
        assert password_problems("a-fine-long-password", "person@example.org") == []


def test_change_password_with_weak_new_password_is_refused(client):
    """A weak new password gets a message at the field, HTTP 400, and the old password keeps working."""
    user = make_user(Role.OFFICER)
    login(client, user)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "short", "confirm_password": "short"})
    assert response.status_code == 400
    assert b"Use at least 12 characters." in response.data
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_change_password_needs_the_current_password(client):
    """The current password must be proven before a change."""
    user = make_user(Role.OFFICER)
    login(client, user)
    response = client.post("/account/password", data={
        "current_password": "wrong-current-pw", "new_password": "new-password-2026", "confirm_password": "new-password-2026"})
    assert response.status_code == 400
    assert b"Your current password is not correct." in response.data


def test_change_password_succeeds(client):
    """With the right current password and a good new one, the password changes."""
    user = make_user(Role.OFFICER)
    login(client, user)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "new-password-2026", "confirm_password": "new-password-2026"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert verify_password(user.password_hash, "new-password-2026")


def _new_user_link(app):
    with app.test_request_context():
        user, token = create_user(None, "newbie@example.org", "New Bie", {Role.EXPERT})
        db.session.commit()
    return user, f"/set-password/{token}"


def test_set_password_link_sets_the_password_once(app, client):
    """The link sets the first password, then is spent."""
    user, link = _new_user_link(app)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"new_password": "my-first-password", "confirm_password": "my-first-password"})
    assert response.status_code == 302
    assert login(client, user, "my-first-password").status_code == 302
    client.post("/logout")
    response = client.get(link)
    assert response.status_code == 400
    assert b"not valid or has already been used" in response.data


def test_set_password_link_expires(app, client):
    """A link older than its lifetime is refused with a clear message."""
    _user, link = _new_user_link(app)
    hours = app.config["QA_SET_PASSWORD_MAX_AGE_HOURS"]
    import time as real_time
    later = real_time.time() + (hours + 1) * 3600
    with mock.patch("itsdangerous.timed.time.time", return_value=later):
        response = client.get(link)
    assert response.status_code == 400
    assert b"This link has expired." in response.data


def test_set_password_link_tampered_is_refused(app, client):
    """A forged or mangled token is refused, never a 500."""
    response = client.get("/set-password/not-a-real-token")
    assert response.status_code == 400


def test_set_password_rejects_mismatched_and_weak_passwords(app, client):
    """Mismatched or weak passwords re-render the form with the message; the link stays valid."""
    _user, link = _new_user_link(app)
    response = client.post(link, data={"new_password": "my-first-password", "confirm_password": "different-password"})
    assert response.status_code == 400 and b"The two passwords differ." in response.data
    response = client.post(link, data={"new_password": "newbie@example.org", "confirm_password": "newbie@example.org"})
    assert response.status_code == 400 and b"Do not use your email address" in response.data
    assert client.get(link).status_code == 200


def test_token_is_bound_to_the_password_state(app):
    """Changing the password invalidates links issued before."""
    with app.test_request_context():
        user = make_user(Role.OFFICER)
        before = make_set_password_token(user)
        user.password_hash = hash_password("another-password-9")
        db.session.commit()
        assert make_set_password_token(user) != before
