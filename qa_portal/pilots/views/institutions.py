"""Pilot pages: institutions."""
from qa_portal.pilots.views import bp  # noqa: F401
