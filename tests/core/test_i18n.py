"""The Armenian catalogue: complete for the foundation, consistent placeholders, and used by the pages."""
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import qa_portal
from qa_portal.auth.models import Role
from tests.factories import login, make_user

CATALOGUE = Path(qa_portal.__file__).parent / "translations" / "hy" / "LC_MESSAGES" / "messages.po"
FOUNDATION = ("qa_portal/templates/", "qa_portal/auth/", "qa_portal/home/", "qa_portal/core/")
NAVIGATION = ("/_nav.html", "/_public_nav.html")  # every package's links in the main navigation
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@cache
def catalogue():
    """The hy catalogue as Babel reads it."""
    with CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="hy")


def hy(msgid: str) -> str:
    """The Armenian translation of an English message."""
    return catalogue()[msgid].string


def _in_layout(location: str) -> bool:
    return location.startswith(FOUNDATION) or location.endswith(NAVIGATION)


def _foundation_messages():
    return [message for message in catalogue()
            if message.id and any(_in_layout(location) for location, _line in message.locations)]


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def test_catalogue_translates_every_foundation_message():
    """Every message from the layout, navigation, auth, home and core packages has a finished Armenian text."""
    messages = _foundation_messages()
    assert len(messages) > 100
    untranslated = [message.id for message in messages if not all(s.strip() for s in _strings(message))]
    fuzzy = [message.id for message in messages if message.fuzzy]
    assert untranslated == [], f"Missing Armenian translations: {untranslated}"
    assert fuzzy == [], f"Fuzzy (unchecked) Armenian translations: {fuzzy}"


def test_catalogue_keeps_every_placeholder():
    """A translation uses exactly the placeholders of its English message, so formatting never fails."""
    wrong = []
    for message in catalogue():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for text in _strings(message):
            if text and sorted(PLACEHOLDER.findall(text)) != expected:
                wrong.append(message.id)
    assert wrong == []


def test_catalogue_has_no_obsolete_or_fuzzy_entries():
    """No entry anywhere in the catalogue is left marked fuzzy or obsolete after an update."""
    assert [message.id for message in catalogue() if message.fuzzy and message.id] == []
    assert list(catalogue().obsolete) == []


@pytest.mark.parametrize(("url", "status", "english"), [
    ("/", 200, ["Quality assurance of micro-credentials", "How a review runs", "About"]),
    ("/login", 200, ["Sign in", "Email", "Password"]),
    ("/no-such-page", 404, ["Not found", "We could not find this page. It may have moved, or the address may be mistyped."]),
])
def test_pages_render_in_armenian_after_switching(client, url, status, english):
    """After choosing Armenian, the landing page, the sign-in page and a 404 page are in Armenian."""
    client.post("/language", data={"locale": "hy", "next": "/"})
    response = client.get(url)
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert '<html lang="hy">' in body
    for text in english + ["Skip to content", "QA Portal"]:
        assert hy(text) in body, text
    assert "Skip to content" not in body and "Sign in" not in body


def test_browser_language_armenian_is_honoured(client):
    """A visitor whose browser prefers Armenian gets Armenian pages before choosing anything."""
    body = client.get("/login", headers={"Accept-Language": "hy, en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="hy">' in body and hy("Sign in") in body


def test_signed_in_armenian_layout_and_my_work(client):
    """A signed-in officer who chose Armenian sees Armenian navigation, role heading and sections."""
    login(client, make_user(Role.OFFICER))
    client.post("/language", data={"locale": "hy", "next": "/my-work"})
    body = client.get("/my-work").get_data(as_text=True)
    for text in ("My work", "Sign out", "Agency officer", "Pilot calls",
                 "Review cases you coordinate, with their deadlines, will appear here."):
        assert hy(text) in body, text
    assert "Sign out" not in body


def test_wrong_password_message_in_armenian(client):
    """The sign-in error is shown in Armenian to an Armenian visitor."""
    user = make_user(Role.OFFICER)
    client.post("/language", data={"locale": "hy"})
    response = client.post("/login", data={"email": user.email, "password": "wrong-password-entirely"})
    assert response.status_code == 401
    assert hy("The email or password is not correct.") in response.get_data(as_text=True)
