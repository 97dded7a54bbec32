"""The panel's recommendation as the council reads it first: a helper the council's decision page (decisions, a
downstream package) includes through reviews/report/_recommendation.html."""
from qa_portal.reviews.services.report import decision_rule_breaches
from qa_portal.reviews.views import bp


@bp.app_context_processor
def recommendation_helpers() -> dict:
    """`panel_rule_breaches(case)`: the mandatory criteria the consensus found non-compliant (the decision rule's
    check), asked for only when the recommendation card renders."""
    return {"panel_rule_breaches": decision_rule_breaches}
