#!/usr/bin/env python3
"""Smoke test of a running QA Portal (standard library only): health, sign-in with the form's CSRF token, a case
page, an evidence upload and its download, the API, a PDF, sign-out. Exits 1 on the first failure.

    python3 deploy/smoke.py --base-url https://qa.example.am
    python3 deploy/smoke.py --base-url https://127.0.0.1:8443 --cafile cert.pem --report requests.json

With --direct the client talks plain HTTP to gunicorn as the TLS proxy would (X-Forwarded-Proto: https, Secure
cookies kept), for a stack without nginx. The defaults are the demo's (`make run`, `make prod-check`)."""
import argparse
import http.cookiejar
import json
import re
import secrets
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from html.parser import HTMLParser

DEMO_PASSWORD = "demo-password-2026"


class SmokeFailure(Exception):
    """One check failed; the message says which and what came back."""


class FormFields(HTMLParser):
    """The default values a browser would submit for the forms of a page: hidden inputs, text inputs' values and each
    select's selected (else first) option, per form, with the form's action."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attributes.get("action", ""), "fields": {}, "names": set()})
        elif not self.forms:
            return
        elif tag == "input" and attributes.get("name"):
            self.forms[-1]["names"].add(attributes["name"])
            if attributes.get("type", "text") in ("hidden", "text"):
                self.forms[-1]["fields"][attributes["name"]] = attributes.get("value", "")
        elif tag == "select":
            self._select, self._select_value = attributes.get("name"), None
            self.forms[-1]["names"].add(self._select)
        elif tag == "option" and self._select and (self._select_value is None or "selected" in attributes):
            self._select_value = attributes.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.forms[-1]["fields"][self._select] = self._select_value or ""
            self._select = None

    def form_with(self, field_name: str) -> dict:
        for form in self.forms:
            if field_name in form["names"]:
                return form
        raise SmokeFailure(f"no form with a field {field_name!r} on the page")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Return 3xx responses as they are, so a check can read the Location it was sent to."""

    def redirect_request(self, *_args, **_kwargs):
        return None


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class Client:
    """A browser-like client: one cookie jar (cookies are per host, so servers on other ports of the same host share
    it, as browsers do), CSRF tokens read from forms, Referer sent with every form, every request id recorded."""

    def __init__(self, base_url: str, cafile: str | None = None, direct: bool = False,
                 jar: http.cookiejar.CookieJar | None = None, public_host: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.direct = direct
        # Direct mode with public_host: every request names the host the proxy would pass on (Host and
        # X-Forwarded-Host), so servers on different ports see one site, as they do behind one proxy.
        self.public_host = public_host
        # The origin the browser believes it is on (https behind the proxy), for Referer and Origin.
        if public_host:
            self.origin = f"https://{public_host}"
        else:
            self.origin = self.base_url.replace("http://", "https://", 1) if direct else self.base_url
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        if direct:  # plain HTTP to the app, as the TLS proxy sends it: keep and send the Secure cookies
            self.jar.set_policy(http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        context = ssl.create_default_context(cafile=cafile) if self.base_url.startswith("https") else None
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect(), urllib.request.HTTPSHandler(context=context))
        self.requests: list[dict] = []

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        headers = dict(headers or {})
        if self.direct:
            headers.setdefault("X-Forwarded-Proto", "https")
            if self.public_host:
                headers.setdefault("Host", self.public_host)
                headers.setdefault("X-Forwarded-Host", self.public_host)
        request = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as answer:
                response = Response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            response = Response(error.code, error.headers, error.read())
        self.requests.append({"method": method, "path": path, "status": response.status,
                              "request_id": response.headers.get("X-Request-ID")})
        return response

    def get(self, path: str, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def form_page(self, path: str, field_name: str) -> tuple[dict, str]:
        """GET a page and return the default fields of its form that has field_name, with the form's action."""
        page = expect(self.get(path), 200, f"GET {path}")
        parser = FormFields()
        parser.feed(page.text)
        form = parser.form_with(field_name)
        return dict(form["fields"]), form["action"] or path

    def post_form(self, path: str, fields: dict, files: dict | None = None, referer: str | None = None) -> Response:
        """POST fields (urlencoded, or multipart when files={name: (filename, bytes, type)}) from the page referer."""
        headers = {"Referer": self.origin + (referer or path), "Origin": self.origin}
        if files:
            boundary = f"----smoke{secrets.token_hex(12)}"
            body = multipart(boundary, fields, files)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request("POST", path, body, headers)

    def sign_in(self, email: str, password: str) -> Response:
        fields, action = self.form_page("/login", "password")
        return self.post_form(action, fields | {"email": email, "password": password}, referer="/login")

    def sign_out(self) -> Response:
        fields, action = self._logout_form()
        return self.post_form(action, fields, referer="/my-work")

    def _logout_form(self) -> tuple[dict, str]:
        page = expect(self.get("/my-work"), 200, "GET /my-work")
        parser = FormFields()
        parser.feed(page.text)
        for form in parser.forms:
            if form["action"].endswith("/logout"):
                return dict(form["fields"]), form["action"]
        raise SmokeFailure("no sign-out form on /my-work")


def multipart(boundary: str, fields: dict, files: dict) -> bytes:
    """A multipart/form-data body."""
    lines = []
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            lines.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        lines.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    lines.append(f"--{boundary}--\r\n".encode())
    return b"".join(lines)


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF showing text (so the portal's content check accepts it)."""
    stream = zlib.compress(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def expect(response: Response, status: int, what: str) -> Response:
    if response.status != status:
        raise SmokeFailure(f"{what}: expected HTTP {status}, got {response.status}: {response.text[:300]!r}")
    return response


def expect_redirect(response: Response, to: str, what: str) -> Response:
    location = response.headers.get("Location", "")
    if response.status not in (302, 303) or urllib.parse.urlsplit(location).path != to:
        raise SmokeFailure(f"{what}: expected a redirect to {to}, got {response.status} {location!r}")
    return response


def check_health(client: Client) -> str:
    expect(client.get("/healthz"), 200, "GET /healthz")
    ready = expect(client.get("/readyz"), 200, "GET /readyz").json()
    failed = [name for name, check in ready["checks"].items() if not check["ok"]]
    if failed:
        raise SmokeFailure(f"/readyz reports failed checks: {failed}")
    return f"/healthz ok, /readyz ok ({', '.join(sorted(ready['checks']))})"


def check_sign_in(client: Client, email: str, password: str) -> str:
    response = client.sign_in(email, password)
    expect_redirect(response, "/my-work", f"sign-in as {email}")
    if "Strict-Transport-Security" not in response.headers:
        raise SmokeFailure("the production app did not send HSTS")
    expect(client.get("/my-work"), 200, "GET /my-work after sign-in")
    return f"signed in as {email}"


def check_case_and_upload(client: Client, case_id: int) -> str:
    expect(client.get(f"/cases/{case_id}"), 200, f"GET /cases/{case_id}")
    title = f"Smoke evidence {secrets.token_hex(4)}"
    content = tiny_pdf(title)
    fields, action = client.form_page(f"/cases/{case_id}/evidence", "file")
    fields.update(title=title)
    upload = client.post_form(action, fields, {"file": ("smoke.pdf", content, "application/pdf")},
                              referer=f"/cases/{case_id}/evidence")
    expect_redirect(upload, f"/cases/{case_id}/evidence", "evidence upload")
    listing = expect(client.get(f"/cases/{case_id}/evidence"), 200, "evidence list").text
    row = re.search(rf'<td>{re.escape(title)}</td>.*?href="(/cases/{case_id}/evidence/(\d+)/download)"', listing, re.S)
    if row is None:
        raise SmokeFailure("the uploaded evidence and its download link are not on the case's evidence list")
    download_path, evidence_id = row.groups()
    download = expect(client.get(download_path), 200, "evidence download")
    if download.body != content:
        raise SmokeFailure("the downloaded evidence differs from the uploaded file")
    return f"case {case_id} page, evidence {evidence_id} uploaded ({len(content)} bytes) and downloaded intact"


def check_api_and_pdf(client: Client) -> str:
    index = expect(client.get("/api/v1/"), 200, "GET /api/v1/").json()
    decisions = expect(client.get("/api/v1/decisions?limit=5"), 200, "GET /api/v1/decisions").json()
    if not decisions.get("data"):
        raise SmokeFailure(f"the API lists no published decision: {decisions}")
    decision_id = decisions["data"][0]["id"]
    letter = expect(client.get(f"/register/{decision_id}/letter.pdf"), 200, "decision letter PDF")
    if not letter.body.startswith(b"%PDF-") or letter.headers.get_content_type() != "application/pdf":
        raise SmokeFailure("the decision letter is not a PDF")
    return (f"API index ({len(index)} keys) and {len(decisions['data'])} decisions; "
            f"letter PDF of decision {decision_id} ({len(letter.body)} bytes)")


def check_sign_out(client: Client) -> str:
    expect_redirect(client.sign_out(), "/", "sign-out")
    expect_redirect(client.get("/my-work"), "/login", "GET /my-work after sign-out")
    return "signed out; /my-work asks to sign in again"


def run(args) -> int:
    client = Client(args.base_url, cafile=args.cafile, direct=args.direct)
    checks = [
        ("health", lambda: check_health(client)),
        ("sign-in", lambda: check_sign_in(client, args.email, args.password)),
        ("case and upload", lambda: check_case_and_upload(client, args.case)),
        ("API and PDF", lambda: check_api_and_pdf(client)),
        ("sign-out", lambda: check_sign_out(client)),
    ]
    failed = False
    for name, check in checks:
        started = time.perf_counter()
        try:
            summary = check()
        except (SmokeFailure, OSError, ValueError, KeyError) as error:
            print(f"FAIL {name}: {error}", file=sys.stderr)
            failed = True
            break
        print(f"ok   {name}: {summary} ({(time.perf_counter() - started) * 1000:.0f} ms)")
    if args.report:
        with open(args.report, "w", encoding="utf-8") as handle:
            json.dump(client.requests, handle, indent=1)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:5000")
    parser.add_argument("--cafile", help="CA or self-signed certificate to trust for HTTPS")
    parser.add_argument("--direct", action="store_true", help="plain HTTP to gunicorn, acting as the TLS proxy")
    parser.add_argument("--email", default="hei-a@example.org", help="an HEI user who may add evidence to --case")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--case", type=int, default=1, help="a case whose self-evaluation is being written")
    parser.add_argument("--report", help="write every request's method, path, status and X-Request-ID here (JSON)")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
