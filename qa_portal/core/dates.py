"""Dates and times in one unambiguous, localised style: "2 Dec 2026" and "2 Dec 2026, 14:30 (Armenia Time)".

Every datetime column stores naive UTC (core.models.utcnow); pages, PDFs and messages show it in the agency's time
zone, QA_TIMEZONE (default Asia/Yerevan), with the month as a word so no reader swaps day and month. A due date is
a date: it is stored as the last minute of that day in the agency's zone (`end_of_day`), shown as the day alone,
and kept as set when a form saves the same day again (`keep_or_end_of_day`).
"""
from datetime import date, datetime, time, timezone

from babel.dates import format_date, format_datetime, get_timezone, get_timezone_name
from flask import Flask, current_app, has_app_context
from flask_babel import get_locale

DATE_PATTERN = "d MMM y"  # 2 Dec 2026 / 2 դեկ 2026
TIME_PATTERN = "HH:mm"
DEFAULT_TIMEZONE = "Asia/Yerevan"


def agency_zone():
    """The agency's time zone (QA_TIMEZONE), in which every date and time is read."""
    name = current_app.config.get("QA_TIMEZONE", DEFAULT_TIMEZONE) if has_app_context() else DEFAULT_TIMEZONE
    return get_timezone(name or DEFAULT_TIMEZONE)


def _locale():
    return str(get_locale() or "en") if has_app_context() else "en"


def local_moment(value: datetime) -> datetime:
    """A stored (naive UTC or aware) datetime as an aware datetime in the agency's zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(agency_zone())


def agency_date(value: date | datetime | None) -> date | None:
    """The calendar day a stored datetime falls on in the agency's zone (a date stays as it is)."""
    if value is None or not isinstance(value, datetime):
        return value
    return local_moment(value).date()


def from_agency_time(value: datetime) -> datetime:
    """A naive date and time as read on a clock in the agency's zone, as the naive UTC a column stores."""
    zone = agency_zone()
    local = zone.localize(value) if hasattr(zone, "localize") else value.replace(tzinfo=zone)  # pytz or zoneinfo
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def end_of_day(day: date) -> datetime:
    """The last minute of the day in the agency's zone, as the naive UTC a due-date column stores."""
    return from_agency_time(datetime.combine(day, time(23, 59)))


def keep_or_end_of_day(current: datetime | None, day: date | None) -> datetime | None:
    """A due datetime for the chosen day: the current one when it already falls on that day (saving a form again
    never moves a deadline), else the end of that day in the agency's zone; None clears it."""
    if day is None:
        return None
    if current is not None and agency_date(current) == day:
        return current
    return end_of_day(day)


def zone_name() -> str:
    """The agency's zone in the reader's language ("Armenia Time"), named wherever a time matters."""
    return get_timezone_name(agency_zone(), "long", locale=_locale())


def format_day(value: date | datetime | None) -> str:
    """ "2 Dec 2026": a date, or the agency-zone day of a datetime; empty for None."""
    if value is None:
        return ""
    return format_date(agency_date(value), DATE_PATTERN, locale=_locale())


def format_moment(value: datetime | date | None, zone: bool = True) -> str:
    """ "2 Dec 2026, 14:30 (Armenia Time)" in the agency's zone (zone=False leaves the zone's name out, for lists
    whose heading names it); a plain date is shown as a day."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return format_day(value)
    text = format_datetime(local_moment(value), f"{DATE_PATTERN}, {TIME_PATTERN}", locale=_locale())
    return f"{text} ({zone_name()})" if zone else text


def register_date_filters(app: Flask) -> None:
    """`|date` and `|datetime` for templates; flask-babel's own date filters answer in the same style, so a page
    written with them still reads the same."""
    app.jinja_env.filters.update(
        date=format_day, datetime=format_moment,
        dateformat=lambda value, _format=None: format_day(value),
        datetimeformat=lambda value, _format=None: format_moment(value),
    )
    app.jinja_env.globals.update(agency_zone_name=zone_name)
