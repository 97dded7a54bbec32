"""Walk app.url_map: every endpoint must be public (on the short list) or signed-in with a check."""
import re

from flask import Flask

from qa_portal.core.access import ACCESS_ATTR

# The whole public surface of QA Portal. Adding to it is a deliberate, reviewed act.
PUBLIC_ENDPOINTS = {
    "static",
    # The pilot's aggregate figures: the public page and GET /api/v1/statistics (never a person's data).
    "monitoring.pilot",
    "monitoring.api.statistics",
    # The consultation open to every stakeholder: versions in consultation, joining by a one-time e-mail link, and
    # commenting (only with a confirmed address in the session).
    "monitoring.open_consultations",
    "monitoring.join_consultation",
    "monitoring.confirm_link",
    "monitoring.open_comment",
    "home.landing",
    "home.switch_language",
    "auth.login",
    # The second sign-in step and the enrolment a role requires: they answer only a visitor whose password was just
    # right (a half-signed-in state in the signed session); anyone else is sent back to /login.
    "auth.second_factor",
    "auth.second_factor_enrolment",
    "auth.set_password",
    # Published standard-set versions at permanent URLs, and their PDF (drafts answer 404).
    "standards.public_index",
    "standards.public_set",
    "standards.public_version",
    "standards.public_version_pdf",
    # The public catalogue of published micro-credentials and each version's permanent page (drafts answer 404).
    "pilots.catalogue",
    "pilots.catalogue_entry",
    "pilots.catalogue_version",
    # Pilot calls: the list of open calls and each call's public page (drafts answer 404).
    "pilots.public_call_list",
    "pilots.public_call",
    # The register of published decisions, each one's permanent page, letter and panel report (unpublished: 404).
    "decisions.register_index",
    "decisions.register_decision",
    "decisions.register_letter",
    "decisions.register_report",
    # The appeal and complaint procedures with their deadlines (ESG 2.7, rule A4).
    "decisions.procedures",
    # A user's private iCalendar feed of deadlines: the unguessable, revocable token in the URL is the credential
    # (calendar apps cannot sign in); unknown or revoked tokens answer 404.
    "notifications.calendar_feed",
    # Health for load balancers and orchestrators: JSON status only, no data (tests/core/test_health.py).
    "health.healthz",
    "health.readyz",
} | {
    # The registry export API (/api/v1): read-only JSON of published data only (tests/registry/test_no_leak.py).
    f"registry.{name}" for name in (
        "index", "decision_list", "decision_detail", "decision_export_ndjson", "decision_export_csv",
        "micro_credential_list", "micro_credential_detail", "institution_list", "institution_detail",
        "standard_list", "standard_detail", "deqar_report_list", "deqar_report_detail",
        "openapi_document", "openapi_docs",
    )
} | {
    # Credentials (issue 20): the recognition check, the agency's public keys and DID document, the status lists and
    # the QA labels of published positive or conditional decisions (anything else answers 404).
    "credentials.verify", "credentials.jwks", "credentials.did_document", "credentials.status_list_credential",
    "credentials.label_download", "credentials.api.decision_credential", "credentials.api.verify",
}

# POST endpoints that change nothing and answer machines, exempt from CSRF on purpose: verifying a credential needs a
# request body (up to QA_VERIFY_MAX_KB) that a query string cannot carry.
READ_ONLY_POST_ENDPOINTS = {"credentials.api.verify"}

# Signed-in pages every user has, whatever their roles (their own account and work list).
ANY_SIGNED_IN_ENDPOINTS = {
    "home.my_work",
    "auth.logout",
    "auth.change_password",
    "auth.account",
    "auth.end_other_sessions",
    "auth.two_factor_setup",
    "auth.renew_recovery_codes",
    "auth.turn_off_two_factor",
    # Consultation on draft standards (ESG 2.2): any signed-in stakeholder reads and comments.
    "standards.consultation_list",
    "standards.consultation",
    # Complaints about the conduct of a process (rule A4): any signed-in user lodges one and lists their own.
    "decisions.complaint_list",
    "decisions.lodge_complaint",
    # Each user's own mail settings and calendar feed address.
    "notifications.mail_settings",
    "notifications.calendar_token",
    "notifications.calendar_revoke",
    # Feedback surveys: each signed-in user lists their own pending surveys (answering one checks the invitation).
    "monitoring.survey_list",
}

_CONVERTER_SAMPLES = {"int": "1", "string": "1", "path": "1", "uuid": "00000000-0000-0000-0000-000000000001"}


def sample_url(rule) -> str:
    """The rule's URL with every variable filled by a sample value (1 for ids)."""

    def fill(match: re.Match) -> str:
        converter = match.group(1) or "string"
        return _CONVERTER_SAMPLES.get(converter, "1")

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", fill, rule.rule)


def unmarked_endpoints(app: Flask) -> list[str]:
    """Endpoints whose view is neither @public nor @login_required (so nothing checks access)."""
    offenders = []
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        access = getattr(view, ACCESS_ATTR, None)
        if access is None:
            offenders.append(endpoint)
        elif access == "public" and endpoint not in PUBLIC_ENDPOINTS:
            offenders.append(endpoint)
    return sorted(offenders)


def state_changing_rules(app: Flask):
    """Every (rule, method) that changes something: POST, PUT, PATCH, DELETE."""
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            yield rule, method


def csrf_unprotected(app: Flask, client) -> list[str]:
    """State-changing routes that accept a request without a CSRF token (expects CSRF enabled)."""
    offenders = []
    for rule, method in state_changing_rules(app):
        if rule.endpoint in READ_ONLY_POST_ENDPOINTS:
            continue
        response = client.open(sample_url(rule), method=method, data={})
        if response.status_code != 400 or b"CSRF" not in response.data:
            offenders.append(f"{method} {rule.rule} -> {response.status_code}")
    return offenders
