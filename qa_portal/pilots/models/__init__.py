"""Pilot models, one module per area; import them from here (`from qa_portal.pilots.models import ...`)."""
from qa_portal.pilots.models.institutions import Institution, InstitutionMembership, InstitutionType
from qa_portal.pilots.models.specifications import (
    CYCLE_EQF_LEVEL,
    PUBLIC_SPECIFICATION_STATUSES,
    AssessmentType,
    CertificateType,
    LearningMode,
    LearningOutcome,
    MicroCredential,
    ParticipationForm,
    PublicQaStatus,
    QaStatus,
    QfEheaCycle,
    SpecificationAction,
    SpecificationVersion,
    Stackability,
    Supervision,
    SpecificationStatus,
)
from qa_portal.pilots.models.calls import (  # calls, applications, selection
    Application, ApplicationAction, ApplicationSpecification, ApplicationStatus, Call, CallAction, CallStatus,
    DeqarDecision, Outcome, OutcomeKind, OutcomeScheme, SelectionCriterion, SelectionDecision, SelectionOutcome,
    SelectionScore,
)

__all__ = [
    "CYCLE_EQF_LEVEL",
    "PUBLIC_SPECIFICATION_STATUSES",
    "AssessmentType",
    "CertificateType",
    "Institution",
    "InstitutionMembership",
    "InstitutionType",
    "LearningMode",
    "LearningOutcome",
    "MicroCredential",
    "ParticipationForm",
    "PublicQaStatus",
    "QaStatus",
    "QfEheaCycle",
    "SpecificationAction",
    "SpecificationVersion",
    "Stackability",
    "Supervision",
    "SpecificationStatus",
    # calls, applications, selection
    "Application", "ApplicationAction", "ApplicationSpecification", "ApplicationStatus", "Call", "CallAction",
    "CallStatus", "DeqarDecision",
    "Outcome", "OutcomeKind", "OutcomeScheme", "SelectionCriterion", "SelectionDecision", "SelectionOutcome",
    "SelectionScore",
]
