"""The app keeps no state of its own: two app servers (gunicorn, production settings) on different ports over the
same PostgreSQL database, Redis and upload folder behave as one service — sessions, sign-in throttling, rate limits,
uploads and the export's ETag. PostgreSQL only: SQLite is one file on one machine, the opposite of this setting."""
import importlib.util
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.credentials.services.keys import generate_key
from qa_portal.extensions import db
from qa_portal.reviews.models import Evidence
from tests.decisions.factories import published_case
from tests.factories import PASSWORD, make_user
from tests.reviews.factories import hei_user_for, make_case

pytestmark = pytest.mark.committing  # two gunicorn processes read what the test committed

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_HOST = "qa-portal.test"
REDIS_URL = os.environ.get("QA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _load_smoke():
    """deploy/smoke.py's browser-like client (a script, not a package: loaded from its file)."""
    spec = importlib.util.spec_from_file_location("qa_deploy_smoke", ROOT / "deploy" / "smoke.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


smoke = _load_smoke()


def _redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"the two-server test needs Redis at {REDIS_URL} (set QA_TEST_REDIS_URL)")
    return client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"an app server exited at start:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer within 60 s")


@pytest.fixture(scope="module")
def servers(app, tmp_path_factory):
    """Two gunicorn servers A and B (one worker each) with production settings and one SECRET_KEY, over the suite's
    PostgreSQL database, one Redis key prefix and the suite's upload folder."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("the two-server test needs PostgreSQL (set QA_TEST_DATABASE_URL; CI does): two servers share "
                    "one database over the network")
    redis_client = _redis()
    prefix = f"qa-two-servers-{secrets.token_hex(4)}"
    key_dir = tmp_path_factory.mktemp("two-servers-keys") / "keys"
    generate_key(key_dir)  # production refuses to serve without the agency's signing key; both servers share it
    env = {key: value for key, value in os.environ.items() if not key.startswith(("QA_", "DATABASE_URL"))} | {
        "QA_CONFIG": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "QA_PUBLIC_BASE_URL": f"https://{PUBLIC_HOST}",
        "QA_RATELIMIT_STORAGE_URI": REDIS_URL,
        "QA_RATELIMIT_KEY_PREFIX": prefix,
        "QA_UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "QA_API_RATE_LIMIT": "5 per day",  # a day-long window, so no window boundary falls inside a test
        "QA_TRUSTED_PROXIES": "1",
        "QA_WORKERS": "1",
        "QA_SIGNING_KEY_DIR": str(key_dir),
    }
    logs = tmp_path_factory.mktemp("two-servers")
    started = []
    for name in ("a", "b"):
        port = _free_port()
        log = logs / f"{name}.log"
        with open(log, "wb") as stderr:  # the server keeps its own copy of the descriptor
            process = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT, env=env | {"QA_BIND": f"127.0.0.1:{port}"}, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=stderr)
        started.append((process, f"http://127.0.0.1:{port}", log))
    try:
        for process, base_url, log in started:
            _wait_until_up(f"{base_url}/healthz", process, log)
        yield {"a": started[0][1], "b": started[1][1], "redis": redis_client, "prefix": prefix}
    finally:
        for process, _url, _log in started:
            if process.poll() is None:
                os.killpg(process.pid, 15)
                process.wait(timeout=30)
        for key in redis_client.scan_iter(match=f"*{prefix}*"):
            redis_client.delete(key)


@pytest.fixture
def a_and_b(servers):
    """Clients of server A and B as one browser behind one proxy would reach them: one cookie jar, one public host
    name and https (the headers nginx sets); the shared limits are reset first."""
    for key in servers["redis"].scan_iter(match=f"*{servers['prefix']}*"):
        servers["redis"].delete(key)
    a = smoke.Client(servers["a"], direct=True, public_host=PUBLIC_HOST)
    return a, smoke.Client(servers["b"], direct=True, jar=a.jar, public_host=PUBLIC_HOST)


def test_two_servers_are_ready_with_the_shared_redis(a_and_b):
    """Both servers report the database, the schema and the shared Redis ready."""
    for client in a_and_b:
        checks = smoke.expect(client.get("/readyz"), 200, "readyz").json()["checks"]
        assert set(checks) == {"database", "migrations", "redis"}
        assert all(check["ok"] for check in checks.values())


def test_two_servers_share_the_signed_in_session(a_and_b):
    """A sign-in form from B posted to A signs the user in on both; signing out on A signs out on B."""
    a, b = a_and_b
    # An expert: production requires two-factor sign-in of staff roles (QA_2FA_REQUIRED_ROLES), not of experts.
    expert = make_user(Role.EXPERT, full_name="Olga Expert")
    fields, action = b.form_page("/login", "password")  # B's CSRF token, accepted by A
    signed_in = a.post_form(action, fields | {"email": expert.email, "password": PASSWORD}, referer="/login")
    smoke.expect_redirect(signed_in, "/my-work", "sign-in on A")
    assert "Olga Expert" in smoke.expect(b.get("/my-work"), 200, "My work on B").text
    smoke.expect_redirect(a.sign_out(), "/", "sign-out on A")
    smoke.expect_redirect(b.get("/my-work"), "/login", "My work on B after signing out on A")


def test_two_servers_share_the_sign_in_throttle(a_and_b):
    """Failed sign-ins on A and on B add up (per account and client address, counted in the shared database): after
    five in all, the right password from that address waits on both."""
    a, b = a_and_b
    user = make_user(Role.EXPERT)
    for client in (a, b, a, b, a):
        assert client.sign_in(user.email, "a-wrong-password-entirely").status == 401
    for client in (b, a):
        refused = client.sign_in(user.email, PASSWORD)
        assert refused.status == 429 and "Too many failed attempts for this account" in refused.text


def test_two_servers_share_the_api_rate_limit(a_and_b):
    """The API's limit (5 a day here) is counted in Redis across servers: 3 on A and 2 on B use it up for both."""
    a, b = a_and_b
    for client in (a, a, a, b, b):
        assert client.get("/api/v1/").status == 200
    for client in (a, b):
        limited = client.get("/api/v1/")
        assert limited.status == 429 and limited.json()["error"]["code"] == "rate_limited"


