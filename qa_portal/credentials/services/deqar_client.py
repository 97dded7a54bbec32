"""A small HTTP client for DEQAR's Submission API v2 (reference/deqar.md §1): Bearer token, JSON in and out, and
retries with exponential backoff when the network or DEQAR's server fails (5xx, 429). Written on urllib: four
calls do not need another dependency."""
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DeqarAnswer", "DeqarUnreachable", "DeqarClient"]

RETRIED_STATUSES = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class DeqarAnswer:
    """DEQAR's HTTP status and body (parsed JSON, or the text when it is not JSON), and the attempts it took."""

    status: int
    body: object
    attempts: int


class DeqarUnreachable(Exception):
    """Every attempt failed on the network or with a server error."""

    def __init__(self, message: str, attempts: int):
        super().__init__(message)
        self.attempts = attempts


class DeqarClient:
    """Calls under the Submission API's base URL (…/submissionapi/v2/) with the agency's token."""

    def __init__(self, base_url: str, token: str, *, attempts: int = 4, backoff_seconds: float = 2.0,
                 timeout_seconds: float = 30, sleep: Callable[[float], None] = time.sleep):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.token, self.attempts, self.backoff = token, max(1, attempts), backoff_seconds
        self.timeout, self.sleep = timeout_seconds, sleep

    def _send(self, method: str, url: str, payload) -> tuple[int, bytes]:
        data = json.dumps(payload).encode("utf-8") if payload is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Accept": "application/json",
            **({"Content-Type": "application/json"} if data is not None else {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def request(self, method: str, path: str, payload=None, query: dict | None = None) -> DeqarAnswer:
        """One call, retried with backoff (backoff, 2×, 4×… seconds) on network errors and 5xx/429 answers."""
        url = urllib.parse.urljoin(self.base_url, path)
        if query:
            url += "?" + urllib.parse.urlencode(query)
        problem = ""
        for attempt in range(1, self.attempts + 1):
            try:
                status, raw = self._send(method, url, payload)
            except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
                problem = f"{type(error).__name__}: {getattr(error, 'reason', error)}"
            else:
                if status not in RETRIED_STATUSES:
                    return DeqarAnswer(status, _parsed(raw), attempt)
                problem = f"HTTP {status} from DEQAR"
            if attempt < self.attempts:
                self.sleep(self.backoff * 2 ** (attempt - 1))
        raise DeqarUnreachable(f"{method} {url} failed {self.attempts} times; last: {problem}", self.attempts)


def _parsed(raw: bytes):
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
