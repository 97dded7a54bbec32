"""Offerings: every validation rule, with its message at the field, and the lock on a reporting year."""
from datetime import timedelta
from decimal import Decimal

import pytest

from qa_portal.auth.models import Role
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.monitoring.models import LockedPeriod, Offering
from qa_portal.monitoring.services.offerings import (
    OfferingRefused, lock_period, offering_problems, record_offering, update_offering,
)
from tests.factories import login, make_institution, make_user
from tests.monitoring.factories import make_offering, offering_data, published_credential
from tests.pilots.factories import make_specification, request_ctx  # noqa: F401


def fields_of(data) -> dict:
    return dict(offering_problems(data))


def test_valid_offering_has_no_problem(request_ctx):
    """An offering whose counts, bands, dates and satisfaction agree breaks no rule."""
    assert offering_problems(offering_data(satisfaction_mean=Decimal("4.2"), satisfaction_respondents=10,
                                           employed_after=12, promoted_after=3, continued_study_after=2)) == []


def test_offering_completed_cannot_exceed_enrolled(request_ctx):
    """Completed ≤ enrolled."""
    assert "Completed (21) cannot exceed enrolled (20)." in fields_of(offering_data(completed=21))["completed"]


@pytest.mark.parametrize("field, value, label", [("age_under_25", 6, "age"), ("gender_female", 10, "gender"),
                                                 ("prior_secondary", 5, "prior education")])
def test_offering_each_band_group_sums_to_enrolled(request_ctx, field, value, label):
    """Age, gender and prior-education bands each add up to enrolled; the message gives both numbers."""
    message = fields_of(offering_data(**{field: value}))[field]
    assert f"The {label} bands add up to" in message and "but 20 learners enrolled" in message


def test_offering_cannot_end_before_it_starts(request_ctx):
    """Dates in order: ends_on ≥ starts_on."""
    data = offering_data()
    data.ends_on = data.starts_on - timedelta(days=1)
    assert "cannot end" in fields_of(data)["ends_on"]


def test_offering_counts_are_not_negative(request_ctx):
    """A negative count is refused at its field."""
    assert fields_of(offering_data(enrolled=-1))["enrolled"] == "A count cannot be negative."


def test_offering_employed_at_enrolment_within_enrolled(request_ctx):
    """Employed at enrolment ≤ enrolled."""
    assert "employed_at_enrolment" in fields_of(offering_data(employed_at_enrolment=21))


@pytest.mark.parametrize("overrides, field", [
    ({"satisfaction_mean": Decimal("5.5"), "satisfaction_respondents": 4}, "satisfaction_mean"),
    ({"satisfaction_mean": Decimal("0.5"), "satisfaction_respondents": 4}, "satisfaction_mean"),
    ({"satisfaction_mean": Decimal("4"), "satisfaction_respondents": 0}, "satisfaction_respondents"),
    ({"satisfaction_mean": None, "satisfaction_respondents": 4}, "satisfaction_mean"),
    ({"satisfaction_mean": Decimal("4"), "satisfaction_respondents": 21}, "satisfaction_respondents"),
])
def test_offering_satisfaction_is_a_1_to_5_mean_of_its_respondents(request_ctx, overrides, field):
    """Satisfaction: a 1–5 mean goes with a number of respondents (≤ enrolled), and the other way round."""
    assert field in fields_of(offering_data(**overrides))


def test_offering_outcomes_within_completed(request_ctx):
    """Employed, promoted and in further study six months after are each ≤ completed."""
    problems = fields_of(offering_data(employed_after=17, promoted_after=16, continued_study_after=20))
    assert set(problems) == {"employed_after", "continued_study_after"}
    assert "only 16 completed" in problems["employed_after"]


def test_offering_outcomes_wait_six_months_after_the_end(request_ctx):
    """Outcomes six months after completion cannot be recorded earlier."""
    ended = utcnow().date() - timedelta(days=30)
    problems = fields_of(offering_data(starts_on=ended - timedelta(days=30), ends_on=ended, employed_after=3))
    assert "can be recorded from" in problems["employed_after"]


