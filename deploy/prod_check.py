#!/usr/bin/env python3
"""`make prod-check`: boot the production stack on this machine and smoke-test it, then stop what it started.

A fresh PostgreSQL database (qa_prodcheck, dropped and recreated), the local Redis (its keys under a prefix of this
run), production settings with a random SECRET_KEY, migrations, the demo data, gunicorn with 2 workers on a loopback
port (deploy/gunicorn.conf.py), and nginx with a self-signed certificate on another loopback port running
deploy/nginx/qa-portal.conf (names, ports and paths substituted). deploy/smoke.py then signs in, opens a case,
uploads and downloads evidence, reads the API and a PDF through nginx; every request id it received must be in
gunicorn's JSON request log with the same status. Last, `flask maintenance daily` and `flask backup create` run
against the same stack. Exit status 0 only when every step passed."""
import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BIN = ROOT / ".venv" / "bin"
SITE = DEPLOY / "nginx" / "qa-portal.conf"


class CheckFailed(Exception):
    """A step of the check failed; the message says which."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_STEP_STARTED = [time.perf_counter()]


def step(title: str):
    """Print the next step's title, with the time the previous one took."""
    now = time.perf_counter()
    print(f"   ({now - _STEP_STARTED[0]:.1f} s)\n== {title}", flush=True)
    _STEP_STARTED[0] = now


def run(command: list, env: dict, what: str) -> str:
    result = subprocess.run([str(part) for part in command], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CheckFailed(f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def wait_for(url: str, cafile: str | None = None, timeout: float = 60) -> None:
    """Poll url until it answers 200 (a server starting), or fail after timeout seconds."""
    context = ssl.create_default_context(cafile=cafile) if url.startswith("https") else None
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5, context=context) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if time.monotonic() > deadline:
            raise CheckFailed(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.3)


def recreate_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def forget_redis_keys(redis_url: str, prefix: str) -> int:
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"*{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()
    return len(keys)


def production_env(args, work: Path, database_url: str, public_url: str, prefix: str) -> dict:
    """The settings of deploy/.env.example, pointed at this run's database, Redis prefix and folders."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("QA_", "DATABASE_URL"))}
    env.update({
        "QA_CONFIG": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "QA_PUBLIC_BASE_URL": public_url,
        "QA_RATELIMIT_STORAGE_URI": args.redis,
        "QA_RATELIMIT_KEY_PREFIX": prefix,
        "QA_TRUSTED_PROXIES": "1",
        "QA_UPLOAD_DIR": str(work / "uploads"),
        "QA_SIGNING_KEY_DIR": str(work / "keys"),
        "QA_WORKERS": "2",
        "QA_LOG_LEVEL": "info",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the smoke test trusts exactly this one)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def nginx_site(app_port: int, https_port: int, http_port: int, cert: Path, key: Path, logs: Path) -> str:
    """deploy/nginx/qa-portal.conf with this run's ports, name, certificate, logs and static folder."""
    site = SITE.read_text(encoding="utf-8")
    replacements = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "listen 80;\n    listen [::]:80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;\n    listen [::]:443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "server_name qa.example.am;": "server_name 127.0.0.1;",
        "/etc/letsencrypt/live/qa.example.am/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/qa.example.am/privkey.pem": str(key),
        "/var/log/nginx/qa-portal.access.log": str(logs / "access.log"),
        "/var/log/nginx/qa-portal.error.log": str(logs / "site-error.log"),
        "alias /srv/qa-portal/app/qa_portal/static/;": f"alias {ROOT / 'qa_portal' / 'static'}/;",
    }
    for old, new in replacements.items():
        if old not in site:
            raise CheckFailed(f"{SITE} no longer contains {old!r}: update deploy/prod_check.py with it")
        site = site.replace(old, new)
    return site


