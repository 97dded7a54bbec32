"""Basic accessibility of the foundation pages: labelled fields, named buttons, one h1, a page language."""
from html.parser import HTMLParser

import pytest

from qa_portal.auth.models import Role
from qa_portal.auth.services.tokens import make_set_password_token
from tests.factories import login, make_user

UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageStructure(HTMLParser):
    """Collect what the checks need: form fields, labels, ids, buttons, h1s and the html lang."""

    def __init__(self):
        super().__init__()
        self.fields: list[dict] = []
        self.label_targets: list[str] = []
        self.ids: list[str] = []
        self.h1_count = 0
        self.lang: str | None = None
        self.buttons: list[str] = []
        self._button: list[str] | None = None
        self._button_label: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "label" and attributes.get("for"):
            self.label_targets.append(attributes["for"])
        elif tag in ("select", "textarea") or (
                tag == "input" and attributes.get("type", "text") not in UNLABELLED_INPUT_TYPES):
            self.fields.append({"tag": tag, **attributes})
        elif tag == "button":
            self._button, self._button_label = [], attributes.get("aria-label")

    def handle_data(self, data):
        if self._button is not None:
            self._button.append(data)

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None:
            self.buttons.append((self._button_label or "".join(self._button)).strip())
            self._button = None


def structure(body: str) -> PageStructure:
    """Parse one page."""
    parser = PageStructure()
    parser.feed(body)
    parser.close()
    return parser


def assert_accessible(url: str, body: str) -> None:
    """Every field has a <label for>, every label points at an element, ids are unique, buttons have names,
    there is one h1 and the page declares its language."""
    page = structure(body)
    unlabelled = [f.get("name") or f["tag"] for f in page.fields
                  if not f.get("id") or f["id"] not in page.label_targets]
    assert unlabelled == [], f"{url}: fields without a <label for>: {unlabelled}"
    assert [target for target in page.label_targets if target not in page.ids] == [], url
    assert len(page.ids) == len(set(page.ids)), f"{url}: duplicate ids"
    assert all(page.buttons), f"{url}: a button without a name"
    assert page.h1_count == 1, f"{url}: {page.h1_count} h1 elements"
    assert page.lang in ("en", "hy"), f"{url}: no lang attribute"


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_public_pages_are_accessible(client, locale):
    """The landing, sign-in, set-password and 404 pages pass the checks in both languages."""
    newcomer = make_user(Role.OFFICER, password=None)
    client.post("/language", data={"locale": locale})
    urls = ["/", "/login", f"/set-password/{make_set_password_token(newcomer)}", "/set-password/not-a-token",
            "/no-such-page"]
    for url in urls:
        assert_accessible(url, client.get(url).get_data(as_text=True))


def test_failed_sign_in_page_is_accessible(client):
    """The sign-in form re-shown with errors still labels its fields and links the errors to them."""
    response = client.post("/login", data={"email": "", "password": ""})
    body = response.get_data(as_text=True)
    assert_accessible("/login (errors)", body)
    assert 'aria-invalid="true"' in body and 'aria-describedby="email-error"' in body


def test_signed_in_pages_are_accessible(client):
    """My work, password change, user administration and the audit log pass the checks."""
    admin = make_user(Role.ADMIN, Role.OFFICER, Role.HEI, Role.EXPERT, Role.COUNCIL, Role.APPEALS)
    other = make_user(Role.EXPERT)
    login(client, admin)
    urls = ["/my-work", "/account/password", "/admin/users", "/admin/users/new", f"/admin/users/{other.id}",
            f"/admin/users/{admin.id}", "/audit/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))


def test_checker_rejects_an_unlabelled_field_and_two_h1s():
    """The checker itself catches a field without a label and a page with two h1 elements."""
    unlabelled = '<html lang="en"><h1>A</h1><input id="q" name="q"><label for="other">X</label><p id="other"></p></html>'
    with pytest.raises(AssertionError, match="without a <label for>"):
        assert_accessible("/synthetic", unlabelled)
    two_headings = '<html lang="en"><h1>A</h1><h1>B</h1><label for="q">Q</label><input id="q"></html>'
    with pytest.raises(AssertionError, match="2 h1"):
        assert_accessible("/synthetic", two_headings)
    login_page = structure('<html lang="en"><h1>A</h1><label for="e">E</label><input id="e" type="email">'
                           '<input type="hidden" name="csrf_token"><button type="submit">Go</button></html>')
    assert [f["id"] for f in login_page.fields] == ["e"] and login_page.buttons == ["Go"]
