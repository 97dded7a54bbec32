"""Panel formation and conflicts of interest (SPEC §2.3, ESG 2.4): composition rules, proposals and removals,
conflict detection and declarations, officers' rulings, the institution's objections, and the workflow hooks
for start_review. The only code that changes a panel member's status."""
from qa_portal.reviews.panel.composition import (  # noqa: F401
    ROLE_LABELS, STATUS_LABELS, composition_check, expert_candidates, members_of, on_review_started,
    propose_member, remove_member, start_review_problems,
)
from qa_portal.reviews.panel.conflicts import (  # noqa: F401
    KIND_LABELS, MITIGATED, UPHELD, declare_interests, detect_conflicts, detected_conflicts, raise_objection,
    rule_on_conflict, rule_on_objection,
)
