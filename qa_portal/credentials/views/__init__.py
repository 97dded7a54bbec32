"""The credentials blueprint: /verify, the agency's keys (/.well-known), status lists, label downloads, the issuer
and DEQAR pages, the `keys`, `registry push` and `credentials` commands, and a nested /api/v1 blueprint."""
import os
import sys

from flask import Blueprint

from qa_portal.credentials.cli import register_commands

bp = Blueprint("credentials", __name__, template_folder="../templates", cli_group=None)
register_commands(bp.cli)


_FLASK_OPTIONS_WITH_VALUES = {"--app", "-A", "--env-file", "-e"}


def _serving(argv: list[str]) -> bool:
    """Whether this process serves requests: under gunicorn or any WSGI server, or `flask run`; not for other flask
    commands (Flask sets FLASK_RUN_FROM_CLI for every command, so the command's name decides)."""
    if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        return True
    arguments = iter(argv[1:])
    for argument in arguments:
        if argument in _FLASK_OPTIONS_WITH_VALUES:
            next(arguments, None)
        elif not argument.startswith("-"):
            return argument == "run"
    return False


@bp.record_once
def _refuse_to_serve_without_a_signing_key(state) -> None:
    """Under QA_REQUIRE_SIGNING_KEY (production) the app does not start serving without a safe signing key; flask
    commands (`flask keys generate` among them) still run so the key can be made."""
    from qa_portal.credentials.services.keys import SigningKeyError, current_signing_key

    app = state.app
    if not app.config.get("QA_REQUIRE_SIGNING_KEY") or not _serving(sys.argv):
        return
    with app.app_context():
        try:
            key = current_signing_key()
        except SigningKeyError as error:
            raise RuntimeError(f"QA Portal refuses to start: {error}") from error
    if key is None:
        raise RuntimeError("QA Portal refuses to start in production without the agency's signing key: run "
                           "`flask --app wsgi keys generate` (QA_SIGNING_KEY_DIR, default instance/keys/).")


from qa_portal.credentials.views import api, deqar, issuers, public  # noqa: E402,F401

bp.register_blueprint(api.api_bp)