def test_record_offering_refuses_and_lists_every_problem(request_ctx):
    """The service refuses an offering with broken rules and saves nothing."""
    version = published_credential()
    officer = make_user(Role.OFFICER)
    with pytest.raises(OfferingRefused) as refused:
        record_offering(officer, version.micro_credential, offering_data(completed=30, gender_male=0))
    assert {field for field, _message in refused.value.problems} == {"completed", "gender_female"}
    db.session.rollback()
    assert db.session.query(Offering).count() == 0


def test_record_offering_needs_a_published_micro_credential(request_ctx):
    """A draft micro-credential has no offerings."""
    draft = make_specification(make_institution())
    with pytest.raises(OfferingRefused):
        record_offering(make_user(Role.OFFICER), draft.micro_credential, offering_data())


def test_locked_year_refuses_new_and_changed_offerings(request_ctx):
    """Once the agency locks a year, its offerings can no longer be added or changed."""
    version = published_credential()
    officer = make_user(Role.OFFICER)
    offering = make_offering(version)
    lock_period(officer, offering.period)
    db.session.commit()
    with pytest.raises(OfferingRefused, match="locked"):
        record_offering(officer, version.micro_credential, offering_data())
    with pytest.raises(OfferingRefused, match="locked"):
        update_offering(officer, offering, offering_data(completed=10))


def test_only_officers_lock_a_year(request_ctx):
    """An HEI user cannot lock a reporting year."""
    with pytest.raises(DomainError):
        lock_period(make_user(Role.HEI), 2025)


def test_offering_form_shows_the_message_at_the_field_and_keeps_the_input(client):
    """A broken rule re-renders the form with 400, the message at its field and the user's numbers kept."""
    version = published_credential()
    hei = make_user(Role.HEI, institution=version.micro_credential.institution)
    login(client, hei)
    data = offering_data(completed=25)
    form = {name: getattr(data, name) for name in vars(data) if name != "extra"}
    form = {key: ("" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value))
            for key, value in form.items()}
    form["mode"] = data.mode.value
    form["micro_credential_id"] = version.micro_credential_id
    response = client.post("/monitoring/offerings/new", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Completed (25) cannot exceed enrolled (20)." in page and 'value="25"' in page
    form["completed"] = 16
    assert client.post("/monitoring/offerings/new", data=form).status_code == 302
    assert db.session.query(Offering).count() == 1


def test_hei_user_cannot_edit_another_institutions_offering(client):
    """An institution edits only its own offerings."""
    offering = make_offering(published_credential())
    login(client, make_user(Role.HEI, institution=make_institution()))
    assert client.get(f"/monitoring/offerings/{offering.id}/edit").status_code == 403


def test_officer_locks_and_unlocks_a_year_on_the_page(client):
    """The officer's lock form locks a year; unlocking reopens it."""
    login(client, make_user(Role.OFFICER))
    assert client.post("/monitoring/periods", data={"year": 2025}).status_code == 302
    period = db.session.query(LockedPeriod).one()
    assert period.year == 2025
    assert client.post("/monitoring/periods", data={"year": 2025}).status_code == 409
    assert client.post(f"/monitoring/periods/{period.id}/unlock").status_code == 302
    assert db.session.query(LockedPeriod).count() == 0


def test_officer_corrects_an_offering_on_its_page(client):
    """The edit page shows the offering's numbers; a correction is saved; in a locked year it is refused at the
    start date (400)."""
    offering = make_offering(published_credential())
    login(client, make_user(Role.OFFICER))
    page = client.get(f"/monitoring/offerings/{offering.id}/edit").get_data(as_text=True)
    assert 'name="enrolled"' in page and 'value="20"' in page and 'name="micro_credential_id"' not in page
    data = offering_data(completed=12)
    form = {name: getattr(data, name) for name in vars(data) if name != "extra"}
    form = {key: ("" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value))
            for key, value in form.items()}
    form["mode"] = data.mode.value
    assert client.post(f"/monitoring/offerings/{offering.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Offering, offering.id).completed == 12
    db.session.add(LockedPeriod(year=offering.period))
    db.session.commit()
    refused = client.post(f"/monitoring/offerings/{offering.id}/edit", data=form)
    assert refused.status_code == 400 and "locked" in refused.get_data(as_text=True)
