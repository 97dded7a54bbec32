"""Sign-in throttling that cannot be turned against users: per (account, client address), growing delays instead of
locks, the real client address behind trusted proxies only, and the same work for unknown emails."""
import statistics
import time
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from argon2 import PasswordHasher
from sqlalchemy import select

from qa_portal import create_app
from qa_portal.audit.models import AuditEntry
from qa_portal.auth.services import passwords
from qa_portal.auth.models import LoginFailure, Role
from qa_portal.auth.services.sign_in import failure_delay
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from tests.factories import PASSWORD, make_user

ADDRESS_A, ADDRESS_B = "203.0.113.5", "198.51.100.7"


def _post(client, email, password, address=ADDRESS_A, headers=None):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers or {})


def _fail(client, email, times, address=ADDRESS_A):
    for _ in range(times):
        assert _post(client, email, "wrong-password-x", address).status_code == 401


def _actions():
    return [entry.action for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_failures_from_one_address_never_refuse_the_owner_from_another(client):
    """Twenty failures from address A (past every delay) do not stop the owner's correct password from address B."""
    user = make_user(Role.OFFICER)
    with time_machine.travel(utcnow(), tick=False) as traveller:
        for _ in range(20):
            _post(client, user.email, "wrong-password-x", ADDRESS_A)
            traveller.shift(timedelta(seconds=1))
        assert _post(client, user.email, PASSWORD, ADDRESS_A).status_code == 429
        assert _post(client, user.email, PASSWORD, ADDRESS_B).status_code == 302


def test_failures_slow_that_address_down_with_retry_after(client):
    """After five failures from A, A waits (429 with Retry-After), even with the right password; nothing is checked or
    counted while it waits, and the refusal is audited."""
    user = make_user(Role.OFFICER)
    with time_machine.travel(utcnow(), tick=False):
        _fail(client, user.email, 5)
        response = _post(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert b"Too many failed attempts for this account from your network address" in response.data
    assert db.session.scalar(select(db.func.count(LoginFailure.id))) == 5
    assert "auth.login_throttled" in _actions()
    assert _actions().count("auth.login_failed") == 5


def test_wait_ends_after_the_delay(client):
    """Once the pair's delay has passed, the right password from the same address signs in again."""
    user = make_user(Role.OFFICER)
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _fail(client, user.email, 5)
        traveller.shift(timedelta(seconds=29))
        assert _post(client, user.email, PASSWORD).status_code == 429
        traveller.shift(timedelta(seconds=2))
        assert _post(client, user.email, PASSWORD).status_code == 302


def test_each_further_failure_doubles_the_wait(client):
    """A sixth failure after the first wait makes the pair wait 60 seconds, a seventh 120."""
    user = make_user(Role.OFFICER)
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _fail(client, user.email, 5)
        traveller.shift(timedelta(seconds=31))
        _fail(client, user.email, 1)
        assert _post(client, user.email, PASSWORD).headers["Retry-After"] == "60"
        traveller.shift(timedelta(seconds=61))
        _fail(client, user.email, 1)
        assert _post(client, user.email, PASSWORD).headers["Retry-After"] == "120"


def test_failure_delay_is_free_then_doubles_up_to_the_cap(app):
    """Five free failures, then 30 s doubling per failure, never more than 15 minutes."""
    delays = [failure_delay(n).total_seconds() for n in (0, 4, 5, 6, 7, 9, 10, 50, 10_000)]
    assert delays == [0, 0, 30, 60, 120, 480, 900, 900, 900]


def test_failures_outside_the_window_do_not_count(client):
    """Failures older than the 60-minute window no longer slow the pair down."""
    user = make_user(Role.OFFICER)
    long_ago = utcnow() - timedelta(minutes=61)
    db.session.add_all([LoginFailure(email=user.email, remote_addr=ADDRESS_A, at=long_ago) for _ in range(12)])
    db.session.commit()
    assert _post(client, user.email, PASSWORD).status_code == 302


def test_one_accounts_failures_do_not_slow_another_account(client):
    """Failures for one account from A leave another account's sign-in from A alone."""
    victim, other = make_user(Role.OFFICER), make_user(Role.OFFICER)
    _fail(client, victim.email, 5)
    assert _post(client, victim.email, PASSWORD).status_code == 429
    assert _post(client, other.email, PASSWORD).status_code == 302


def test_unknown_email_costs_one_hash_check_like_a_known_one(client):
    """An unknown email, a known one with a wrong password and an account without a password each cost exactly one
    argon2 verification (no early return that reveals whether the account exists)."""
    known = make_user(Role.OFFICER)
    waiting = make_user(Role.OFFICER, password=None)
    calls = {}
    for label, email in (("unknown", "nobody@example.org"), ("known", known.email), ("no password", waiting.email)):
        with mock.patch.object(PasswordHasher, "verify", autospec=True, side_effect=PasswordHasher.verify) as verify:
            assert _post(client, email, "wrong-password-x", ADDRESS_B).status_code == 401
        calls[label] = verify.call_count
    assert calls == {"unknown": 1, "known": 1, "no password": 1}


def test_unknown_email_answers_as_slowly_as_a_known_one(app, client):
    """With a real-cost hash, the median answer for an unknown email is within a factor of two of a known one's."""
    costly = PasswordHasher(time_cost=2, memory_cost=16 * 1024, parallelism=1)
    with mock.patch.object(passwords, "_hasher", return_value=costly):
        known = make_user(Role.OFFICER)
        known.password_hash = costly.hash(PASSWORD)
        db.session.commit()
        timings = {"unknown": [], "known": []}
        for round_number in range(5):
            for label, email in (("unknown", f"nobody{round_number}@example.org"), ("known", known.email)):
                started = time.perf_counter()
                assert _post(client, email, "wrong-password-x", f"192.0.2.{round_number}").status_code == 401
                timings[label].append(time.perf_counter() - started)
    unknown, known_time = statistics.median(timings["unknown"]), statistics.median(timings["known"])
    assert 0.5 < unknown / known_time < 2, timings


@pytest.fixture
def proxied_app(app):
    """A second app on the suite's database that trusts one reverse proxy."""
    proxied = create_app("testing", overrides={
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "WTF_CSRF_ENABLED": False,
        "QA_TRUSTED_PROXIES": 1,
    })
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def _recorded_addresses():
    return [failure.remote_addr for failure in db.session.scalars(select(LoginFailure).order_by(LoginFailure.id))]


def test_forwarded_for_is_ignored_without_trusted_proxies(client):
    """With QA_TRUSTED_PROXIES = 0, a forged X-Forwarded-For changes nothing: the connection's address counts, so an
    attacker cannot dodge the wait by inventing addresses."""
    user = make_user(Role.OFFICER)
    for n in range(5):
        _post(client, user.email, "wrong-password-x", ADDRESS_A, headers={"X-Forwarded-For": f"10.9.9.{n}"})
    assert _recorded_addresses() == [ADDRESS_A] * 5
    response = _post(client, user.email, PASSWORD, ADDRESS_A, headers={"X-Forwarded-For": "10.9.9.99"})
    assert response.status_code == 429


def test_one_trusted_proxy_gives_each_client_its_own_address(proxied_app):
    """With QA_TRUSTED_PROXIES = 1, the address the proxy appended is the client's: failures of one visitor behind
    the proxy slow that visitor only, and the owner behind the same proxy signs in."""
    user = make_user(Role.OFFICER)
    client = proxied_app.test_client()
    proxy = "10.0.0.2"  # every request arrives from the proxy
    for _ in range(5):
        _post(client, user.email, "wrong-password-x", proxy, headers={"X-Forwarded-For": f"6.6.6.6, {ADDRESS_A}"})
    assert _recorded_addresses() == [ADDRESS_A] * 5
    assert _post(client, user.email, PASSWORD, proxy, headers={"X-Forwarded-For": ADDRESS_A}).status_code == 429
    assert _post(client, user.email, PASSWORD, proxy, headers={"X-Forwarded-For": ADDRESS_B}).status_code == 302


def test_per_address_limit_counts_clients_behind_the_proxy_separately(app, proxied_app):
    """The per-address spraying limit uses the real client address, so one visitor's failures behind the agency's
    proxy do not refuse everyone else behind it."""
    user = make_user(Role.OFFICER)
    client = proxied_app.test_client()
    proxied_app.config["QA_LOGIN_ADDRESS_LIMIT"] = "3 per 15 minutes"
    for n in range(3):
        _post(client, f"spray{n}@example.org", "spray-password-1", "10.0.0.2", headers={"X-Forwarded-For": ADDRESS_A})
    refused = _post(client, "spray9@example.org", "spray-password-1", "10.0.0.2", headers={"X-Forwarded-For": ADDRESS_A})
    assert refused.status_code == 429
    assert _post(client, user.email, PASSWORD, "10.0.0.2", headers={"X-Forwarded-For": ADDRESS_B}).status_code == 302
