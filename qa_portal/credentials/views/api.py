"""The credentials' part of the JSON API under /api/v1 (documented in the OpenAPI document through
subscribers.py): a published decision's QA labels, and POST /api/v1/verify. Errors use the registry's JSON shape."""
import jwt as pyjwt
from flask import Blueprint, current_app, request

from qa_portal.core.access import public
from qa_portal.credentials.services.labels import LabelUnavailable, is_labelled, register_url
from qa_portal.credentials.services.status_list import status_entry
from qa_portal.credentials.services.verification import SubmissionError, read_submission
from qa_portal.credentials.services.verify import verify_submission
from qa_portal.credentials.views.public import issued_labels
from qa_portal.decisions.services.register import published_decision
from qa_portal.extensions import csrf, limiter
from qa_portal.registry.services.errors import ApiError, error_response
from qa_portal.registry.services.paging import json_response

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
JWT_TYPES = {"application/jwt", "application/vc+jwt", "text/plain"}


def _api_rate_limit() -> str:
    return current_app.config["QA_API_RATE_LIMIT"]


@api_bp.errorhandler(ApiError)
def _handle_api_error(error: ApiError):
    """A refused request in the API's one error shape."""
    return error_response(error.status, error.code, error.message, error.details)


def _label_json(label) -> dict:
    version = label.specification_version
    return {"id": label.credential_id, "micro_credential_id": version.micro_credential_id,
            "specification_version": version.number, "title": version.title_en, "format": "vc+jwt",
            "kid": label.kid, "issued_at": label.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "credential_status": status_entry(label.status_index), "jwt": label.jwt,
            "credential": pyjwt.decode(label.jwt, options={"verify_signature": False})}


@api_bp.route("/decisions/<int:decision_id>/credential")
@public
@limiter.limit(_api_rate_limit)
def decision_credential(decision_id: int):
    """The QA labels (one per micro-credential version covered) of a published positive or conditional decision."""
    if request.args:
        raise ApiError(400, "unknown_parameter", "This route takes no query parameter.",
                       {"parameters": sorted(request.args), "allowed": []})
    decision = published_decision(decision_id)
    if decision is None:
        raise ApiError(404, "not_found", f"No published decision has the id {decision_id}.",
                       {"resource": "decision", "id": decision_id})
    if not is_labelled(decision):
        raise ApiError(404, "no_credential", "Only positive and conditional decisions carry a QA label.",
                       {"resource": "credential", "decision_id": decision_id})
    try:
        labels = issued_labels(decision)
    except LabelUnavailable as error:
        raise ApiError(503, "signing_key_missing", error.message) from error
    return json_response({"decision_id": decision.id, "register_url": register_url(decision),
                          "credentials": [_label_json(label) for label in labels]})


def _submitted_text() -> str:
    limit = current_app.config["QA_VERIFY_MAX_KB"] * 1024
    if (request.content_length or 0) > limit:
        raise ApiError(413, "too_large", f"The body is larger than {limit // 1024} KB: a credential is much smaller.",
                       {"limit_bytes": limit})
    data = request.get_data(cache=False)
    if len(data) > limit:
        raise ApiError(413, "too_large", f"The body is larger than {limit // 1024} KB.", {"limit_bytes": limit})
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(400, "invalid_credential", "The body is not UTF-8 text.") from error


@api_bp.route("/verify", methods=["POST"])
@public
@limiter.limit(_api_rate_limit)
def verify():
    """Verify a QA label or a learner's Open Badges credential: a JSON credential (or {"credential": …}) or a compact
    JWT as the body. 200 with every check (the verdict may be failed); 400/413 when the body is no credential."""
    media_type = request.mimetype or ""
    if media_type not in JWT_TYPES and media_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the credential as application/json, or a JWT as "
                                                      "application/jwt, application/vc+jwt or text/plain.",
                       {"content_type": media_type})
    try:
        submission = read_submission(_submitted_text())
    except SubmissionError as error:
        raise ApiError(400, "invalid_credential", str(error)) from error
    verification = verify_submission(submission)
    return json_response(verification.to_json(), headers={"Cache-Control": "no-store"})


csrf.exempt(verify)  # a machine endpoint that changes nothing: the body is too big for a query string
