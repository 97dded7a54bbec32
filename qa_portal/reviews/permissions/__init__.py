"""Who may see and do what in review cases, by area: cases.py (case, SER, evidence, workflow actions),
panel.py (expert pool, panel, conflicts, scoring, site visit, panel report). Import them from here."""
from qa_portal.reviews.permissions.cases import *  # noqa: F401,F403
from qa_portal.reviews.permissions.panel import *  # noqa: F401,F403
