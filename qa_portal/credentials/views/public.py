"""Public pages and documents: /verify, the agency's keys (/.well-known/jwks.json, did.json), the status lists and
the label downloads (a label is issued the first time it is asked for)."""
from flask import Response, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from qa_portal.core.access import public
from qa_portal.core.errors import DomainError
from qa_portal.credentials.forms import VerifyForm
from qa_portal.credentials.services.keys import SigningKeyError, current_signing_key, published_keys
from qa_portal.credentials.services.labels import LabelUnavailable, is_labelled, issue_labels, labels_of
from qa_portal.credentials.services.status_list import etag_of, status_list, status_list_jwt
from qa_portal.credentials.services.verification import SubmissionError
from qa_portal.credentials.services.verify import verify_text
from qa_portal.credentials.urls import agency_did, public_base_url
from qa_portal.credentials.views import bp
from qa_portal.credentials.views.examples import example_credentials
from qa_portal.decisions.services.register import public_specifications, published_decision
from qa_portal.extensions import db

VC_JWT = "application/vc+jwt"
# Verifiers running in a browser (wallets, recognition tools) fetch the keys and status lists from other origins.
ANY_ORIGIN = {"Access-Control-Allow-Origin": "*"}


class SubmissionTooLarge(DomainError):
    """More than QA_VERIFY_MAX_KB was pasted or uploaded (HTTP 413)."""

    status_code = 413


def max_submission_bytes() -> int:
    """What /verify accepts, pasted or uploaded (QA_VERIFY_MAX_KB)."""
    return current_app.config["QA_VERIFY_MAX_KB"] * 1024


@bp.route("/.well-known/jwks.json")
@public
def jwks():
    """Every public key the agency has signed with (current and retired): old labels keep verifying."""
    response = jsonify({"keys": published_keys()})
    response.headers.update({"Cache-Control": "public, max-age=300", **ANY_ORIGIN})
    return response


@bp.route("/.well-known/did.json")
@public
def did_document():
    """The did:web document of the public base URL, listing the same keys as the JWKS."""
    did = agency_did()
    methods = [{"id": f"{did}#{jwk['kid']}", "type": "JsonWebKey2020", "controller": did,
                "publicKeyJwk": {name: jwk[name] for name in ("kty", "crv", "x", "kid")}} for jwk in published_keys()]
    document = {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
                "id": did, "verificationMethod": methods,
                "assertionMethod": [method["id"] for method in methods], "service": [
                    {"id": f"{did}#register", "type": "LinkedDomains", "serviceEndpoint": public_base_url()}]}
    response = jsonify(document)
    response.headers.update({"Content-Type": "application/did+json", **ANY_ORIGIN})
    return response


@bp.route("/credentials/status/<int:list_number>")
@public
def status_list_credential(list_number: int):
    """A Bitstring Status List credential as a VC-JWT, derived from the decisions now; ETag / If-None-Match."""
    if list_number < 1 or list_number > 100_000:
        abort(404)
    try:
        key = current_signing_key()
    except SigningKeyError:
        key = None
    if key is None:
        abort(503, description=_("The agency has no usable signing key: the status list cannot be served."))
    token = status_list_jwt(status_list(list_number), key)
    response = Response(token, mimetype=VC_JWT)
    response.set_etag(etag_of(token))
    response.headers.update({"Cache-Control": "no-cache", **ANY_ORIGIN})
    return response.make_conditional(request)


def issued_labels(decision) -> list:
    """The decision's labels, issued and committed now if they were not yet. Two first requests at once: the loser's
    insert breaks the unique index, it rolls back and reads the winner's labels."""
    try:
        labels = issue_labels(None, decision)
        db.session.commit()
    except LabelUnavailable:
        db.session.rollback()
        raise
    except IntegrityError:
        db.session.rollback()
        labels = labels_of(decision)
    return labels


@bp.route("/credentials/labels/<int:decision_id>/<int:version_id>.jwt")
@public
def label_download(decision_id: int, version_id: int):
    """The QA label of a micro-credential version a published positive or conditional decision covers."""
    decision = published_decision(decision_id)
    if decision is None or not is_labelled(decision) or version_id not in {
            version.id for version in public_specifications(decision.case)}:
        abort(404)
    try:
        labels = issued_labels(decision)
    except LabelUnavailable as error:
        abort(503, description=error.message)
    label = next(label for label in labels if label.specification_version_id == version_id)
    version = label.specification_version
    filename = f"{decision.case.reference}-qa-label-mc{version.micro_credential_id}-v{version.number}.jwt"
    return Response(label.jwt, mimetype=VC_JWT, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _submitted_text(form: VerifyForm) -> str:
    """The pasted text or the uploaded file's, within the size limit; DomainError at the field otherwise."""
    limit = max_submission_bytes()
    upload = form.upload.data
    if upload and getattr(upload, "filename", ""):
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise SubmissionTooLarge(_("The file is larger than %(kb)s KB: a credential is much smaller.",
                                       kb=limit // 1024), field="upload")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise DomainError(_("The file is not text (UTF-8): upload the .jwt or .json file of the credential."),
                              field="upload") from error
    text = form.credential.data or ""
    if len(text.encode("utf-8")) > limit:
        raise SubmissionTooLarge(_("The text is longer than %(kb)s KB: a credential is much smaller.",
                                   kb=limit // 1024), field="credential")
    return text


@bp.route("/verify", methods=["GET", "POST"])
@public
def verify():
    """Paste or upload a QA label or a learner's badge; the answer lists every check."""
    if request.content_length and request.content_length > max_submission_bytes() + 64 * 1024:
        form = VerifyForm(formdata=None)  # the body is refused unread
        form.upload.errors = [_("The file is larger than %(kb)s KB: a credential is much smaller.",
                                kb=max_submission_bytes() // 1024)]
        return render_template("credentials/verify.html", form=form, result=None,
                               examples=example_credentials()), 413
    form, result, status = VerifyForm(), None, 200
    if form.validate_on_submit():
        try:
            result = verify_text(_submitted_text(form)).to_json()
        except DomainError as error:
            getattr(form, error.field).errors = [error.message]
            status = error.status_code if isinstance(error, SubmissionTooLarge) else 400
        except SubmissionError as error:
            form.credential.errors = [str(error)]
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template("credentials/verify.html", form=form, result=result,
                           examples=example_credentials()), status


def _can_sign() -> bool:
    try:
        return current_signing_key() is not None
    except SigningKeyError:
        return False


@bp.app_template_global("qa_label_versions")
def qa_label_versions(decision) -> list:
    """The micro-credential versions whose QA label can be downloaded now: those already issued, and the others
    while the agency has a usable signing key (no link that could only answer 503)."""
    if not is_labelled(decision):
        return []
    issued = {label.specification_version_id for label in labels_of(decision)}
    signing = _can_sign()
    return [version for version in public_specifications(decision.case) if signing or version.id in issued]
