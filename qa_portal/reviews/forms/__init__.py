"""Review-case forms by area (cases.py: case, SER, evidence, actions; one module per panel stage)."""
from qa_portal.reviews.forms.cases import *  # noqa: F401,F403
from qa_portal.reviews.forms.experts import *  # noqa: F401,F403
from qa_portal.reviews.forms.scoring import *  # noqa: F401,F403
from qa_portal.reviews.forms.panel import *  # noqa: F401,F403
from qa_portal.reviews.forms.report import *  # noqa: F401,F403
