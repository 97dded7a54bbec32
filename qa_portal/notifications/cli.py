"""`flask mail send` (send what is due, once) and `flask mail worker` (keep sending: systemd or a container), and
`flask mail reminders` (the reminder pass on its own; the daily maintenance pass runs it too)."""
import signal
import time

import click
from flask import current_app
from flask.cli import AppGroup

from qa_portal.extensions import db
from qa_portal.notifications.services.reminders import run_reminder_pass
from qa_portal.notifications.services.sender import send_batch, waiting_count

mail_cli = AppGroup("mail", help="The outbox of e-mails: send it, keep sending it, remind.")


def send_until_empty() -> tuple[int, int]:
    """Send batches, committing after each, until nothing is due; (sent, failed) in all."""
    sent = failed = 0
    while True:
        result = send_batch()
        db.session.commit()
        sent, failed = sent + result.sent, failed + result.failed
        if result.claimed == 0 or result.sent == 0:
            return sent, failed


@mail_cli.command("send")
def mail_send():
    """Send the queued messages that are due, once."""
    if not current_app.config.get("QA_SMTP_URL"):
        click.echo(f"QA_SMTP_URL is not set: {waiting_count()} message(s) stay in the outbox (see /admin/outbox).")
        return
    sent, failed = send_until_empty()
    click.echo(f"Sent {sent} message(s); {failed} failed and will be retried (or were given up).")


@mail_cli.command("worker")
@click.option("--poll", type=int, default=None, help="Seconds between passes (default QA_MAIL_POLL_SECONDS).")
def mail_worker(poll: int | None):
    """Keep sending the outbox until stopped (SIGTERM or Ctrl-C finish the current batch first)."""
    poll = poll or current_app.config["QA_MAIL_POLL_SECONDS"]
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_args: stopping.append(True))
    if not current_app.config.get("QA_SMTP_URL"):
        click.echo("QA_SMTP_URL is not set: the worker waits; messages stay in the outbox.", err=True)
    try:
        while not stopping:
            if current_app.config.get("QA_SMTP_URL"):
                sent, failed = send_until_empty()
                if sent or failed:
                    click.echo(f"Sent {sent}, failed {failed}.")
            db.session.remove()
            for _second in range(poll):
                if stopping:
                    break
                time.sleep(1)
    except KeyboardInterrupt:
        pass


@mail_cli.command("reminders")
def mail_reminders():
    """Queue the reminders that are due now (idempotent: run twice, it queues once)."""
    summary = run_reminder_pass()
    db.session.commit()
    click.echo(summary)


def register_commands(group) -> None:
    """Attach `mail` to the notifications blueprint's CLI (registered at the app's top level)."""
    group.add_command(mail_cli)
