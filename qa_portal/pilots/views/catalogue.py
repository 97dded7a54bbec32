"""Pilot pages: catalogue."""
from qa_portal.pilots.views import bp  # noqa: F401
