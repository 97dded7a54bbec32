"""Two-factor sign-in (TOTP, RFC 6238): enrolment, the code step, recovery codes, required roles, the admin's reset."""
import re
import time
from datetime import timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import RecoveryCode, Role, TwoFactorCredential
from qa_portal.auth.services.two_factor import decrypt_secret, encrypt_secret
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from tests.auth.factories import make_two_factor
from tests.factories import PASSWORD, login, make_user

ADDRESS_A, ADDRESS_B = "203.0.113.5", "198.51.100.7"


def _actions():
    return [entry.action for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _code_step(client, code, address="127.0.0.1"):
    return client.post("/login/code", data={"code": code}, environ_base={"REMOTE_ADDR": address})


def _password_step(client, user, address="127.0.0.1"):
    return client.post("/login", data={"email": user.email, "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def require_two_factor_for(app):
    """Make QA_2FA_REQUIRED_ROLES list the given roles for one test."""
    def configure(*roles: Role):
        app.config["QA_2FA_REQUIRED_ROLES"] = tuple(role.value for role in roles)
    yield configure
    app.config["QA_2FA_REQUIRED_ROLES"] = ()


def test_setup_page_shows_an_svg_qr_code_and_the_manual_key(client):
    """The set-up page shows the otpauth QR code as an SVG data: image and the key to type by hand; the key waits,
    encrypted, until a first code confirms it."""
    user = make_user(Role.EXPERT)
    login(client, user)
    body = client.get("/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in body
    credential = db.session.get(TwoFactorCredential, user.id)
    secret = decrypt_secret(credential.pending_secret)
    assert re.sub(r"\s", "", re.search(r'id="manual-key">([^<]+)<', body).group(1)) == secret
    assert secret not in credential.pending_secret and credential.enabled_at is None
    assert client.get("/account/two-factor").get_data(as_text=True).count(secret[:4]) >= 1  # a reload keeps the key
    assert decrypt_secret(db.session.get(TwoFactorCredential, user.id).pending_secret) == secret


def test_enrolment_is_confirmed_by_a_first_code_and_gives_ten_hashed_recovery_codes(client):
    """A correct first code turns two-factor sign-in on and shows ten recovery codes once; only hashes are stored."""
    user = make_user(Role.EXPERT)
    login(client, user)
    client.get("/account/two-factor")
    secret = decrypt_secret(db.session.get(TwoFactorCredential, user.id).pending_secret)
    response = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    body = response.get_data(as_text=True)
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>", body)
    assert response.status_code == 200 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    db.session.expire_all()
    assert db.session.get(TwoFactorCredential, user.id).enabled_at is not None
    assert "auth.two_factor_enabled" in _actions()


def test_enrolment_with_a_wrong_code_is_refused_at_the_field(client):
    """A wrong first code is refused at the code field (400), the key stays the same and nothing is turned on."""
    user = make_user(Role.EXPERT)
    login(client, user)
    client.get("/account/two-factor")
    response = client.post("/account/two-factor", data={"code": "000000"})
    assert response.status_code == 400
    assert 'id="code-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(TwoFactorCredential, user.id).enabled_at
    assert db.session.scalar(select(db.func.count(RecoveryCode.id))) == 0


def test_password_alone_grants_nothing_when_two_factor_is_on(client):
    """After the right password the visitor is half signed in: sent to the code step, every other page treats them as
    anonymous; the right code then signs them in and is recorded in the audit entry."""
    user = make_user(Role.EXPERT)
    enrolment = make_two_factor(user)
    response = _password_step(client, user)
    assert response.headers["Location"].endswith("/login/code")
    assert "/login" in client.get("/my-work").headers["Location"]
    assert client.get("/account").status_code == 302
    response = _code_step(client, enrolment.code())
    assert response.status_code == 302 and response.headers["Location"].endswith("/my-work")
    assert client.get("/my-work").status_code == 200
    login_entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login")).one()
    assert login_entry.data["second_factor"] == "totp"


def test_code_step_without_a_password_sends_to_sign_in(client):
    """The code page answers only after a correct password; anyone else is sent to /login."""
    assert "/login" in client.get("/login/code").headers["Location"]
    assert "/login" in _code_step(client, "123456").headers["Location"]


def test_codes_within_one_step_are_accepted_and_older_ones_refused(client):
    """A code from the previous 30-second step is accepted (clock drift); one from two steps back is not."""
    user = make_user(Role.EXPERT)
    enrolment = make_two_factor(user)
    totp = pyotp.TOTP(enrolment.secret)
    with time_machine.travel(utcnow() + timedelta(minutes=5), tick=False):
        _password_step(client, user)
        assert _code_step(client, totp.at(time.time() - 60)).status_code == 401
        assert _code_step(client, totp.at(time.time() - 30)).status_code == 302


def test_a_code_is_never_accepted_twice(app, client):
    """The time step of an accepted code is stored: the same code cannot sign in a second browser."""
    user = make_user(Role.EXPERT)
    enrolment = make_two_factor(user)
    code = enrolment.code()
    _password_step(client, user)
    assert _code_step(client, code).status_code == 302
    other = app.test_client()
    _password_step(other, user)
    assert _code_step(other, code).status_code == 401


def test_recovery_code_signs_in_once(app, client):
    """A recovery code replaces the app's code once (typed with capitals and spaces too); it is spent afterwards."""
    user = make_user(Role.EXPERT)
    enrolment = make_two_factor(user)
    recovery = enrolment.recovery_codes[3]
    _password_step(client, user)
    response = _code_step(client, f"  {recovery.upper().replace('-', ' ')} ")
    assert response.status_code == 302
    assert "9 unused codes remain" in client.get("/my-work").get_data(as_text=True)
    other = app.test_client()
    _password_step(other, user)
    assert _code_step(other, recovery).status_code == 401
    login_entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login")).one()
    assert login_entry.data["second_factor"] == "recovery_code"


def test_wrong_codes_are_audited_and_slow_that_address_only(app, client):
    """Five wrong codes from A make A wait (429, Retry-After) even with the right code, each failure audited; the owner
    signing in from B is not affected."""
    user = make_user(Role.EXPERT)
    enrolment = make_two_factor(user)
    _password_step(client, user, ADDRESS_A)
    for _ in range(5):
        assert _code_step(client, "000000", ADDRESS_A).status_code == 401
    throttled = _code_step(client, enrolment.code(), ADDRESS_A)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    assert _actions().count("auth.second_factor_failed") == 5
    assert "auth.second_factor_throttled" in _actions()
    owner = app.test_client()
    _password_step(owner, user, ADDRESS_B)
    assert _code_step(owner, enrolment.code(), ADDRESS_B).status_code == 302


def test_half_signed_in_state_expires(client):
    """The state between password and code lasts ten minutes."""
    user = make_user(Role.EXPERT)
    enrolment = make_two_factor(user)
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _password_step(client, user)
        traveller.shift(timedelta(minutes=11))
        assert "/login" in _code_step(client, enrolment.code()).headers["Location"]


def test_required_role_without_second_factor_is_sent_to_enrolment(client, require_two_factor_for):
    """An officer (a required role) without a second factor goes from the password to the set-up page and can open
    nothing else; confirming a first code signs them in and shows the recovery codes."""
    require_two_factor_for(Role.OFFICER)
    user = make_user(Role.OFFICER)
    response = _password_step(client, user)
    assert response.headers["Location"].endswith("/login/two-factor-setup")
    page = client.get("/login/two-factor-setup").get_data(as_text=True)
    assert "Your role requires two-factor sign-in" in page
    assert "/login" in client.get("/my-work").headers["Location"]
    secret = decrypt_secret(db.session.get(TwoFactorCredential, user.id).pending_secret)
    response = client.post("/login/two-factor-setup", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and "Your recovery codes" in response.get_data(as_text=True)
    assert client.get("/my-work").status_code == 200


def test_optional_roles_sign_in_with_the_password_alone(client, require_two_factor_for):
    """Roles not listed in QA_2FA_REQUIRED_ROLES sign in without a second factor unless they turned it on."""
    require_two_factor_for(Role.OFFICER)
    assert login(client, make_user(Role.HEI)).headers["Location"].endswith("/my-work")


def test_session_without_second_factor_ends_once_the_role_requires_it(client, require_two_factor_for):
    """A session opened with the password alone is refused once the user's role requires a second factor."""
    user = make_user(Role.COUNCIL)
    login(client, user)
    require_two_factor_for(Role.COUNCIL)
    assert "/login" in client.get("/my-work").headers["Location"]


def test_required_role_cannot_turn_two_factor_off(client, require_two_factor_for):
    """A user whose role requires two-factor sign-in cannot turn it off, even with a right code."""
    require_two_factor_for(Role.OFFICER)
    user = make_user(Role.OFFICER)
    enrolment = make_two_factor(user)
    _password_step(client, user)
    _code_step(client, enrolment.code())
    response = client.post("/account/two-factor/turn-off", data={"off-code": enrolment.code(1)})
    assert response.status_code == 409
    assert db.session.get(TwoFactorCredential, user.id) is not None


def test_turning_off_needs_a_current_code(client):
    """An optional user turns two-factor sign-in off with a current code; a wrong code changes nothing."""
    user = make_user(Role.EXPERT)
    enrolment = make_two_factor(user)
    _password_step(client, user)
    _code_step(client, enrolment.code())
    assert client.post("/account/two-factor/turn-off", data={"off-code": "000000"}).status_code == 400
    assert client.post("/account/two-factor/turn-off", data={"off-code": enrolment.code(1)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(TwoFactorCredential, user.id) is None
    assert "auth.two_factor_disabled" in _actions()
    client.post("/logout")
    assert login(client, user).headers["Location"].endswith("/my-work")


def test_new_recovery_codes_replace_the_old_ones(app, client):
    """New recovery codes (after a current code) make the old ones stop working."""
    user = make_user(Role.EXPERT)
    enrolment = make_two_factor(user)
    _password_step(client, user)
    _code_step(client, enrolment.code())
    response = client.post("/account/two-factor/recovery-codes", data={"renew-code": enrolment.code(1)})
    new_codes = re.findall(r"<code>([a-z2-7-]{19})</code>", response.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(enrolment.recovery_codes)
    other = app.test_client()
    _password_step(other, user)
    assert _code_step(other, enrolment.recovery_codes[0]).status_code == 401
    assert _code_step(other, new_codes[0]).status_code == 302


def test_admin_reset_removes_the_factor_and_ends_the_users_sessions(app, client, require_two_factor_for):
    """An admin's reset removes the authenticator and recovery codes, ends the user's sessions and is audited; the
    user must enrol again at the next sign-in."""
    require_two_factor_for(Role.OFFICER)
    user = make_user(Role.OFFICER)
    enrolment = make_two_factor(user)
    _password_step(client, user)
    _code_step(client, enrolment.code())
    admin = app.test_client()
    login(admin, make_user(Role.ADMIN))
    assert admin.post(f"/admin/users/{user.id}/two-factor/reset").status_code == 302
    assert "/login" in client.get("/my-work").headers["Location"]
    assert db.session.get(TwoFactorCredential, user.id) is None
    assert db.session.scalar(select(db.func.count(RecoveryCode.id))) == 0
    assert "user.two_factor_reset" in _actions()
    assert _password_step(client, user).headers["Location"].endswith("/login/two-factor-setup")


def test_only_admins_reset_and_never_their_own(app, client):
    """A non-admin gets 403 on the reset; an admin cannot reset their own second factor."""
    target = make_user(Role.EXPERT)
    make_two_factor(target)
    login(client, make_user(Role.OFFICER))
    assert client.post(f"/admin/users/{target.id}/two-factor/reset").status_code == 403
    admin_user = make_user(Role.ADMIN)
    enrolment = make_two_factor(admin_user)
    admin = app.test_client()
    _password_step(admin, admin_user)
    _code_step(admin, enrolment.code())
    assert admin.post(f"/admin/users/{admin_user.id}/two-factor/reset").status_code == 403
    assert db.session.get(TwoFactorCredential, target.id) is not None


def test_secrets_are_encrypted_with_a_key_derived_from_secret_key(app):
    """A stored secret reads back with SECRET_KEY (or a fallback key during rotation) and not with another key."""
    stored = encrypt_secret("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in stored and decrypt_secret(stored) == "JBSWY3DPEHPK3PXP"
    original = app.config["SECRET_KEY"]
    try:
        app.config["SECRET_KEY"] = "another-key"
        with pytest.raises(DomainError):
            decrypt_secret(stored)
        app.config["SECRET_KEY_FALLBACKS"] = [original]
        assert decrypt_secret(stored) == "JBSWY3DPEHPK3PXP"
    finally:
        app.config["SECRET_KEY"] = original
        app.config["SECRET_KEY_FALLBACKS"] = None
