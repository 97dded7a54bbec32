"""Queueing a message: rendered in the recipient's language (plain text and an HTML alternative) and added to the
outbox in the caller's transaction, so it exists exactly when the change that caused it is committed."""
import uuid
from datetime import date, datetime
from email.utils import parseaddr

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.notifications.kinds import KINDS
from qa_portal.notifications.models import MailPreference, MailStatus, OutboxMessage


class _Params(dict):
    """Placeholders a kind's text uses but an event did not give read as empty, never a KeyError."""

    def __missing__(self, key):
        return ""


def format_due(value) -> str:
    """A due date as people read it in both languages: 2026-12-23, or 2026-12-23 17:00 UTC for a moment."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    return ""


def recipient_locale(user) -> str:
    """The recipient's language from their account (hy or en), else the portal's default."""
    locales = current_app.config["QA_LOCALES"]
    return user.locale if user.locale in locales else current_app.config["BABEL_DEFAULT_LOCALE"]


def new_message_id() -> str:
    """A globally unique Message-ID, fixed when the message is queued so every resend carries the same one."""
    domain = parseaddr(current_app.config["QA_MAIL_FROM"])[1].rpartition("@")[2] or "qa-portal.local"
    return f"<{uuid.uuid4().hex}@{domain}>"


def preference_of(user_id: int) -> MailPreference | None:
    """The user's mail preferences, or None for the defaults (every message at once, nothing opted out)."""
    return db.session.get(MailPreference, user_id)


def render_message(kind_key: str, locale: str, params: dict, link: str, name: str) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of a message in the locale."""
    kind = KINDS[kind_key]
    values = _Params(params)
    with force_locale(locale):
        context = {"name": name, "summary": str(kind.summary) % values, "action": str(kind.action) % values,
                   "due": values["due"], "reference": values["reference"], "link": link,
                   "link_label": str(kind.link_label), "items": params.get("items", ())}
        subject = str(kind.subject) % values
        text = render_template("notifications/mail/message.txt", **context)
        html = render_template("notifications/mail/message.html", subject=subject, **context)
    return subject[:300], text, html


_UNSET = object()


def message_values(kind_key: str, recipient, *, link: str, params: dict | None = None, case=None, case_id=None,
                   dedup_key: str | None = None, check_dedup: bool = True, preference=_UNSET) -> dict | None:
    """The outbox row of one message to one active recipient, rendered in their language (None when they opted out
    of its category, have no active account, or the dedup key was queued already); held for the daily digest when
    they chose one. A batch caller (the reminder pass) passes the preference and dedup check it read for the batch."""
    kind = KINDS[kind_key]
    if recipient is None or not recipient.active or not recipient.email:
        return None
    if not kind.optional:
        preference = None
    elif preference is _UNSET:
        preference = preference_of(recipient.id)
    if preference is not None and kind.category in (preference.opted_out or []):
        return None
    if dedup_key is not None and check_dedup and db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)) is not None:
        return None
    params = dict(params or {})
    if case is not None:
        params.setdefault("reference", case.reference)
        params.setdefault("institution", case.institution.name_en)
    params["due"] = format_due(params.get("due"))
    locale = recipient_locale(recipient)
    subject, text, html = render_message(kind_key, locale, params, link, recipient.full_name)
    held = preference is not None and preference.daily_digest
    now = utcnow()
    return dict(kind=kind_key, recipient_id=recipient.id, to_address=recipient.email, locale=locale,
                case_id=getattr(case, "id", case_id), subject=subject, body_text=text, body_html=html, link=link,
                message_id=new_message_id(), dedup_key=dedup_key, attempts=0, last_error="",
                status=MailStatus.HELD if held else MailStatus.QUEUED, created_at=now, next_attempt_at=now,
                sent_at=None)


def queue_message(kind_key: str, recipient, **fields) -> OutboxMessage | None:
    """Queue one message (message_values' rules) in the caller's transaction; adds to the session, never commits."""
    values = message_values(kind_key, recipient, **fields)
    if values is None:
        return None
    message = OutboxMessage(**values)
    db.session.add(message)
    return message


def queue_for_each(kind_key: str, recipients, **fields) -> list[OutboxMessage]:
    """Queue the message once to each distinct recipient (a person with two roles hears it once); their preferences
    are read in one query, so a call announced to every institution costs no query per person."""
    unique = list({user.id: user for user in recipients if user is not None}.values())
    preferences = {preference.user_id: preference for preference in db.session.scalars(
        select(MailPreference).where(MailPreference.user_id.in_([user.id for user in unique])))} if unique else {}
    queued = []
    for user in unique:
        message = queue_message(kind_key, user, preference=preferences.get(user.id), **fields)
        if message is not None:
            queued.append(message)
    return queued