def nginx_main_config(prefix: Path, site: Path) -> str:
    """A minimal nginx.conf around the site: everything nginx writes stays in this run's folder."""
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    temp_paths = "\n".join(f"    {kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                                 "uwsgi", "scgi"))
    return (f"{user}worker_processes 1;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
            f"{temp_paths}\n    include {site};\n}}\n")


def start_nginx(work: Path, app_port: int, https_port: int) -> tuple[subprocess.Popen, str, Path]:
    prefix = work / "nginx"
    prefix.mkdir()
    cert, key = make_certificate(prefix)
    http_port = free_port()
    site = prefix / "qa-portal.conf"
    site.write_text(nginx_site(app_port, https_port, http_port, cert, key, prefix), encoding="utf-8")
    (prefix / "nginx.conf").write_text(nginx_main_config(prefix, site), encoding="utf-8")
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / kind).mkdir()
        if os.geteuid() == 0:  # nginx's workers run as nobody and buffer uploads here
            shutil.chown(prefix / kind, "nobody", "nogroup")
    if os.geteuid() == 0:
        os.chmod(work, 0o755)
    command = ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    run(command + ["-t"], dict(os.environ), "nginx -t (configuration test)")
    with open(prefix / "stderr.log", "wb") as stderr:
        process = subprocess.Popen(command + ["-g", "daemon off;"], cwd=prefix, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    base_url = f"https://127.0.0.1:{https_port}"
    wait_for(f"{base_url}/healthz", cafile=str(cert))
    redirect = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"http://127.0.0.1:{http_port}/"],
                              capture_output=True, text=True) if shutil.which("curl") else None
    if redirect is not None and redirect.stdout != "301":
        raise CheckFailed(f"plain HTTP did not redirect to HTTPS (got {redirect.stdout})")
    return process, base_url, cert


def stop(process: subprocess.Popen | None, name: str) -> None:
    """Stop a server this check started (SIGTERM, then SIGKILL after 20 s) and its workers."""
    if process is None or process.poll() is not None:
        return
    started = time.perf_counter()
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        print(f"   {name} did not stop in 20 s: killing it", flush=True)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    print(f"   {name} stopped in {time.perf_counter() - started:.1f} s", flush=True)


def check_request_log(report: Path, log: Path) -> str:
    """Every request the smoke test made is one JSON line in gunicorn's log, under the id the client received."""
    lines = {}
    for raw in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if raw.startswith("{"):
            entry = json.loads(raw)
            lines[entry.get("request_id")] = entry
    requests = json.loads(report.read_text(encoding="utf-8"))
    missing = [request for request in requests if request["request_id"] not in lines
               or lines[request["request_id"]]["status"] != request["status"]]
    quiet = {"/healthz", "/readyz"}
    missing = [request for request in missing if request["path"] not in quiet]
    if missing:
        raise CheckFailed(f"requests missing from the JSON request log (or with another status): {missing[:3]}")
    logged = [lines[request["request_id"]] for request in requests if request["request_id"] in lines]
    return (f"{len(logged)} requests in the JSON log with their request ids; "
            f"max {max(entry['queries'] for entry in logged)} SQL queries, "
            f"max {max(entry['duration_ms'] for entry in logged):.0f} ms")


