"""A stand-in for DEQAR's Submission API v2 on loopback, answering in the shapes EQAR's backend uses
(reference/deqar.md §1, §3): 200 {"submission_status": "success", "submitted_report": {...}, ...} for POST/PUT,
400 {"submission_status": "errors", "original_data", "errors"} for refusals, a bare {"non_field_errors"} for a
duplicate local identifier, 200 / 404 "Not Found" for check/local-identifier, ["OK"] for a deletion request, 401
without the token. `fail_next` answers 503 to that many requests (a failing server)."""
import json
import threading

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

PREFIX = "/submissionapi/v2/"
TOKEN = "test-token"


class DeqarStandIn:
    """The reports it holds, what it refuses, and every request it received."""

    def __init__(self):
        self.reports: dict[int, dict] = {}
        self.deletion_requested: set[int] = set()
        self.refuse: dict[str, dict] = {}
        self.flags: dict[str, tuple[str, list]] = {}
        self.fail_next = 0
        self.requests: list[tuple[str, str]] = []
        self._next_id = 40001
        self._server = None

    # --- the WSGI app -------------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        response = self._answer(request)
        return response(environ, start_response)

    def _json(self, body, status=200) -> Response:
        return Response(json.dumps(body), status=status, mimetype="application/json")

    def _answer(self, request: Request) -> Response:
        path = request.path.removeprefix(PREFIX)
        self.requests.append((request.method, path))
        if self.fail_next > 0:
            self.fail_next -= 1
            return Response("Service Unavailable", status=503)
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._json({"detail": "Authentication credentials were not provided."}, 401)
        if path == "submit/report" and request.method in ("POST", "PUT"):
            return self._submit(request.method, request.get_json())
        if path == "check/local-identifier" and request.method == "GET":
            return self._check(request.args.get("local_identifier", ""))
        if path.startswith("delete/report/") and request.method == "DELETE":
            report_id = int(path.removeprefix("delete/report/").strip("/"))
            if report_id not in self.reports:
                return self._json({"detail": "Not found."}, 404)
            self.deletion_requested.add(report_id)
            return self._json(["OK"])
        return self._json({"detail": "Not found."}, 404)

    def _by_local(self, local_identifier: str) -> int | None:
        return next((report_id for report_id, report in self.reports.items()
                     if report["local_identifier"] == local_identifier), None)

    def _check(self, local_identifier: str) -> Response:
        report_id = self._by_local(local_identifier)
        if report_id is None:
            return Response('"Not Found"', status=404, mimetype="application/json")
        return self._json({"id": report_id, **self.reports[report_id]})

    def _submit(self, method: str, body: dict) -> Response:
        local_identifier = body.get("local_identifier", "")
        if local_identifier in self.refuse:
            return self._json({"submission_status": "errors", "original_data": body,
                               "errors": self.refuse[local_identifier]}, 400)
        if method == "POST":
            if "report_id" in body:
                return self._json({"submission_status": "errors", "original_data": body, "errors": {"report_id": [
                    "You submitted a report_id. To update an existing report, please use a PUT or PATCH request "
                    "instead of a POST."]}}, 400)
            if self._by_local(local_identifier) is not None:
                return self._json({"non_field_errors": [
                    "Report with this Agency and Local Report Identifier already exists."]}, 400)
            report_id, self._next_id = self._next_id, self._next_id + 1
        else:
            report_id = int(body["report_id"]) if body.get("report_id") else self._by_local(local_identifier)
            if report_id not in self.reports:
                return self._json({"submission_status": "errors", "original_data": body,
                                   "errors": {"non_field_errors": ["Please provide a valid local identifier."]}}, 400)
        self.reports[report_id] = {key: value for key, value in body.items() if key != "report_id"}
        flag, warnings = self.flags.get(local_identifier, ("none", []))
        return self._json({"submission_status": "success",
                           "submitted_report": {"id": report_id, "agency": "ANQA - National Center",
                                                "local_identifier": local_identifier, "decision": body["decision"]},
                           "sanity_check_status": "warnings" if warnings else "success", "report_flag": flag,
                           "report_warnings": warnings, "institution_warnings": []})

    # --- the server ------------------------------------------------------------------------------------------------
    def start(self) -> str:
        """Serve on a free loopback port in a thread; the API's base URL."""
        self._server = make_server("127.0.0.1", 0, self, threaded=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_port}{PREFIX}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
