"""Browser-test harness: a live server on the suite's database and Debian's chromium through Playwright.

Fixtures: `live_server` (`.url` is the base URL; CSRF is enabled), `browser` (one chromium per run) and
`page` (a fresh context per test; a screenshot goes to tests/artifacts/<test>.png when the test fails).
A test fails when the page logs a Content Security Policy violation or throws an uncaught script error.
"""
import os
import re
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from qa_portal import create_app
from qa_portal.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
TIMEOUT_MS = 10_000


@dataclass
class LiveServer:
    """A real HTTP server for a second app on the same database as the `app` fixture."""

    url: str
    app: object
    server: object
    thread: threading.Thread


@dataclass
class PageProblems:
    """What the browser reported that no page of ours may produce."""

    csp_violations: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"CSP violation: {text}" for text in self.csp_violations]
        lines += [f"Uncaught script error: {text}" for text in self.script_errors]
        return "\n".join(lines)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app):
    """Serve a second app (CSRF on) on 127.0.0.1 in a daemon thread, sharing the suite's database."""
    live_app = create_app("testing", overrides={
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "WTF_CSRF_ENABLED": True,
        "QA_RAISE_UNEXPECTED": False,  # a bug shows the 500 page in the browser, and the log has it
    })
    server = make_server("127.0.0.1", _free_port(), live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=live_app, server=server, thread=thread)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with live_app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, started once per run; Playwright never downloads a browser of its own."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Browser tests need {CHROMIUM}: install Debian's chromium package "
                    "(`make test` does it when run as root), or deselect them with -m 'not browser'.",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


def _artifact_name(node_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", node_name).strip("_") or "test"


@pytest.fixture
def page(browser, live_server, request):
    """A page in a fresh browser context; CSP violations and script errors fail the test."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    new_page = context.new_page()
    problems = PageProblems()

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.csp_violations.append(message.text)

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda error: problems.script_errors.append(str(error)))
    request.node.page_problems = problems
    yield new_page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            new_page.screenshot(path=str(ARTIFACTS / f"{_artifact_name(request.node.name)}.png"), full_page=True)
        finally:
            context.close()
    else:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After the test body, fail it if its page reported a CSP violation or an uncaught script error."""
    result = yield
    problems = getattr(item, "page_problems", None)
    if problems is not None and (problems.csp_violations or problems.script_errors):
        pytest.fail(problems.describe(), pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (rep_setup, rep_call, rep_teardown) for the page fixture."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
