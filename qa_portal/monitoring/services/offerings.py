"""Recording offerings (cohorts) of published micro-credentials: every rule of the counts, dates and satisfaction
checked in one place for the form and the CSV import, and the agency's lock on a reporting year."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.monitoring.models import (
    AGE_BANDS, GENDER_BANDS, OUTCOME_COUNTS, PRIOR_EDUCATION_BANDS, LockedPeriod, Offering, OfferingMode,
)
from qa_portal.monitoring.permissions import can_lock_periods, can_record_offerings
from qa_portal.monitoring.services.offering_totals import refresh_offering_totals
from qa_portal.pilots.models import MicroCredential, SpecificationStatus, SpecificationVersion

COUNT_FIELDS = ("enrolled", "completed", *AGE_BANDS, *GENDER_BANDS, "employed_at_enrolment", *PRIOR_EDUCATION_BANDS,
                "satisfaction_respondents")
OFFERING_FIELDS = ("starts_on", "ends_on", "mode", *COUNT_FIELDS, "satisfaction_mean", *OUTCOME_COUNTS)
OUTCOME_DELAY = timedelta(days=183)  # outcomes are counted six months after the offering ends


class OfferingRefused(DomainError):
    """An offering broke one or more rules; `problems` lists (field, message) pairs, HTTP 400."""

    status_code = 400

    def __init__(self, problems: list[tuple[str | None, str]]):
        super().__init__(" ".join(message for _field, message in problems), field=problems[0][0])
        self.problems = problems


@dataclass
class OfferingData:
    """The values of one offering as the form or a CSV row gives them (already parsed to dates and numbers)."""

    starts_on: date
    ends_on: date
    mode: OfferingMode
    enrolled: int
    completed: int
    age_under_25: int = 0
    age_25_34: int = 0
    age_35_49: int = 0
    age_50_plus: int = 0
    gender_female: int = 0
    gender_male: int = 0
    gender_other: int = 0
    employed_at_enrolment: int = 0
    prior_secondary: int = 0
    prior_bachelor: int = 0
    prior_master: int = 0
    satisfaction_mean: Decimal | None = None
    satisfaction_respondents: int = 0
    employed_after: int | None = None
    promoted_after: int | None = None
    continued_study_after: int | None = None
    extra: dict = field(default_factory=dict)


def _band_problem(data: OfferingData, bands: tuple[str, ...], label: str) -> tuple[str, str] | None:
    total = sum(getattr(data, name) or 0 for name in bands)
    if total == data.enrolled:
        return None
    return bands[0], _("The %(group)s bands add up to %(total)s, but %(enrolled)s learners enrolled: each enrolled "
                       "learner is counted in exactly one band.", group=label, total=total, enrolled=data.enrolled)


def offering_problems(data: OfferingData, today: date | None = None) -> list[tuple[str, str]]:
    """Every rule the offering breaks, as (field, message): counts not negative, completed ≤ enrolled, each group of
    bands sums to enrolled, dates in order, satisfaction 1–5 with respondents, outcomes ≤ completed and not before
    six months after the end."""
    today = today or utcnow().date()
    problems: list[tuple[str, str]] = []
    for name in COUNT_FIELDS + OUTCOME_COUNTS:
        value = getattr(data, name)
        if value is not None and value < 0:
            problems.append((name, _("A count cannot be negative.")))
    if problems:
        return problems
    if data.ends_on < data.starts_on:
        problems.append(("ends_on", _("The offering cannot end (%(end)s) before it starts (%(start)s).",
                                      end=data.ends_on.isoformat(), start=data.starts_on.isoformat())))
    if data.completed > data.enrolled:
        problems.append(("completed", _("Completed (%(completed)s) cannot exceed enrolled (%(enrolled)s).",
                                        completed=data.completed, enrolled=data.enrolled)))
    for bands, label in ((AGE_BANDS, _("age")), (GENDER_BANDS, _("gender")),
                         (PRIOR_EDUCATION_BANDS, _("prior education"))):
        problem = _band_problem(data, bands, label)
        if problem:
            problems.append(problem)
    if data.employed_at_enrolment > data.enrolled:
        problems.append(("employed_at_enrolment", _("Employed at enrolment (%(count)s) cannot exceed enrolled "
                                                     "(%(enrolled)s).", count=data.employed_at_enrolment,
                                                     enrolled=data.enrolled)))
    problems.extend(_satisfaction_problems(data))
    problems.extend(_outcome_problems(data, today))
    return problems


def _satisfaction_problems(data: OfferingData) -> list[tuple[str, str]]:
    if data.satisfaction_respondents > data.enrolled:
        return [("satisfaction_respondents", _("Respondents (%(count)s) cannot exceed enrolled (%(enrolled)s).",
                                               count=data.satisfaction_respondents, enrolled=data.enrolled))]
    if data.satisfaction_mean is None:
        if data.satisfaction_respondents:
            return [("satisfaction_mean", _("Give the mean satisfaction of the %(count)s respondents.",
                                            count=data.satisfaction_respondents))]
        return []
    if not Decimal(1) <= data.satisfaction_mean <= Decimal(5):
        return [("satisfaction_mean", _("Mean satisfaction is on a 1–5 scale."))]
    if data.satisfaction_respondents == 0:
        return [("satisfaction_respondents", _("A mean satisfaction needs the number of learners who answered."))]
    return []


def _outcome_problems(data: OfferingData, today: date) -> list[tuple[str, str]]:
    given = [name for name in OUTCOME_COUNTS if getattr(data, name) is not None]
    if not given:
        return []
    due = data.ends_on + OUTCOME_DELAY
    if today < due:
        return [(given[0], _("Outcomes six months after completion can be recorded from %(date)s.",
                             date=due.isoformat()))]
    return [(name, _("%(count)s learners cannot be counted here: only %(completed)s completed.",
                     count=getattr(data, name), completed=data.completed))
            for name in given if getattr(data, name) > data.completed]


def is_period_locked(year: int) -> bool:
    """Whether the agency has locked this reporting year."""
    return db.session.scalar(select(LockedPeriod.id).where(LockedPeriod.year == year)) is not None


def published_version_of(credential: MicroCredential) -> SpecificationVersion | None:
    """The newest published version of a micro-credential (the one an offering is recorded against)."""
    return db.session.scalar(select(SpecificationVersion).where(
        SpecificationVersion.micro_credential_id == credential.id,
        SpecificationVersion.status == SpecificationStatus.PUBLISHED,
    ).order_by(SpecificationVersion.number.desc()).limit(1))


def _check_open(data: OfferingData, offering: Offering | None = None) -> None:
    for year in {data.starts_on.year, *([offering.period] if offering else [])}:
        if is_period_locked(year):
            raise OfferingRefused([("starts_on", _("The agency has locked %(year)s: its offerings can no longer be "
                                                   "changed.", year=year))])


def _apply(offering: Offering, data: OfferingData) -> None:
    for name in OFFERING_FIELDS:
        setattr(offering, name, getattr(data, name))


def build_offering(actor, credential: MicroCredential, data: OfferingData) -> Offering:
    """Validate and add (not flush) one offering of the credential's newest published version."""
    if not can_record_offerings(actor, credential.institution_id):
        raise DomainError(_("Only the institution's quality unit or an officer records its offerings."))
    version = published_version_of(credential)
    if version is None:
        raise OfferingRefused([(None, _("Only a published micro-credential has offerings."))])
    problems = offering_problems(data)
    if problems:
        raise OfferingRefused(problems)
    _check_open(data)
    offering = Offering(institution_id=credential.institution_id, specification_version_id=version.id,
                        created_by_id=getattr(actor, "id", None))
    _apply(offering, data)
    db.session.add(offering)
    return offering


