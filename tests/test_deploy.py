"""deploy/: the .env example documents every setting the code reads, the nginx site is valid nginx, and the systemd
units run commands the app has."""
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
# Read by the test suite only, never by a deployed server.
NOT_PRODUCTION = {"QA_TEST_DATABASE_URL", "QA_TEST_REDIS_URL"}


def _settings_read_by(path: Path) -> set[str]:
    source = path.read_text(encoding="utf-8")
    return set(re.findall(r'(?:environ\.get|_env_int)\(\s*"([A-Z][A-Z0-9_]+)"', source))


def _documented() -> set[str]:
    lines = (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines()
    return {line.split("=", 1)[0] for line in lines if re.match(r"[A-Z][A-Z0-9_]*=", line)}


def test_env_example_documents_every_setting():
    """Every environment variable config.py, the app factory and gunicorn.conf.py read is in deploy/.env.example."""
    read = set()
    for path in (ROOT / "config.py", ROOT / "qa_portal" / "__init__.py", DEPLOY / "gunicorn.conf.py"):
        read |= _settings_read_by(path)
    assert {"SECRET_KEY", "DATABASE_URL", "QA_CONFIG", "QA_BIND"} <= read
    assert sorted(read - NOT_PRODUCTION - _documented()) == []


def test_env_example_is_production_with_shared_state():
    """The example selects production, PostgreSQL and Redis, and one proxy in front."""
    lines = dict(line.split("=", 1) for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines()
                 if re.match(r"[A-Z][A-Z0-9_]*=", line))
    assert lines["QA_CONFIG"] == "production"
    assert lines["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert lines["QA_RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert lines["QA_TRUSTED_PROXIES"] == "1"


def _load_prod_check():
    spec = importlib.util.spec_from_file_location("qa_deploy_prod_check", DEPLOY / "prod_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (make prod-check installs it)")
def test_nginx_site_is_valid(tmp_path):
    """deploy/nginx/qa-portal.conf, with prod-check's substitutions, passes `nginx -t`."""
    prod_check = _load_prod_check()
    cert, key = prod_check.make_certificate(tmp_path)
    site = tmp_path / "site.conf"
    site.write_text(prod_check.nginx_site(8000, 8443, 8080, cert, key, tmp_path), encoding="utf-8")
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / kind).mkdir()
    (tmp_path / "nginx.conf").write_text(prod_check.nginx_main_config(tmp_path, site), encoding="utf-8")
    result = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                             "-e", str(tmp_path / "error.log")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_nginx_site_sets_the_headers_the_app_trusts():
    """The proxy passes the client's address (replacing the client's own header), scheme, host and request id."""
    site = (DEPLOY / "nginx" / "qa-portal.conf").read_text(encoding="utf-8")
    for header in ("proxy_set_header X-Forwarded-For $remote_addr;", "proxy_set_header X-Forwarded-Proto $scheme;",
                   "proxy_set_header X-Forwarded-Host $http_host;", "proxy_set_header X-Request-ID $request_id;"):
        assert header in site


@pytest.mark.parametrize("unit", ["qa-portal-maintenance.service", "qa-portal-backup.service", "qa-portal-mail.service"])
def test_systemd_units_run_commands_the_app_has(app, unit):
    """The maintenance, backup and mail units call flask commands that exist (their --help runs)."""
    text = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8")
    command = re.search(r"flask --app wsgi ((?:[a-z-]+ )*[a-z-]+)", text).group(1).split()
    result = app.test_cli_runner().invoke(args=command[:2] + ["--help"])
    assert result.exit_code == 0, result.output
