"""Labels and look-ups the specification templates share (internal and public pages)."""
from flask_babel import lazy_gettext as _l

from qa_portal.pilots.forms.specifications import (
    ASSESSMENT_LABELS, CERTIFICATE_LABELS, CYCLE_CHOICE_LABELS, LEARNING_MODE_LABELS, PARTICIPATION_LABELS,
    STACKABILITY_LABELS, SUPERVISION_LABELS,
)
from qa_portal.pilots.models import PublicQaStatus
from qa_portal.pilots.models.reference import country_name, isced_name, language_name
from qa_portal.pilots.workflow import SPECIFICATION_STATUS_LABELS as STATUS_LABELS
QA_STATUS_LABELS = {  # keyed by the public status (a StrEnum: the stored QaStatus values look up the same labels)
    PublicQaStatus.NOT_REVIEWED: _l("Not yet reviewed by the agency"),
    PublicQaStatus.UNDER_REVIEW: _l("Under review in the pilot"),
    PublicQaStatus.QUALITY_ASSURED: _l("Quality-assured by the agency"),
    PublicQaStatus.NOT_QUALITY_ASSURED: _l("Not quality-assured (negative decision)"),
    PublicQaStatus.EXPIRED: _l("Quality assurance expired"),
    PublicQaStatus.UNDER_APPEAL: _l("Decision under appeal"),
}


def format_ects(value) -> str:
    """ECTS credits without a trailing .0 (6, 7.5)."""
    if value is None:
        return "—"
    return str(value.normalize()) if value == value.to_integral() else str(value)


def element_context() -> dict:
    """Everything _specification_elements.html needs to turn stored codes into words."""
    return {
        "assessment_labels": ASSESSMENT_LABELS, "certificate_labels": CERTIFICATE_LABELS,
        "cycle_labels": CYCLE_CHOICE_LABELS, "learning_mode_labels": LEARNING_MODE_LABELS,
        "participation_labels": PARTICIPATION_LABELS, "stackability_labels": STACKABILITY_LABELS,
        "supervision_labels": SUPERVISION_LABELS, "status_labels": STATUS_LABELS,
        "qa_status_labels": QA_STATUS_LABELS, "country_name": country_name, "isced_name": isced_name,
        "language_name": language_name, "format_ects": format_ects,
    }
