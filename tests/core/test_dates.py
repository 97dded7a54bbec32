"""Dates read one way everywhere: "2 Dec 2026", and "2 Dec 2026, 14:30" in the agency's zone with the zone named;
a due date is a day, kept as set when a form saves the same day again."""
from datetime import date, datetime

from flask import render_template_string

from qa_portal.auth.models import Role
from qa_portal.core.dates import agency_date, end_of_day, format_day, format_moment, keep_or_end_of_day
from qa_portal.extensions import db
from tests.factories import login, make_user
from tests.reviews.factories import make_case


def test_a_day_names_its_month_so_no_reader_swaps_day_and_month(app):
    with app.test_request_context():
        assert format_day(date(2026, 12, 2)) == "2 Dec 2026"


def test_a_time_is_shown_in_the_agencys_zone_with_the_zone_named(app):
    """10:30 UTC is 14:30 in Yerevan (UTC+4)."""
    with app.test_request_context():
        assert format_moment(datetime(2026, 12, 2, 10, 30)) == "2 Dec 2026, 14:30 (Armenia Time)"
        assert format_moment(datetime(2026, 12, 2, 10, 30), zone=False) == "2 Dec 2026, 14:30"


def test_a_late_utc_time_falls_on_the_next_day_in_yerevan(app):
    with app.test_request_context():
        assert format_day(datetime(2026, 12, 2, 21, 0)) == "3 Dec 2026"


def test_templates_use_the_same_style_whichever_filter_they_name(app):
    with app.test_request_context():
        text = render_template_string("{{ d|date }}|{{ t|datetime }}|{{ t|datetimeformat('short') }}|"
                                      "{{ d|dateformat('medium') }}", d=date(2026, 12, 2), t=datetime(2026, 12, 2, 10, 30))
    assert text == "2 Dec 2026|2 Dec 2026, 14:30 (Armenia Time)|2 Dec 2026, 14:30 (Armenia Time)|2 Dec 2026"


def test_the_time_zone_is_a_setting(app):
    app.config["QA_TIMEZONE"] = "UTC"
    try:
        with app.test_request_context():
            assert format_moment(datetime(2026, 12, 2, 10, 30), zone=False) == "2 Dec 2026, 10:30"
    finally:
        app.config["QA_TIMEZONE"] = "Asia/Yerevan"


def test_a_due_date_ends_with_its_day_in_the_agencys_zone(app):
    with app.app_context():
        due = end_of_day(date(2027, 3, 1))
        assert due == datetime(2027, 3, 1, 19, 59)  # 23:59 in Yerevan
        assert agency_date(due) == date(2027, 3, 1)


def test_saving_the_same_day_keeps_the_due_time_and_a_new_day_ends_that_day(app):
    with app.app_context():
        current = datetime(2027, 3, 1, 0, 36)  # 04:36 on 1 March in Yerevan
        assert keep_or_end_of_day(current, date(2027, 3, 1)) is current
        assert keep_or_end_of_day(current, date(2027, 3, 2)) == datetime(2027, 3, 2, 19, 59)
        assert keep_or_end_of_day(current, None) is None


def test_saving_the_coordination_form_does_not_move_the_due_date(app, client):
    """The officer changes only the coordinator: the SER due date (shown in the form as its day) stays as set."""
    due = datetime(2027, 3, 1, 0, 36)
    case = make_case(ser_due_at=due)
    officer, coordinator = make_user(Role.OFFICER), make_user(Role.OFFICER)
    login(client, officer)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'value="2027-03-01"' in page and "1 Mar 2027" in page
    response = client.post(f"/cases/{case.id}/coordination",
                           data={"coordinator": str(coordinator.id), "ser_due_at": "2027-03-01"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.coordinator_id == coordinator.id
    assert case.ser_due_at == due


def test_a_time_typed_in_a_form_is_read_on_the_agencys_clock_and_shown_back_the_same(app):
    """The officer types 10:00 (Yerevan) for a call's opening: 06:00 UTC is stored, 10:00 is shown in the form."""
    from qa_portal.pilots.forms.calls import CallForm

    with app.test_request_context(method="POST", data={"opens_at": "2027-01-15T10:00"}):
        form = CallForm(meta={"csrf": False})
        assert form.opens_at.data == datetime(2027, 1, 15, 6, 0)
        assert str(form.opens_at.label.text) == "Opens at (Armenia Time)"
    with app.test_request_context():
        form = CallForm(meta={"csrf": False}, data={"opens_at": datetime(2027, 1, 15, 6, 0)})
        assert form.opens_at._value() == "2027-01-15T10:00"
