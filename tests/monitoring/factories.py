"""Factories for monitoring tests: a published micro-credential of an institution, valid offering data (every band
summing to enrolled), a recorded offering, and the CSV text of offering rows."""
from datetime import date, timedelta

from qa_portal.core.csv_export import csv_text
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.monitoring.models import Offering, OfferingMode
from qa_portal.monitoring.services.offering_csv import TEMPLATE_COLUMNS
from qa_portal.monitoring.services.offering_totals import refresh_offering_totals
from qa_portal.monitoring.services.offerings import OFFERING_FIELDS, OfferingData
from tests.factories import make_institution
from tests.pilots.factories import make_specification


def published_credential(institution=None, **data):
    """A micro-credential with one published version (returns the version)."""
    return make_specification(institution or make_institution(), published=True, **data)


def offering_data(**overrides) -> OfferingData:
    """An offering of 20 learners, 16 completed, ended over a year ago, every band adding up to 20."""
    ended = utcnow().date() - timedelta(days=400)
    values = dict(starts_on=ended - timedelta(days=60), ends_on=ended, mode=OfferingMode.BLENDED, enrolled=20,
                  completed=16, age_under_25=5, age_25_34=8, age_35_49=5, age_50_plus=2, gender_female=11,
                  gender_male=8, gender_other=1, employed_at_enrolment=12, prior_secondary=4, prior_bachelor=12,
                  prior_master=4, satisfaction_mean=None, satisfaction_respondents=0, employed_after=None,
                  promoted_after=None, continued_study_after=None)
    values.update(overrides)
    return OfferingData(**values)


def make_offering(version, **overrides) -> Offering:
    """A recorded offering of the version (committed, its version's totals refreshed), bypassing the service's rules
    (for figure fixtures)."""
    data = offering_data(**overrides)
    offering = Offering(institution_id=version.micro_credential.institution_id, specification_version_id=version.id,
                        **{name: getattr(data, name) for name in OFFERING_FIELDS})
    db.session.add(offering)
    refresh_offering_totals([version.id])
    db.session.commit()
    return offering


def csv_row(credential_id: int, **overrides) -> list:
    """One CSV row in the template's column order."""
    data = offering_data(**overrides)
    values = {"micro_credential_id": credential_id, **{name: getattr(data, name) for name in OFFERING_FIELDS}}
    values["mode"] = values["mode"].value if hasattr(values["mode"], "value") else values["mode"]
    return ["" if values[column] is None else (values[column].isoformat() if isinstance(values[column], date)
                                               else values[column]) for column in TEMPLATE_COLUMNS]


def offerings_csv(rows: list[list], header=TEMPLATE_COLUMNS) -> bytes:
    """A whole CSV file of rows under the template's (or another) header, as uploaded bytes."""
    return csv_text(header, rows).encode()
