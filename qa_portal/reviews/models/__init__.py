"""Review-case models by stage: cases.py (case, timeline, SER, evidence), experts.py (expert pool),
panel.py (panel, conflicts of interest, objections), scoring.py (judgements, consensus, site visit),
report.py (panel report, versions, factual-accuracy comments). Import them from here."""
from qa_portal.reviews.models.cases import *  # noqa: F401,F403
from qa_portal.reviews.models.experts import *  # noqa: F401,F403
from qa_portal.reviews.models.panel import *  # noqa: F401,F403
from qa_portal.reviews.models.scoring import *  # noqa: F401,F403
from qa_portal.reviews.models.report import *  # noqa: F401,F403
