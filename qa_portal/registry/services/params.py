"""Parsing of the API's query parameters: each bad value raises ApiError 400 naming the parameter."""
from datetime import date, datetime, timezone

from flask import request

from qa_portal.core.input_checks import MAX_ID, parse_id
from qa_portal.registry.services.errors import ApiError

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def _whole_number(raw: str, maximum: int) -> int | None:
    """raw as an integer from 1 to maximum written in ASCII digits only (no sign, space or other script's digits)."""
    return parse_id(raw, maximum) if raw == raw.strip() else None


def reject_unknown(allowed: set[str]) -> None:
    """Refuse parameters the route does not know, so a misspelt filter never silently returns everything."""
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise ApiError(400, "unknown_parameter", f"Unknown query parameter: {', '.join(unknown)}.",
                       {"parameters": unknown, "allowed": sorted(allowed)})


def limit_param() -> int:
    """`limit`: an integer from 1 to 500, default 100."""
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    value = _whole_number(raw, MAX_LIMIT)
    if value is None:
        raise ApiError(400, "invalid_limit", f"limit must be an integer from 1 to {MAX_LIMIT}.",
                       {"parameter": "limit", "value": raw})
    return value


def date_param(name: str) -> date | None:
    """An ISO date (YYYY-MM-DD) parameter, or None when absent."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "invalid_date", f"{name} must be a date as YYYY-MM-DD.",
                       {"parameter": name, "value": raw}) from None


def datetime_param(name: str) -> datetime | None:
    """An ISO 8601 date-time parameter (a date alone means its midnight), as naive UTC, or None when absent."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, "invalid_datetime", f"{name} must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z.",
                       {"parameter": name, "value": raw}) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def int_param(name: str) -> int | None:
    """A positive integer id parameter, or None when absent."""
    raw = request.args.get(name)
    if raw is None:
        return None
    value = _whole_number(raw, MAX_ID)
    if value is None:
        raise ApiError(400, "invalid_integer", f"{name} must be a positive integer no larger than {MAX_ID}.",
                       {"parameter": name, "value": raw})
    return value


def text_param(name: str, max_length: int = 200) -> str | None:
    """A free-text parameter, stripped; None when absent or blank."""
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return None
    if len(raw) > max_length:
        raise ApiError(400, "invalid_text", f"{name} must be at most {max_length} characters.",
                       {"parameter": name})
    return raw.strip()


def choice_param(name: str, choices: set[str]) -> str | None:
    """A parameter that must be one of choices, or None when absent."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if raw not in choices:
        raise ApiError(400, "invalid_choice", f"{name} must be one of: {', '.join(sorted(choices))}.",
                       {"parameter": name, "value": raw, "allowed": sorted(choices)})
    return raw