def record_offering(actor, credential: MicroCredential, data: OfferingData) -> Offering:
    """Record one offering of a published micro-credential, refusing any broken rule or a locked period."""
    offering = build_offering(actor, credential, data)
    refresh_offering_totals([offering.specification_version_id])
    record(actor, "monitoring.record_offering", offering, f"Offering of micro-credential {credential.id} "
           f"from {data.starts_on.isoformat()}: {data.enrolled} enrolled, {data.completed} completed")
    return offering


def update_offering(actor, offering: Offering, data: OfferingData) -> Offering:
    """Change an offering's figures while its period (old and new) is open."""
    if not can_record_offerings(actor, offering.institution_id):
        raise DomainError(_("Only the institution's quality unit or an officer records its offerings."))
    problems = offering_problems(data)
    if problems:
        raise OfferingRefused(problems)
    _check_open(data, offering)
    _apply(offering, data)
    refresh_offering_totals([offering.specification_version_id])
    record(actor, "monitoring.update_offering", offering, f"Offering {offering.id} changed")
    return offering


def delete_offering(actor, offering: Offering) -> None:
    """Remove an offering recorded by mistake while its period is open."""
    if not can_record_offerings(actor, offering.institution_id):
        raise DomainError(_("Only the institution's quality unit or an officer records its offerings."))
    if is_period_locked(offering.period):
        raise DomainError(_("The agency has locked %(year)s: its offerings can no longer be changed.",
                            year=offering.period))
    record(actor, "monitoring.delete_offering", offering, f"Offering {offering.id} removed")
    db.session.delete(offering)
    refresh_offering_totals([offering.specification_version_id])


def lock_period(actor, year: int) -> LockedPeriod:
    """Lock a reporting year: from now on its offerings are final (officers only)."""
    if not can_lock_periods(actor):
        raise DomainError(_("Only an officer locks a reporting period."), field="year")
    if is_period_locked(year):
        raise DomainError(_("%(year)s is already locked.", year=year), field="year")
    period = LockedPeriod(year=year, locked_by_id=actor.id)
    db.session.add(period)
    db.session.flush()
    record(actor, "monitoring.lock_period", period, f"Reporting year {year} locked")
    return period


def unlock_period(actor, period: LockedPeriod) -> None:
    """Reopen a locked year so corrections can be made (officers only, audited)."""
    if not can_lock_periods(actor):
        raise DomainError(_("Only an officer unlocks a reporting period."))
    record(actor, "monitoring.unlock_period", period, f"Reporting year {period.year} unlocked")
    db.session.delete(period)
    db.session.flush()
