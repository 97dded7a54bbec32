"""At app start: a published case sends feedback surveys, each standard on the drafting page shows the feedback and
judgements of the reviews so far, and the registry's OpenAPI document describes GET /api/v1/statistics."""
from qa_portal.core.contributions import contribute
from qa_portal.core.workflow import transitioned
from qa_portal.monitoring import openapi
from qa_portal.monitoring.services.feedback import invite_to_survey
from qa_portal.registry.services.openapi import contribute_operations
from qa_portal.reviews.models import Case, CaseState


@transitioned.connect
def send_surveys_on_publication(_workflow, obj=None, target=None, **_extra):
    """When a case is published, its institution and cleared panel members are asked for feedback."""
    if isinstance(obj, Case) and target == CaseState.PUBLISHED:
        invite_to_survey(obj)


contribute("standard_version.standard", "monitoring/_standard_feedback.html", order=50)
contribute_operations(openapi.OPERATIONS, openapi.SCHEMAS)
contribute("consultation_report.more", "monitoring/_report_open_comments.html", order=50)
contribute("public_version.about", "monitoring/_public_consensus.html", order=50)