def prod_check(args, work: Path) -> None:
    prefix = f"qa-prodcheck-{secrets.token_hex(4)}"
    app_port, https_port = free_port(), free_port()
    database_url = f"{args.database_server.replace('postgresql://', 'postgresql+psycopg://')}/{args.database}"
    use_nginx = not args.no_nginx and shutil.which("nginx") is not None
    public_url = f"https://127.0.0.1:{https_port}" if use_nginx else f"http://127.0.0.1:{app_port}"
    env = production_env(args, work, database_url, public_url, prefix)
    flask = [BIN / "flask", "--app", "wsgi"]
    processes = {}
    try:
        step(f"PostgreSQL: recreate database {args.database}")
        recreate_database(f"{args.database_server}/postgres", args.database)
        step("Migrate (production settings)")
        run(flask + ["db", "upgrade"], env, "flask db upgrade")
        step("The agency's signing key (flask keys generate; production refuses to start without it)")
        run(flask + ["keys", "generate"], env, "flask keys generate")
        step("Load the demo data (the loader refuses the production configuration, so it runs as development)")
        run(flask + ["demo", "load"], env | {"QA_CONFIG": "development"}, "flask demo load")
        step(f"gunicorn: 2 workers on 127.0.0.1:{app_port}")
        gunicorn_log = work / "gunicorn.log"
        with open(gunicorn_log, "wb") as stderr:
            processes["gunicorn"] = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py"), "wsgi:app"], cwd=ROOT,
                env=env | {"QA_BIND": f"127.0.0.1:{app_port}"}, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=stderr)
        wait_for(f"http://127.0.0.1:{app_port}/healthz")
        smoke = [sys.executable, DEPLOY / "smoke.py", "--report", work / "requests.json"]
        if use_nginx:
            step("nginx: deploy/nginx/qa-portal.conf with a self-signed certificate")
            processes["nginx"], base_url, cert = start_nginx(work, app_port, https_port)
            smoke += ["--base-url", base_url, "--cafile", cert]
            print(f"   {base_url} → gunicorn 127.0.0.1:{app_port}", flush=True)
        else:
            step("nginx is not installed: the smoke test talks to gunicorn directly (--direct)")
            smoke += ["--base-url", f"http://127.0.0.1:{app_port}", "--direct"]
        step("Smoke test (deploy/smoke.py)")
        result = subprocess.run([str(part) for part in smoke], cwd=ROOT, capture_output=True, text=True)
        print(result.stdout, end="", flush=True)
        if result.returncode != 0:
            raise CheckFailed(f"smoke test failed:\n{result.stderr}")
        step("Request log")
        print(f"   {check_request_log(work / 'requests.json', gunicorn_log)}", flush=True)
        step("Daily maintenance (flask maintenance daily)")
        print(run(flask + ["maintenance", "daily"], env, "flask maintenance daily"), end="", flush=True)
        step("Backup (flask backup create)")
        print("   " + run(flask + ["backup", "create", work / "backup"], env, "flask backup create"), end="", flush=True)
        manifest = json.loads((work / "backup" / "manifest.json").read_text(encoding="utf-8"))
        print(f"   manifest: {len(manifest['files'])} files with SHA-256, revision {manifest['database']['revision']}")
    except CheckFailed:
        for name, log in (("gunicorn", work / "gunicorn.log"), ("nginx", work / "nginx" / "error.log")):
            if log.exists():
                print(f"--- last lines of the {name} log ({log}):", file=sys.stderr)
                print("\n".join(log.read_text(errors="replace").splitlines()[-25:]), file=sys.stderr)
        raise
    finally:
        step("Stop what the check started")
        for name in ("nginx", "gunicorn"):
            stop(processes.get(name), name)
        removed = forget_redis_keys(args.redis, prefix)
        print(f"   servers stopped; {removed} Redis keys of this run removed", flush=True)
        if not args.keep:
            drop_database(f"{args.database_server}/postgres", args.database)
        step("Done")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-server", default="postgresql://postgres@127.0.0.1:5432",
                        help="libpq URL of the PostgreSQL server (a role that may create databases)")
    parser.add_argument("--database", default="qa_prodcheck")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--no-nginx", action="store_true", help="test gunicorn directly even if nginx is installed")
    parser.add_argument("--keep", action="store_true", help="keep the database and the run's folder afterwards")
    args = parser.parse_args()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="qa-prodcheck-"))
    try:
        prod_check(args, work)
    except (CheckFailed, subprocess.CalledProcessError, OSError) as error:
        print(f"PROD-CHECK FAILED: {error}\n(logs kept in {work})", file=sys.stderr)
        return 1
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"PROD-CHECK PASSED in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
