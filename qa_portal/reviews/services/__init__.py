"""Review-case services by stage: cases (opening), coordination, self_evaluation, evidence, experts (the pool),
panel (formation and conflicts of interest), scoring (desk review), site_visit, report and factual (the panel
report and its factual-accuracy check). Each takes the actor explicitly, flushes and audits; none commits.

Importing the package loads every stage, and each stage registers its guards and effects on the case workflow
(reviews/workflow.py) as it loads, so the table is whole once any service is in use."""
from qa_portal.reviews.services import self_evaluation, ser_pages, evidence, experts, panel  # noqa: F401
from qa_portal.reviews.services import scoring, scoring_pages, site_visit, report, factual  # noqa: F401
from qa_portal.reviews.services import cases, coordination, panel_rules  # noqa: F401
