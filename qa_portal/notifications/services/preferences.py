"""A user's mail preferences and their private calendar feed token."""
import hashlib
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.auth.models import User
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.notifications.kinds import OPTIONAL_CATEGORIES
from qa_portal.notifications.models import CalendarFeed, MailPreference


def save_mail_preferences(actor, daily_digest: bool, opted_out) -> MailPreference:
    """The user chooses immediate mail or a daily digest and the optional categories they do not want (account and
    security mail is not among them)."""
    opted_out = sorted(set(opted_out or []))
    unknown = [category for category in opted_out if category not in OPTIONAL_CATEGORIES]
    if unknown:
        raise DomainError(_("Choose categories from the list."), field="opted_out")
    preference = db.session.get(MailPreference, actor.id) or MailPreference(user_id=actor.id)
    preference.daily_digest, preference.opted_out = bool(daily_digest), opted_out
    db.session.add(preference)
    db.session.flush()
    record(actor, "mail.preferences", actor, f"Mail preferences of {actor.email}",
           {"daily_digest": preference.daily_digest, "opted_out": opted_out})
    return preference


def token_digest(token: str) -> str:
    """The SHA-256 of a calendar token: the only form of it the database keeps."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_calendar_token(actor) -> str:
    """A new private calendar address for the user; any earlier one stops working. Only its hash is stored."""
    token = secrets.token_urlsafe(32)
    feed = db.session.get(CalendarFeed, actor.id) or CalendarFeed(user_id=actor.id)
    feed.token_sha256, feed.created_at = token_digest(token), utcnow()
    db.session.add(feed)
    db.session.flush()
    record(actor, "calendar.token_issued", actor, f"New calendar feed address for {actor.email}")
    return token


def revoke_calendar_feed(actor) -> None:
    """The user's calendar address stops working."""
    feed = db.session.get(CalendarFeed, actor.id)
    if feed is None:
        raise DomainError(_("You have no calendar feed to revoke."))
    db.session.delete(feed)
    db.session.flush()
    record(actor, "calendar.token_revoked", actor, f"Calendar feed revoked for {actor.email}")


def user_for_calendar_token(token: str):
    """The active user whose feed this token opens, or None (unknown, revoked or inactive)."""
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_sha256 == token_digest(token)))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    return user if user is not None and user.active else None
