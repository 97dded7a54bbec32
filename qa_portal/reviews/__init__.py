"""Review cases: opened when a pilot selection completes; later the SER, panel and report stages.

Importing the package connects its signal receivers (subscribers), so the app always hears
pilots' `selection_completed` once create_app() has imported reviews.models."""
from qa_portal.reviews import subscribers  # noqa: F401
