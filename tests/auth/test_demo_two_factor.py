"""The demo's two-factor account: enrolled by the loader, its key printed by `flask demo totp-key`, usable to sign in."""
import re
import time

import pyotp

from qa_portal.demo import accounts
from qa_portal.demo.accounts import DEMO_PASSWORD, TWO_FACTOR_DEMO_EMAIL
from qa_portal.extensions import db


def test_demo_two_factor_account_signs_in_with_the_printed_key(app, client):
    """secure-officer@example.org is an enrolled officer; the key the command prints gives codes that sign it in."""
    accounts.load()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["demo", "totp-key", TWO_FACTOR_DEMO_EMAIL])
    assert result.exit_code == 0, result.output
    key = re.search(r"authenticator key ([A-Z2-7]+)", result.output).group(1)
    response = client.post("/login", data={"email": TWO_FACTOR_DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert response.headers["Location"].endswith("/login/code")
    response = client.post("/login/code", data={"code": pyotp.TOTP(key).at(time.time() + 30)})
    assert response.headers["Location"].endswith("/my-work")


def test_totp_key_command_refuses_accounts_without_two_factor(app):
    """The command names the problem for an account without an authenticator and exits non-zero."""
    accounts.load()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["demo", "totp-key", "officer@example.org"])
    assert result.exit_code == 1 and "has no two-factor sign-in" in result.output


def test_totp_key_command_is_refused_in_production(app):
    """Printing a key is a demo convenience: never under the production configuration."""
    app.config["QA_DEMO_ALLOWED"] = False
    try:
        result = app.test_cli_runner().invoke(args=["demo", "totp-key", TWO_FACTOR_DEMO_EMAIL])
    finally:
        app.config["QA_DEMO_ALLOWED"] = True
    assert result.exit_code == 1 and "never printed under the Production configuration" in result.output
