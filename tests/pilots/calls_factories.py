"""Factory helpers for calls, applications and selection: make_call(status=…), make_application(…)."""
import itertools
from datetime import timedelta

from sqlalchemy import select

from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.pilots.models import (
    Application, ApplicationSpecification, ApplicationStatus, Call, CallStatus, OutcomeScheme,
    SelectionCriterion, SelectionDecision, SelectionOutcome, SelectionScore,
)
from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes
from qa_portal.standards.models import StandardSet, StandardVersion, VersionStatus

_counter = itertools.count(1)


def make_standard_version(status: VersionStatus = VersionStatus.APPROVED) -> StandardVersion:
    """A standard-set version in the given status (approved by default)."""
    n = next(_counter)
    standard_set = StandardSet(code=f"set-{n}", title=f"Standards {n}")
    version = StandardVersion(standard_set=standard_set, number=1, status=status,
                              approved_at=utcnow() if status in (VersionStatus.APPROVED, VersionStatus.SUPERSEDED) else None,
                              superseded_at=utcnow() if status == VersionStatus.SUPERSEDED else None)
    db.session.add(version)
    db.session.commit()
    return version


def pilot_scheme() -> OutcomeScheme:
    """The shipped "Pilot" outcome scheme (loaded on first use)."""
    load_outcome_schemes()
    db.session.commit()
    return db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == "pilot"))


def make_call(status: CallStatus = CallStatus.OPEN, *, max_pilots: int = 2, closes_in: timedelta = timedelta(days=10),
              criteria=(("Relevance", 2), ("Readiness", 1)), version: StandardVersion | None = None,
              title: str | None = None) -> Call:
    """A call in the given status, opened yesterday, with weighted criteria."""
    now = utcnow()
    call = Call(
        title=title or f"Pilot call {next(_counter)}", description="About the pilot.", eligibility="Armenian HEIs.",
        standard_version=version or make_standard_version(), outcome_scheme=pilot_scheme(),
        opens_at=now - timedelta(days=1), closes_at=now + closes_in, max_pilots=max_pilots, status=status,
        opened_at=None if status == CallStatus.DRAFT else now - timedelta(days=1),
        closed_at=now if status in (CallStatus.CLOSED, CallStatus.SELECTION_DONE) else None,
        selection_completed_at=now if status == CallStatus.SELECTION_DONE else None,
    )
    call.criteria = [SelectionCriterion(position=i, name=name, weight=weight) for i, (name, weight) in enumerate(criteria)]
    db.session.add(call)
    db.session.commit()
    return call


def make_application(call: Call, institution, specifications, *, status: ApplicationStatus = ApplicationStatus.DRAFT,
                     motivation: str = "We want to take part.") -> Application:
    """An application; a submitted one links the specifications' latest versions (frozen)."""
    application = Application(call=call, institution=institution, status=status, motivation=motivation)
    if status == ApplicationStatus.SUBMITTED:
        application.submitted_at = utcnow()
    if status == ApplicationStatus.WITHDRAWN:
        application.withdrawn_at, application.withdrawal_reason = utcnow(), "Changed our plans."
    db.session.add(application)
    with db.session.no_autoflush:
        for spec in specifications:
            version = spec.latest_version
            link = ApplicationSpecification(specification_id=spec.id)
            if status == ApplicationStatus.SUBMITTED:
                version.frozen_at = version.frozen_at or utcnow()
                link.specification_version_id = version.id
            application.specification_links.append(link)
    db.session.add(application)
    db.session.commit()
    return application


def make_score(application: Application, officer, values: list[int]) -> None:
    """The officer's scores on the call's criteria, in order."""
    for criterion, value in zip(application.call.criteria, values):
        db.session.add(SelectionScore(application=application, criterion_id=criterion.id, officer_id=officer.id,
                                      score=value, comment=f"Score {value}"))
    db.session.commit()


def make_decision(application: Application, outcome: SelectionOutcome, rationale: str = "Strong case.") -> SelectionDecision:
    """A selection decision on the application."""
    decision = SelectionDecision(application=application, outcome=outcome, rationale=rationale)
    db.session.add(decision)
    db.session.commit()
    return decision




def make_specification(institution, *, complete: bool = True, title: str | None = None):
    """A micro-credential of the institution with one draft version (every mandatory element when complete)."""
    from decimal import Decimal

    from qa_portal.pilots.models import (
        AssessmentType, LearningMode, LearningOutcome, MicroCredential, ParticipationForm, SpecificationVersion,
        Stackability,
    )

    spec = MicroCredential(institution_id=institution.id)
    version = SpecificationVersion(number=1, title_en=title or f"Micro-credential {next(_counter)}")
    if complete:
        version.issuer_countries, version.awarding_bodies = ["AM"], [institution.name_en]
        version.short_description = "A short course."
        version.ects, version.notional_hours, version.eqf_level = Decimal("5.0"), 140, 6
        version.isced_f_code, version.assessment_type = "0613", AssessmentType.TESTING
        version.participation_form, version.learning_mode = ParticipationForm.ONLINE, LearningMode.PART_TIME
        version.stackability, version.qa_type = Stackability.STANDALONE, "Internal QA of the university."
        version.outcomes = [LearningOutcome(position=0, statement="Writes tested Python code.")]
    spec.versions = [version]
    db.session.add(spec)
    db.session.commit()
    return spec
