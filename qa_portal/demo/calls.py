"""Demo pilot calls: the outcome schemes, an open call with HEI B's draft application, and a closed call
whose applications (HEI A, HEI B) were scored and selected — one selected (its review case open), one reserve."""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from qa_portal.core.models import utcnow
from qa_portal.demo.accounts import demo_user
from qa_portal.extensions import db
from qa_portal.pilots.models import (
    AssessmentType, Call, CallAction, CertificateType, Institution, LearningMode, MicroCredential, OutcomeScheme,
    ParticipationForm, SelectionOutcome, SpecificationStatus, Stackability, Supervision,
)
from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes
from qa_portal.pilots.services import applications as application_services
from qa_portal.pilots.services import calls as call_services
from qa_portal.pilots.services import selection as selection_services
from qa_portal.pilots.services.specifications import create_specification
from qa_portal.pilots.models.specification_rules import MANDATORY_ELEMENTS
from qa_portal.standards.models import StandardVersion, VersionStatus

OPEN_TITLE = "Micro-credential QA pilot 2027 (second round)"
CLOSED_TITLE = "Micro-credential QA pilot 2026"
CRITERIA = [
    call_services.CriterionData("Relevance to the labour market", "Evidence of demand from employers and learners.", 3),
    call_services.CriterionData("Readiness of the quality unit", "Capacity to write a self-evaluation within the pilot.", 2),
    call_services.CriterionData("Completeness of the description", "All Annex I elements described clearly.", 1),
]

FALLBACK_SPECS = {
    "HEI-A": ("Data analysis with Python for public administration", "Տվյալների վերլուծություն Python-ով"),
    "HEI-B": ("Digital footwear design (CAD)", "Կոշկեղենի թվային նախագծում"),
}


def _institution(short_name: str) -> Institution | None:
    return db.session.scalar(select(Institution).where(Institution.short_name == short_name))


def _complete(version) -> bool:
    # Checked element by element: the demo runs from the CLI, where no message may be translated.
    return all(element.present(version) for element in MANDATORY_ELEMENTS)


def _complete_specification(actor, institution: Institution) -> MicroCredential:
    """The institution's first complete, published specification (withdrawn ones never apply); else a demo one."""
    candidates = [
        credential for credential in db.session.scalars(
            select(MicroCredential).where(MicroCredential.institution_id == institution.id).order_by(MicroCredential.id))
        if credential.latest_version.status != SpecificationStatus.WITHDRAWN and _complete(credential.latest_version)
    ]
    candidates.sort(key=lambda credential: credential.latest_published is None)
    if candidates:
        return candidates[0]
    title_en, title_hy = FALLBACK_SPECS.get(institution.short_name, (f"Micro-credential of {institution.name_en}", ""))
    version = create_specification(actor, institution, {
        "title_en": title_en, "title_hy": title_hy, "awarding_bodies": [institution.name_en],
        "issuer_countries": ["AM"], "short_description": "A short, assessed course for working professionals.",
        "ects": Decimal("6.0"), "notional_hours": 160, "eqf_level": 6, "qf_ehea_cycle": "first",
        "isced_f_code": "0613", "assessment_type": AssessmentType.SKILL_APPLICATION.value,
        "participation_form": ParticipationForm.BLENDED.value, "supervision": Supervision.SUPERVISED_WITH_ID.value,
        "grading_scale": "Pass / fail", "certificate_type": CertificateType.ASSESSMENT_BASED.value,
        "stackability": Stackability.STANDALONE.value, "learning_mode": LearningMode.PART_TIME.value,
        "languages": ["hy", "en"], "qa_type": "Internal quality assurance by the university's quality unit.",
        "further_learning": "Credits recognised towards the institution's bachelor programmes.",
        "valid_from": date(2026, 9, 1), "valid_to": date(2028, 8, 31),
        "outcomes": [{"statement": "Plans, carries out and documents a small project in the field.", "esco_uris": []}],
    })
    return version.micro_credential


def _call(title: str) -> Call | None:
    return db.session.scalar(select(Call).where(Call.title == title))


def _new_call(officer, version: StandardVersion, scheme_id: int, title: str, max_pilots: int) -> Call:
    now = utcnow().replace(second=0, microsecond=0)
    return call_services.create_call(officer, call_services.CallData(
        title=title,
        description="The agency invites higher-education institutions to put forward micro-credentials for a "
                    "pilot review against the approved micro-credential QA standards.",
        eligibility="Armenian higher-education institutions with a quality-assurance unit and at least one "
                    "micro-credential that has run once.",
        standard_version_id=version.id, outcome_scheme_id=scheme_id,
        opens_at=now - timedelta(days=7), closes_at=now + timedelta(days=30), max_pilots=max_pilots,
        criteria=CRITERIA,
    ))


def load() -> bool:
    """Create the outcome schemes and the two demo calls once; later runs change nothing."""
    officer = demo_user("officer@example.org")
    created = load_outcome_schemes(officer)
    hei_a_user, hei_b_user = demo_user("hei-a@example.org"), demo_user("hei-b@example.org")
    hei_a, hei_b = _institution("HEI-A"), _institution("HEI-B")
    version = db.session.scalar(select(StandardVersion).where(StandardVersion.status == VersionStatus.APPROVED)
                                .order_by(StandardVersion.id))
    if None in (officer, hei_a_user, hei_b_user, hei_a, hei_b, version) or _call(CLOSED_TITLE) is not None:
        return created
    pilot = db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == "pilot"))
    spec_a, spec_b = _complete_specification(hei_a_user, hei_a), _complete_specification(hei_b_user, hei_b)

    # The closed call: both HEIs applied and submitted, the officer scored, decided and completed the selection.
    closed = _new_call(officer, version, pilot.id, CLOSED_TITLE, max_pilots=1)
    call_services.change_call_status(officer, closed, CallAction.OPEN)
    application_a = application_services.create_application(
        hei_a_user, closed, hei_a, [spec_a.id],
        "Our quality unit has run two internal reviews of short courses and wants to test the new standards.")
    application_services.submit_application(hei_a_user, application_a)
    application_b = application_services.create_application(
        hei_b_user, closed, hei_b, [spec_b.id],
        "We would like external feedback on our first micro-credential before scaling it up.")
    application_services.submit_application(hei_b_user, application_b)
    closed.closes_at = utcnow()  # demo history: the call's closing time has just passed
    call_services.change_call_status(officer, closed, CallAction.CLOSE)
    for application, values in ((application_a, [5, 4, 5]), (application_b, [4, 2, 4])):
        selection_services.score_application(officer, application, {
            criterion.id: (value, "Demo score") for criterion, value in zip(closed.criteria, values)})
    selection_services.decide_selection(
        officer, application_a, SelectionOutcome.SELECTED,
        "Highest weighted score; clear labour-market demand and a quality unit ready to write the self-evaluation.")
    selection_services.decide_selection(
        officer, application_b, SelectionOutcome.RESERVE,
        "A good application; the quality unit needs more time. First on the reserve list if a pilot withdraws.")
    selection_services.complete_selection(officer, closed)

    # The open call: HEI B has started a draft application.
    open_call = _new_call(officer, version, pilot.id, OPEN_TITLE, max_pilots=3)
    call_services.change_call_status(officer, open_call, CallAction.OPEN)
    application_services.create_application(
        hei_b_user, open_call, hei_b, [spec_b.id], "Draft: we want to apply with a revised course.")
    db.session.flush()
    return True