def test_two_servers_share_uploads(a_and_b):
    """Evidence uploaded through A is downloaded through B, byte for byte (one shared upload folder)."""
    a, b = a_and_b
    case = make_case()
    hei = hei_user_for(case)
    smoke.expect_redirect(a.sign_in(hei.email, PASSWORD), "/my-work", "sign-in on A")
    content = smoke.tiny_pdf("Shared evidence")
    fields, action = a.form_page(f"/cases/{case.id}/evidence", "file")
    uploaded = a.post_form(action, fields | {"title": "Shared evidence"},
                           {"file": ("shared.pdf", content, "application/pdf")}, referer=f"/cases/{case.id}/evidence")
    smoke.expect_redirect(uploaded, f"/cases/{case.id}/evidence", "upload on A")
    evidence_id = db.session.scalar(select(Evidence.id).where(Evidence.case_id == case.id))
    downloaded = smoke.expect(b.get(f"/cases/{case.id}/evidence/{evidence_id}/download"), 200, "download on B")
    assert downloaded.body == content


def test_two_servers_agree_on_the_export_etag(a_and_b):
    """The export's ETag is computed from the data (and the public host), not cached per process: A's ETag is current
    on B, and a new publication changes it on both."""
    a, b = a_and_b
    published_case()
    etag = smoke.expect(a.get("/api/v1/decisions.ndjson"), 200, "export on A").headers["ETag"]
    assert b.get("/api/v1/decisions.ndjson", headers={"If-None-Match": etag}).status == 304
    published_case()
    fresh = smoke.expect(b.get("/api/v1/decisions.ndjson", headers={"If-None-Match": etag}), 200, "export on B")
    assert fresh.headers["ETag"] != etag
    assert a.get("/api/v1/decisions.ndjson", headers={"If-None-Match": fresh.headers["ETag"]}).status == 304
