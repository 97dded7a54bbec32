"""Administrators create, edit, deactivate accounts and assign roles."""
import re

from sqlalchemy import select

from qa_portal.auth.models import Role, User
from qa_portal.extensions import db
from tests.factories import login, make_user


def _admin_client(client):
    admin = make_user(Role.ADMIN)
    login(client, admin)
    return admin


def test_admin_creates_user_with_roles_and_gets_a_set_password_link(client):
    """Creating an account assigns its roles and shows a one-time link to copy."""
    _admin_client(client)
    response = client.post("/admin/users/new", data={
        "email": "New.Expert@Example.org", "full_name": "New Expert", "roles": ["expert", "council"]})
    assert response.status_code == 200
    link = re.search(rb'value="(http[^"]+/set-password/[^"]+)"', response.data)
    assert link, "the page shows the set-password link"
    user = db.session.scalar(select(User).where(User.email == "new.expert@example.org"))
    assert user.roles == {Role.EXPERT, Role.COUNCIL}
    assert user.password_hash is None


def test_admin_create_duplicate_email_keeps_input_and_says_why(client):
    """A taken email is refused at the field; the typed name is kept."""
    _admin_client(client)
    existing = make_user(Role.OFFICER)
    response = client.post("/admin/users/new", data={
        "email": existing.email, "full_name": "Typed Name Kept", "roles": ["officer"]})
    assert response.status_code == 400
    assert b"Another account already uses this email address." in response.data
    assert b"Typed Name Kept" in response.data


def test_admin_create_invalid_email_is_refused(client):
    """A malformed email is a field error, not a 500."""
    _admin_client(client)
    response = client.post("/admin/users/new", data={"email": "not-an-email", "full_name": "X"})
    assert response.status_code == 400
    assert b"Invalid email address." in response.data


def test_admin_edits_roles(client):
    """Roles can be added and removed."""
    _admin_client(client)
    user = make_user(Role.EXPERT)
    response = client.post(f"/admin/users/{user.id}", data={
        "email": user.email, "full_name": "Renamed", "roles": ["officer"]})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.roles == {Role.OFFICER} and user.full_name == "Renamed"


def test_admin_cannot_remove_own_admin_role(client):
    """An admin cannot lock themselves out by dropping their own admin role."""
    admin = _admin_client(client)
    response = client.post(f"/admin/users/{admin.id}", data={
        "email": admin.email, "full_name": admin.full_name, "roles": ["officer"]})
    assert response.status_code == 400
    assert b"You cannot remove your own administrator role." in response.data
    db.session.refresh(admin)
    assert Role.ADMIN in admin.roles


def test_admin_deactivates_user_who_then_cannot_sign_in(app, client):
    """A deactivated account is signed out everywhere and cannot sign in."""
    _admin_client(client)
    user = make_user(Role.EXPERT)
    assert client.post(f"/admin/users/{user.id}/active", data={"active": "0"}).status_code == 302
    db.session.refresh(user)
    assert not user.active
    assert login(app.test_client(), user).status_code == 401


def test_admin_cannot_deactivate_self(client):
    """Deactivating one's own account is a 409 with a reason."""
    admin = _admin_client(client)
    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    assert response.status_code == 409
    assert b"You cannot deactivate your own account." in response.data


def test_admin_issues_a_new_set_password_link(client):
    """An admin can issue a fresh link for an existing account."""
    _admin_client(client)
    user = make_user(Role.EXPERT, password=None)
    response = client.post(f"/admin/users/{user.id}/set-password-link")
    assert response.status_code == 200
    assert b"/set-password/" in response.data


def test_non_admin_cannot_manage_users(client):
    """Officers cannot reach user administration."""
    officer = make_user(Role.OFFICER)
    login(client, officer)
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users/new", data={"email": "x@example.org", "full_name": "X"}).status_code == 403


def test_unknown_user_id_is_404(client):
    """A user id that does not exist is a 404 page."""
    _admin_client(client)
    assert client.get("/admin/users/99999").status_code == 404


def test_user_list_filters_by_text_role_and_status(client):
    """Admins find accounts by name or email, role and status."""
    _admin_client(client)
    make_user(Role.EXPERT, full_name="Findable Expert")
    make_user(Role.COUNCIL, full_name="Council Person", password=None)
    body = client.get("/admin/users?q=findable").get_data(as_text=True)
    assert "Findable Expert" in body and "Council Person" not in body
    body = client.get("/admin/users?role=council").get_data(as_text=True)
    assert "Council Person" in body and "Findable Expert" not in body
    body = client.get("/admin/users?status=awaiting").get_data(as_text=True)
    assert "Council Person" in body and "Findable Expert" not in body


def test_user_list_is_paginated(client):
    """The list shows 50 accounts a page, so it stays fast as the agency grows."""
    _admin_client(client)
    for n in range(55):
        make_user(Role.EXPERT, full_name=f"Paged Expert {n:02d}")
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Paged Expert 54" not in first
    assert "Paged Expert 54" in client.get("/admin/users?page=2").get_data(as_text=True)
