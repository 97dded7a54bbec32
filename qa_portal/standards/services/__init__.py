"""Standards services (verb_noun(actor, ...): validate, mutate, flush, audit; never commit), by area.

Import them from here: `from qa_portal.standards import services; services.add_standard(...)`."""
from qa_portal.standards.services.consultation import (
    STAKEHOLDER_RESOLVERS, ConsultationClosed, account_stakeholder_type, add_comment, answer_comment,
    ensure_consultation_open, unanswered_comment_counts,
)
from qa_portal.standards.services.content import (
    add_criterion, add_level, add_standard, delete_criterion, delete_level, delete_standard, move_criterion,
    move_level, move_standard, update_criterion, update_level, update_standard,
)
from qa_portal.standards.services.versions import (
    DEFAULT_SCALE, VersionLocked, approve_version, approved_versions, create_standard_set, ensure_editable,
    find_standard_set, latest_version, open_consultation, start_new_version, update_standard_set,
    update_version_details, withdraw_version,
)

__all__ = [
    "DEFAULT_SCALE", "ConsultationClosed", "VersionLocked", "add_comment", "add_criterion", "add_level",
    "add_standard", "answer_comment", "approve_version", "approved_versions", "create_standard_set",
    "delete_criterion", "delete_level", "delete_standard", "ensure_consultation_open", "ensure_editable",
    "find_standard_set",
    "latest_version", "move_criterion", "move_level", "move_standard", "open_consultation", "start_new_version",
    "unanswered_comment_counts", "update_criterion", "update_level", "update_standard", "update_standard_set",
    "update_version_details", "withdraw_version",
]
