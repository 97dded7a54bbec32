"""Who may declare, decide, publish and read decisions; the public register needs no permission (published only)."""
from qa_portal.auth.models import Role
from qa_portal.pilots.permissions import is_hei_member, is_officer
from qa_portal.reviews.models import CaseState

__all__ = ["is_council_member", "can_list_council_cases", "can_view_case_decision", "can_declare_council_interests",
           "can_decide_on_case", "can_publish_decisions"]


def is_council_member(user) -> bool:
    """A signed-in member of the decision council."""
    return bool(user.is_authenticated and user.has_role(Role.COUNCIL))


def can_list_council_cases(user) -> bool:
    """Council members and officers see the cases awaiting a decision."""
    return is_council_member(user) or is_officer(user)


def can_view_case_decision(user, case) -> bool:
    """Council members and officers read a case's decision page (with its final report); the institution's
    users read it once a decision is recorded."""
    if is_council_member(user) or is_officer(user):
        return True
    return case.state != CaseState.DECISION_PENDING and is_hei_member(user, case.institution_id)


def can_declare_council_interests(user, case) -> bool:
    """Council members declare their interests on a case while it awaits its decision."""
    return is_council_member(user) and case.state == CaseState.DECISION_PENDING


def can_decide_on_case(user, case) -> bool:
    """Council members open the decision form while the case awaits its decision (the rules say who may sign)."""
    return is_council_member(user) and case.state == CaseState.DECISION_PENDING


def can_publish_decisions(user) -> bool:
    """Officers publish decided cases."""
    return is_officer(user)


__all__ += ["can_manage_outcome_schemes", "can_view_outcome_schemes"]


def can_manage_outcome_schemes(user) -> bool:
    """Administrators create, edit, reorder and copy outcome schemes."""
    return bool(user.is_authenticated and user.has_role(Role.ADMIN))


def can_view_outcome_schemes(user) -> bool:
    """Administrators and officers read the outcome schemes and what uses them."""
    return can_manage_outcome_schemes(user) or is_officer(user)
