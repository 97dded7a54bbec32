"""A short-lived in-process cache of computed figures: the dashboard and the public figures aggregate the whole
pilot, so a page reloaded within QA_MONITORING_CACHE_SECONDS (default 60; 0 under testing) reuses the figures
instead of running every aggregate again. Keyed by the database and the figure's arguments; bounded in size."""
import time
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app

from qa_portal.extensions import db

MAX_ENTRIES = 256
_entries: dict[Hashable, tuple[float, Any]] = {}


def cache_seconds() -> int:
    """How long a computed figure is reused (0: never)."""
    return current_app.config.get("QA_MONITORING_CACHE_SECONDS", 0 if current_app.testing else 60)


def cached(key: Hashable, compute: Callable[[], Any]) -> Any:
    """compute()'s result, reused for cache_seconds() for the same key on the same database."""
    seconds = cache_seconds()
    if seconds <= 0:
        return compute()
    full_key = (str(db.engine.url), key)
    now = time.monotonic()
    entry = _entries.get(full_key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = compute()
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[full_key] = (now + seconds, value)
    return value
