"""Flask commands: demo data, audit verification, user creation, the daily maintenance pass, backups."""
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from qa_portal.extensions import db

demo_cli = AppGroup("demo", help="Demo data for a newcomer.")
audit_cli = AppGroup("audit", help="The audit log.")
users_cli = AppGroup("users", help="Accounts.")
pilots_cli = AppGroup("pilots", help="Pilot calls and their reference data.")
maintenance_cli = AppGroup("maintenance", help="Scheduled upkeep (run daily by deploy/qa-portal-maintenance.timer).")
backup_cli = AppGroup("backup", help="Back up and restore the database and the uploaded files.")


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


@demo_cli.command("totp-key")
@click.argument("email")
def demo_totp_key(email: str):
    """Print a demo account's authenticator key, its otpauth address and the current code (refused in production)."""
    if not current_app.config.get("QA_DEMO_ALLOWED"):
        raise click.ClickException("Authenticator keys are never printed under the Production configuration.")
    import pyotp

    from qa_portal.auth.services import find_user_by_email, provisioning_uri
    from qa_portal.auth.services.two_factor import decrypt_secret

    user = find_user_by_email(email)
    if user is None or not user.two_factor_enabled:
        raise click.ClickException(f"{email} has no two-factor sign-in (run `flask demo load` to add the demo account).")
    secret = decrypt_secret(user.second_factor.secret)
    click.echo(f"{user.email}: authenticator key {secret} (time-based, SHA-1, 6 digits, 30 s)")
    click.echo(f"  otpauth address: {provisioning_uri(user, secret)}")
    click.echo(f"  code right now: {pyotp.TOTP(secret).now()}   (or: oathtool --totp -b {secret})")


@demo_cli.command("scale")
@click.option("--decisions", "count", type=click.IntRange(min=1), default=1000, show_default=True,
              help="How many synthetic published decisions to add.")
@click.option("--cases", "cases", type=click.IntRange(min=1), default=None,
              help="Instead: about N synthetic cases in every lifecycle state (half of them decided).")
def demo_scale(count: int, cases: int | None):
    """Add N synthetic published decisions with their institutions and specifications (for the API benchmark),
    or with --cases N cases in every lifecycle state (for the page benchmark)."""
    if not current_app.config.get("QA_DEMO_ALLOWED"):
        raise click.ClickException("Scale data is never generated under the Production configuration.")
    from qa_portal.demo.scale import ScaleError, generate_decisions
    from qa_portal.demo.scale_cases import generate_cases

    try:
        added = generate_cases(cases) if cases else generate_decisions(count)
    except ScaleError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{added} cases added." if cases else f"{added} published decisions added.")


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
    from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes

    created = load_outcome_schemes()
    db.session.commit()
    click.echo("Outcome schemes loaded." if created else "Outcome schemes were already there; nothing changed.")


standards_cli = AppGroup("standards", help="QA standard sets.")


@standards_cli.command("load-default")
def standards_load_default():
    """Create the ready-made draft set "QA standards for micro-credentials (pilot)" (idempotent)."""
    from qa_portal.standards.services.default_content import load_default_standards

    standard_set, created = load_default_standards()
    db.session.commit()
    click.echo(f"Standard set {standard_set.code} created with a draft version 1." if created
               else f"Standard set {standard_set.code} already exists; nothing changed.")


@maintenance_cli.command("public-records")
@click.option("--rebuild", is_flag=True, help="Serialise every published decision again, not only those without one.")
def maintenance_public_records(rebuild: bool):
    """Store the public record of every published decision that has none (run once after upgrading to the
    migration that adds them, or after loading decisions in bulk); --rebuild rewrites every record that changed."""
    from qa_portal.registry.services.records import rebuild_records

    changed = rebuild_records(only_missing=not rebuild)
    db.session.commit()
    click.echo(f"{changed} public decision records stored.")


@maintenance_cli.command("daily")
def maintenance_daily():
    """Run every package's daily job, each committed on its own; exit 1 if any failed or found a problem."""
    from qa_portal.core.maintenance import MaintenanceProblem, daily_jobs
    from qa_portal.core.models import utcnow

    failed = 0
    for job in daily_jobs(current_app.extensions["qa_portal.packages"]):
        try:
            summary = job.run(current_app._get_current_object(), now=utcnow())
            db.session.commit()
        except MaintenanceProblem as problem:
            db.session.rollback()
            failed += 1
            click.echo(f"PROBLEM {job.name}: {problem}", err=True)
        except Exception:  # noqa: BLE001  (one broken job must not stop the others)
            db.session.rollback()
            failed += 1
            current_app.logger.exception("Daily maintenance job %s failed", job.name)
            click.echo(f"FAILED  {job.name}: see the log above.", err=True)
        else:
            click.echo(f"ok      {job.name}: {summary}")
    if failed:
        raise SystemExit(1)


@backup_cli.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def backup_create(directory: Path):
    """Back up the database and the uploaded files into DIRECTORY (new or empty), with manifest.json."""
    from qa_portal.core.backup import BackupError, create_backup

    try:
        manifest = create_backup(directory)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    uploads = len(manifest["files"]) - 1
    click.echo(f"Backed up the {manifest['database']['dialect']} database (revision "
               f"{', '.join(manifest['database']['revision']) or 'none'}) and {uploads} uploaded file(s) to {directory}.")


@backup_cli.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database or upload folder that already holds data.")
def backup_restore(directory: Path, force: bool):
    """Check DIRECTORY's manifest hashes, then restore its database and uploaded files."""
    from qa_portal.core.backup import BackupError, restore_backup

    try:
        report = restore_backup(directory, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored the database (revision {', '.join(report.revision) or 'none'}) and {report.files} "
               f"uploaded file(s) from {directory}.")
    if report.needs_upgrade:
        click.echo("The backup's schema is older than this code: run `flask --app wsgi db upgrade` now.")


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
    for group in (demo_cli, audit_cli, users_cli, pilots_cli, standards_cli, maintenance_cli, backup_cli, storage_cli):
        app.cli.add_command(group)
