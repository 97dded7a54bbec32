"""The OpenAPI description of GET /api/v1/statistics, contributed to the registry's document."""
from flask_babel import lazy_gettext as _l

from qa_portal.registry.services.openapi import Operation
from qa_portal.registry.services.openapi_schemas import array, integer, nullable, obj, ref, string

NUMBER = {"type": "number", "minimum": 0}

OUTCOME_COUNT = obj({
    "code": string("The outcome's code in its scheme."), "label_en": string(), "label_hy": string(),
    "kind": string(enum=["positive", "conditional", "negative"]), "count": integer(minimum=1),
}, "How many published decisions in force have this outcome.")

STATISTICS = obj({
    "institutions": integer("Institutions with a review case.", minimum=0),
    "micro_credentials_reviewed": integer("Micro-credentials covered by a case with a published decision.", minimum=0),
    "decisions_published": integer("Published decisions in force.", minimum=0),
    "outcome_mix": array(ref("OutcomeCount")),
    "offerings": integer("Offerings (cohorts) recorded by institutions.", minimum=0),
    "enrolled": integer("Learners enrolled in those offerings.", minimum=0),
    "completed": integer("Learners who completed them.", minimum=0),
    "completion_rate": nullable({**NUMBER, "maximum": 100, "description": "Completed as a percentage of enrolled."}),
    "median_review_days": nullable({**NUMBER, "description": "Median days from a case's opening to its first "
                                                             "published decision."}),
}, "The pilot's aggregate figures (never a person's data).")

OPERATIONS = {
    "monitoring.api.statistics": Operation(
        _l("The pilot's statistics"),
        _l("Aggregate figures of the pilot: institutions, micro-credentials reviewed, the outcome mix, learners "
           "enrolled and completed, the completion rate and the median review duration."),
        "Statistics", "Statistics"),
}

SCHEMAS = {"OutcomeCount": OUTCOME_COUNT, "Statistics": STATISTICS}
