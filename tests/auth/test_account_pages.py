"""The account, two-factor and recovery-code pages pass the accessibility checks in both languages."""
import pytest

from qa_portal.auth.models import Role
from tests.auth.factories import make_two_factor
from tests.core.test_accessibility import assert_accessible
from tests.factories import PASSWORD, login, make_user


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_account_and_two_factor_pages_are_accessible(app, client, locale):
    """My account (two-factor off and on), the set-up page, the code step, the enrolment a role requires, the recovery
    codes and the admin's user page with its reset button."""
    client.post("/language", data={"locale": locale})
    plain = make_user(Role.EXPERT)
    login(client, plain)
    for url in ("/account", "/account/two-factor"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))
    wrong = client.post("/account/two-factor", data={"code": "000000"})
    assert_accessible("/account/two-factor (error)", wrong.get_data(as_text=True))
    client.post("/logout")

    admin_user = make_user(Role.ADMIN)
    enrolment = make_two_factor(admin_user)
    client.post("/login", data={"email": admin_user.email, "password": PASSWORD})
    assert_accessible("/login/code", client.get("/login/code").get_data(as_text=True))
    client.post("/login/code", data={"code": enrolment.code()})
    make_two_factor(plain)
    for url in ("/account", f"/admin/users/{plain.id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))
    codes = client.post("/account/two-factor/recovery-codes", data={"renew-code": enrolment.code(1)})
    assert codes.status_code == 200
    assert_accessible("recovery codes", codes.get_data(as_text=True))
    client.post("/logout")

    app.config["QA_2FA_REQUIRED_ROLES"] = ("officer",)
    try:
        client.post("/login", data={"email": make_user(Role.OFFICER).email, "password": PASSWORD})
        response = client.get("/login/two-factor-setup")
        assert response.status_code == 200
        assert_accessible("/login/two-factor-setup", response.get_data(as_text=True))
    finally:
        app.config["QA_2FA_REQUIRED_ROLES"] = ()
