"""reviews at app start: its stage services register their rules on the case workflow (importing them does it), and
it listens to upstream domains — a completed pilot selection opens one case per selected application."""
from qa_portal.pilots.signals import selection_completed
from qa_portal.reviews import services  # noqa: F401  (each stage registers its guards and effects on import)
from qa_portal.reviews.models import ExpertType
from qa_portal.reviews.services.cases import open_case_for_application
from qa_portal.reviews.services.panel_rules import profile_of
from qa_portal.standards.models import StakeholderType
from qa_portal.standards.services import STAKEHOLDER_RESOLVERS

# A consultation comment's stakeholder type from the commenter's expert profile (issue 15).
EXPERT_STAKEHOLDER = {ExpertType.STUDENT: StakeholderType.STUDENT, ExpertType.EMPLOYER: StakeholderType.EMPLOYER}


def expert_stakeholder_type(user) -> StakeholderType | None:
    """A student or employer expert comments as a student or an employer; other accounts are not known here."""
    profile = profile_of(user.id) if getattr(user, "is_authenticated", False) else None
    return EXPERT_STAKEHOLDER.get(profile.expert_type) if profile is not None else None


if expert_stakeholder_type not in STAKEHOLDER_RESOLVERS:
    STAKEHOLDER_RESOLVERS.append(expert_stakeholder_type)


@selection_completed.connect
def open_cases_for_selected_applications(call, actor=None, applications=(), **_extra):
    """Open a review case for every application the completed selection selected."""
    for application in applications:
        open_case_for_application(actor, application)
