"""Flask commands: demo data, audit verification, user creation."""
import click
from flask import Flask, current_app
from flask.cli import AppGroup

from qa_portal.extensions import db

demo_cli = AppGroup("demo", help="Demo data for a newcomer.")
audit_cli = AppGroup("audit", help="The audit log.")
users_cli = AppGroup("users", help="Accounts.")
pilots_cli = AppGroup("pilots", help="Pilot calls and their reference data.")


@demo_cli.command("load")
def demo_load():
    """Create the demo agency, its accounts and cases (idempotent; refused in production)."""
    if not current_app.config.get("QA_DEMO_ALLOWED"):
        raise click.ClickException("Demo data is never loaded under the Production configuration.")
    from qa_portal.demo import load_demo

    created = load_demo()
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data was already there; nothing changed.")


@demo_cli.command("load-if-empty")
def demo_load_if_empty():
    """Load the demo data only when the database has no users yet (used by `make run`)."""
    if not current_app.config.get("QA_DEMO_ALLOWED"):
        raise click.ClickException("Demo data is never loaded under the Production configuration.")
    from qa_portal.auth.models import User
    from qa_portal.demo import load_demo

    if db.session.query(User.id).first() is not None:
        click.echo("The database has data; demo data not loaded.")
        return
    load_demo()
    db.session.commit()
    click.echo("Demo data loaded.")


@demo_cli.command("scale")
@click.option("--decisions", "count", type=click.IntRange(min=1), default=1000, show_default=True,
              help="How many synthetic published decisions to add.")
def demo_scale(count: int):
    """Add N synthetic published decisions with their institutions and specifications (for the API benchmark)."""
    if not current_app.config.get("QA_DEMO_ALLOWED"):
        raise click.ClickException("Scale data is never generated under the Production configuration.")
    from qa_portal.demo.scale import ScaleError, generate_decisions

    try:
        added = generate_decisions(count)
    except ScaleError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{added} published decisions added.")


@audit_cli.command("verify")
def audit_verify():
    """Recompute the audit hash chain; exit 1 naming the first bad entry."""
    from qa_portal.audit.models import AuditEntry
    from qa_portal.audit.services import verify_chain

    problem = verify_chain()
    if problem is not None:
        click.echo(f"Audit chain broken at entry {problem.entry_id}: {problem.reason}.", err=True)
        raise SystemExit(1)
    count = db.session.query(AuditEntry.id).count()
    click.echo(f"Audit chain intact: {count} entries verified.")


@users_cli.command("create-admin")
@click.argument("email")
@click.argument("full_name")
def create_admin(email: str, full_name: str):
    """Create an administrator and print their one-time set-password link."""
    from qa_portal.auth.models import Role
    from qa_portal.auth.services import create_user
    from qa_portal.core.urls import public_url

    user, token = create_user(None, email, full_name, {Role.ADMIN})
    db.session.commit()
    click.echo(f"Created {user.email}. Set the password at: {public_url('auth.set_password', token=token)}")


@pilots_cli.command("load-outcome-schemes")
def pilots_load_outcome_schemes():
    """Create the shipped outcome schemes ("Pilot", "ANQA 2025") and any missing outcomes (idempotent)."""
    from qa_portal.pilots.outcome_schemes import load_outcome_schemes

    created = load_outcome_schemes()
    db.session.commit()
    click.echo("Outcome schemes loaded." if created else "Outcome schemes were already there; nothing changed.")


standards_cli = AppGroup("standards", help="QA standard sets.")


@standards_cli.command("load-default")
def standards_load_default():
    """Create the ready-made draft set "QA standards for micro-credentials (pilot)" (idempotent)."""
    from qa_portal.standards.default_content import load_default_standards

    standard_set, created = load_default_standards()
    db.session.commit()
    click.echo(f"Standard set {standard_set.code} created with a draft version 1." if created
               else f"Standard set {standard_set.code} already exists; nothing changed.")


storage_cli = AppGroup("storage", help="The upload folder.")


@storage_cli.command("check")
@click.option("--fix", is_flag=True, help="Remove the partial uploads and orphans found.")
@click.option("--older-than-hours", "hours", type=click.FloatRange(min=0), default=24, show_default=True,
              help="Leave younger files alone: they may belong to an upload still in progress.")
def storage_check(fix: bool, hours: float):
    """List partial uploads and files no record references (older than a day); report stored files missing on disk.

    Exits 1 while anything needs attention (with --fix: once the leftovers are removed, only missing files)."""
    from qa_portal.core.storage_check import check_storage

    report = check_storage(fix=fix, grace_seconds=hours * 3600)
    verb = "removed" if fix else "found"
    for path in report.stale_partials:
        click.echo(f"partial upload {verb}: {path.name}")
    for path in report.orphans:
        click.echo(f"orphan {verb} (no record references it): {path.name}")
    for table, row_id, name in report.missing:
        click.echo(f"missing on disk: {name} (referenced by {table} {row_id})")
    for path in report.foreign:
        click.echo(f"not written by the portal, left alone: {path.name}")
    if report.recent_unreferenced:
        click.echo(f"{report.recent_unreferenced} unreferenced file(s) younger than {hours:g} hours left alone "
                   "(possibly uploads in progress).")
    click.echo(f"{len(report.stale_partials)} partial upload(s), {len(report.orphans)} orphan(s)"
               f"{' removed' if fix else ''}; {len(report.missing)} stored file(s) missing.")
    if not report.clean:
        if not fix and (report.stale_partials or report.orphans):
            click.echo("Run again with --fix to remove the partial uploads and orphans.")
        raise SystemExit(1)


def register_cli(app: Flask) -> None:
    """Attach the command groups to the app."""
    for group in (demo_cli, audit_cli, users_cli, pilots_cli, standards_cli, storage_cli):
        app.cli.add_command(group)
