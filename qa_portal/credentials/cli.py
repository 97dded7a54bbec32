"""Commands: `flask keys generate|rotate|list` (the agency's signing keys), `flask registry push` (reports to DEQAR)
and `flask credentials issue-labels` (every QA label not issued yet)."""
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from qa_portal.extensions import db

keys_cli = AppGroup("keys", help="The agency's Ed25519 keys that sign QA labels and status lists.")
registry_cli = AppGroup("registry", help="Results sent to registries (DEQAR).")
credentials_cli = AppGroup("credentials", help="QA labels.")


def _directory():
    from qa_portal.credentials.services.keys import key_directory

    directory = key_directory()
    if directory is None:
        raise click.ClickException("QA_SIGNING_KEY_DIR is not set.")
    return directory


@keys_cli.command("generate")
def keys_generate():
    """Create the first signing key (private key mode 600 in QA_SIGNING_KEY_DIR); refused if one exists."""
    from qa_portal.audit.services import record
    from qa_portal.credentials.services.keys import SigningKeyError, generate_key

    directory = _directory()
    try:
        kid = generate_key(directory)
    except SigningKeyError as error:
        raise click.ClickException(str(error)) from error
    record(None, "credentials.key_generate", None, f"Signing key {kid} generated", {"kid": kid})
    db.session.commit()
    click.echo(f"Signing key {kid} created in {directory} (private key mode 600).")


@keys_cli.command("rotate")
def keys_rotate():
    """Replace the signing key: new labels use the new key; the old public key stays published (old labels verify)."""
    from qa_portal.audit.services import record
    from qa_portal.credentials.services.keys import SigningKeyError, rotate_key

    try:
        old_kid, new_kid = rotate_key(_directory())
    except SigningKeyError as error:
        raise click.ClickException(str(error)) from error
    record(None, "credentials.key_rotate", None, f"Signing key rotated: {old_kid} → {new_kid}",
           {"old": old_kid, "new": new_kid})
    db.session.commit()
    click.echo(f"New signing key {new_kid}; {old_kid} retired (its public key stays in /.well-known/jwks.json).")


@keys_cli.command("list")
def keys_list():
    """The published public keys, the current one marked."""
    from qa_portal.credentials.services.keys import current_signing_key, published_keys

    current = current_signing_key()
    for jwk in published_keys():
        click.echo(f"{jwk['kid']}{'  (current)' if current and current.kid == jwk['kid'] else ''}")


@credentials_cli.command("issue-labels")
def issue_labels_command():
    """Issue the QA label of every published positive or conditional decision that has none yet."""
    from qa_portal.credentials.services.labels import LabelUnavailable, issue_missing_labels
    from qa_portal.credentials.urls import public_base_url

    with current_app.test_request_context(base_url=public_base_url()):
        try:
            count = issue_missing_labels(None)
        except LabelUnavailable as error:
            raise click.ClickException(error.message) from error
        db.session.commit()
    click.echo(f"{count} QA label(s) issued.")


@registry_cli.command("push")
@click.option("--dry-run", is_flag=True, help="Check and list what would be sent; send and store nothing.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Only decisions whose public record changed on or after this date (and failed pushes).")
def registry_push(dry_run: bool, since: datetime | None):
    """Send each published report to DEQAR's Submission API v2 (QA_DEQAR_API_URL, QA_DEQAR_TOKEN): POST new ones, PUT
    changed ones, request deletion of those DEQAR must no longer show. Exit 1 if any was refused or failed."""
    from qa_portal.credentials.services.deqar_push import client_from_config, decisions_to_push, push_decision
    from qa_portal.credentials.urls import public_base_url

    if not dry_run and not current_app.config.get("QA_DEQAR_TOKEN"):
        raise click.ClickException("QA_DEQAR_TOKEN is not set (DEQAR's /accounts/get_token/ gives it).")
    client, counts = client_from_config(), {}
    with current_app.test_request_context(base_url=public_base_url()):  # the reports' absolute URLs
        for decision, sequence in decisions_to_push(since):
            result = push_decision(None, client, decision, sequence, dry_run=dry_run)
            if not dry_run:
                db.session.commit()
            counts[result.action] = counts.get(result.action, 0) + 1
            click.echo(f"{result.local_identifier}: {result.action}{' — ' + result.message if result.message else ''}")
    click.echo("Summary: " + (", ".join(f"{action} {count}" for action, count in sorted(counts.items())) or
                              "nothing to push") + (" (dry run: nothing sent)" if dry_run else ""))
    if counts.get("refused") or counts.get("failed"):
        raise SystemExit(1)


def register_commands(group) -> None:
    """Attach the command groups to the credentials blueprint's CLI (registered at the app's top level)."""
    for command in (keys_cli, registry_cli, credentials_cli):
        group.add_command(command)
