"""Factory helpers for institutions' specifications: complete_data(), make_specification()."""
import uuid
from datetime import date
from decimal import Decimal

import pytest

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.models import (
    AssessmentType, CertificateType, Institution, LearningMode, ParticipationForm, QfEheaCycle,
    SpecificationVersion, Stackability, Supervision,
)
from qa_portal.pilots.services import specifications as services
from tests.factories import make_user


def esco_uri() -> str:
    """A well-formed ESCO skill URI."""
    return f"http://data.europa.eu/esco/skill/{uuid.uuid4()}"


def complete_data(**overrides) -> dict:
    """The service data of a specification with every element filled in."""
    data = {
        "title_en": "Data literacy for public administration",
        "title_hy": "Տվյալների գրագիտություն պետական կառավարման համար",
        "awarding_bodies": ["Yerevan State University"],
        "issuer_countries": ["AM"],
        "short_description": "Reading, cleaning and presenting public data for evidence-based decisions.",
        "ects": Decimal("6"),
        "ects_override_reason": "",
        "notional_hours": 160,
        "eqf_level": 6,
        "eqf_not_applicable": False,
        "nqf_level": 6,
        "qf_ehea_cycle": QfEheaCycle.FIRST,
        "isced_f_code": "0613",
        "assessment_type": AssessmentType.SKILL_APPLICATION,
        "assessment_details": "A data project on an open government data set.",
        "participation_form": ParticipationForm.BLENDED,
        "supervision": Supervision.SUPERVISED_WITH_ID,
        "grading_scale": "0–20 (pass 8)",
        "certificate_type": CertificateType.ASSESSMENT_BASED,
        "prerequisites": "A first-cycle degree or two years of work in public administration.",
        "stackability": Stackability.STACKABLE,
        "stackable_towards": "MA in Public Administration",
        "learning_mode": LearningMode.PART_TIME,
        "languages": ["hy", "en"],
        "qa_type": "Internal QA of the university; ANQA institutional accreditation; Micro-GEAR pilot review.",
        "further_learning": "Counts towards the MA in Public Administration.",
        "valid_from": date(2026, 9, 1),
        "valid_to": date(2028, 8, 31),
        "outcomes": [
            {"statement": "Clean and document a public data set.", "esco_uris": [esco_uri()]},
            {"statement": "Present findings to decision makers in plain language.", "esco_uris": []},
        ],
    }
    data.update(overrides)
    return data


def incomplete_data(**overrides) -> dict:
    """The service data of a draft with only a title and a short description."""
    data = {"title_en": "Draft micro-credential", "short_description": "Work in progress."}
    data.update(overrides)
    return data


def make_specification(institution: Institution, *, published: bool = False, frozen: bool = False,
                       actor=None, **data) -> SpecificationVersion:
    """A micro-credential with one version, complete unless told otherwise; committed. Publishing is an officer's
    when no actor is given."""
    version = services.create_specification(actor, institution, complete_data(**data))
    if published:
        services.publish_specification_version(actor or make_user(Role.OFFICER), version)
    if frozen:
        services.freeze_specification_version(actor, version)
    db.session.commit()
    return version


@pytest.fixture
def request_ctx(app):
    """A request context for tests that call services directly (messages are translated)."""
    with app.test_request_context():
        yield
