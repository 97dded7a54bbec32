"""Every validation rule of a specification: a bad value gets the exact message, HTTP 400, typed values kept."""
import html
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.models import SpecificationVersion
from qa_portal.core.errors import DomainError
from qa_portal.pilots.services import specifications as services
from tests.factories import login, make_institution, make_user
from tests.pilots.factories import complete_data
from tests.pilots.test_spec_versions import _form

# A select cannot show a value that is not one of its options; a browser never sends one anyway.
SELECT_FIELDS = {"eqf_level", "qf_ehea_cycle", "supervision", "participation_form", "certificate_type",
                 "stackability", "assessment_type", "learning_mode"}
VALID_ESCO = "http://data.europa.eu/esco/skill/0a3c3d1e-2b4f-4c5d-9e6f-7a8b9c0d1e2f"

# (what is wrong, bad form values, exact message)
RULES = [
    ("title missing", {"title_en": ""}, "Enter the title in English."),
    ("ECTS not a number", {"ects": "six"}, "Enter ECTS as a number, e.g. 6 or 7.5."),
    ("ECTS zero", {"ects": "0"}, "ECTS must be greater than 0."),
    ("ECTS negative", {"ects": "-3"}, "ECTS must be greater than 0."),
    ("ECTS two decimals", {"ects": "6.25"}, "ECTS takes at most one decimal place, e.g. 6 or 7.5."),
    ("ECTS huge", {"ects": "1000"}, "ECTS must be less than 1000."),
    ("ECTS 60 without reason", {"ects": "60", "notional_hours": "1600"},
     "60 ECTS or more is not a micro-credential (DEQAR counts it as other provision): "
     "give an override reason or lower the ECTS."),
    ("hours not whole", {"notional_hours": "12.5"}, "Notional hours must be a whole number greater than 0."),
    ("hours zero", {"notional_hours": "0"}, "Notional hours must be a whole number greater than 0."),
    ("EQF out of range", {"eqf_level": "9"}, "Choose an EQF level from 1 to 8, or “not applicable”."),
    ("NQF out of range", {"nqf_level": "9"}, "The NQF level must be between 1 and 8."),
    ("NQF not a number", {"nqf_level": "six"}, "The NQF level must be between 1 and 8."),
    ("cycle disagrees with EQF", {"eqf_level": "7", "qf_ehea_cycle": "first"},
     "The QF-EHEA first cycle corresponds to EQF level 6."),
    ("short cycle without EQF 5", {"eqf_level": "na", "qf_ehea_cycle": "short"},
     "The QF-EHEA short cycle corresponds to EQF level 5."),
    ("ISCED malformed", {"isced_f_code": "6a"}, "An ISCED-F 2013 field code has 2 to 4 digits, e.g. 0613."),
    ("ISCED too long", {"isced_f_code": "06131"}, "An ISCED-F 2013 field code has 2 to 4 digits, e.g. 0613."),
    ("ISCED unknown", {"isced_f_code": "0617"}, "0617 is not a field in the ISCED-F 2013 list."),
    ("ESCO URI malformed", {"outcomes-0-esco_uris": "http://data.europa.eu/esco/skill/not-a-uuid"},
     "http://data.europa.eu/esco/skill/not-a-uuid is not an ESCO skill URI "
     "(http://data.europa.eu/esco/skill/<uuid>)."),
    ("ESCO URI of an occupation", {"outcomes-0-esco_uris": "http://data.europa.eu/esco/occupation/"
                                                          "0a3c3d1e-2b4f-4c5d-9e6f-7a8b9c0d1e2f"},
     "http://data.europa.eu/esco/occupation/0a3c3d1e-2b4f-4c5d-9e6f-7a8b9c0d1e2f is not an ESCO skill URI "
     "(http://data.europa.eu/esco/skill/<uuid>)."),
    ("outcome with ESCO but no statement", {"outcomes-0-statement": "", "outcomes-0-esco_uris": VALID_ESCO},
     "A learning outcome with ESCO skills needs a statement."),
    ("awarding body too long", {"awarding_bodies": "A" * 201}, "Each awarding body must fit in 200 characters."),
    ("issuer country unknown", {"issuer_countries": "AM, XY"},
     "XY is not an ISO 3166 country code; write two-letter codes such as AM, GE."),
    ("issuer country alpha-3", {"issuer_countries": "ARM"},
     "ARM is not an ISO 3166 country code; write two-letter codes such as AM, GE."),
    ("language unknown", {"languages": "hy, qq"},
     "qq is not an ISO 639-1 language code; write two-letter codes such as hy, en."),
    ("stackable without target", {"stackability": "stackable", "stackable_towards": ""},
     "Name the qualification this micro-credential is stackable towards."),
    ("validity ends before it starts", {"valid_from": "2027-01-01", "valid_to": "2026-12-31"},
     "The end of validity must be after its start."),
    ("validity ends when it starts", {"valid_from": "2027-01-01", "valid_to": "2027-01-01"},
     "The end of validity must be after its start."),
    ("supervision not an official value", {"supervision": "proctored"}, "Not a valid choice."),
    ("form of participation unknown", {"participation_form": "volunteering"}, "Not a valid choice."),
    ("certificate type unknown", {"certificate_type": "diploma"}, "Not a valid choice."),
    ("stackability unknown", {"stackability": "sometimes"}, "Not a valid choice."),
    ("assessment type unknown", {"assessment_type": "vibes"}, "Not a valid choice."),
    ("mode of learning unknown", {"learning_mode": "nightly"}, "Not a valid choice."),
]


@pytest.fixture
def hei_client(client):
    institution = make_institution("YSU", "Yerevan State University")
    login(client, make_user(Role.HEI, institution=institution))
    return client, institution


@pytest.mark.parametrize(("case", "bad", "message"), RULES, ids=[rule[0] for rule in RULES])
def test_specification_rule_refuses_bad_value_with_exact_message(hei_client, case, bad, message):
    """A bad value is refused with its exact message, HTTP 400, nothing saved, every typed value kept."""
    client, institution = hei_client
    data = _form(bad, institution_id=str(institution.id), grading_scale="typed grading scale kept",
                 further_learning="typed further learning kept")
    response = client.post("/specifications/new", data=data)
    assert response.status_code == 400, case
    page = html.unescape(response.get_data(as_text=True))
    assert message in page
    assert "typed grading scale kept" in page and "typed further learning kept" in page
    for name, value in bad.items():
        if value and name not in SELECT_FIELDS:
            assert value in page, f"typed value {value!r} lost"
    assert db.session.scalar(select(func.count(SpecificationVersion.id))) == 0


def test_specification_ects_60_with_override_reason_is_accepted(hei_client):
    """60 ECTS or more is accepted when an override reason is given; the reason is stored."""
    client, institution = hei_client
    response = client.post("/specifications/new", data=_form(
        institution_id=str(institution.id), ects="60", notional_hours="1600",
        ects_override_reason="Joint programme module required by the ministry."))
    assert response.status_code == 302
    version = db.session.scalar(select(SpecificationVersion))
    assert version.ects_override_reason == "Joint programme module required by the ministry."


@pytest.mark.parametrize(("values", "warning"), [
    ({"ects": "30", "notional_hours": "800"}, "30 ECTS or more is large for a micro-credential."),
    ({"ects": "6", "notional_hours": "100", "hours_reason": "Prior learning is recognised for the first unit."},
     "Notional hours are usually 25–30 per ECTS credit: 150–180 hours for 6 ECTS."),
    ({"ects": "2.5", "notional_hours": "90", "hours_reason": "The placement adds supervised hours."},
     "Notional hours are usually 25–30 per ECTS credit: 62.5–75 hours for 2.5 ECTS."),
])
def test_specification_ects_warnings_are_shown_but_do_not_block(hei_client, values, warning):
    """Large ECTS, and hours outside 25–30 per credit with their reason, are saved, and the page shows a
    warning."""
    client, institution = hei_client
    response = client.post("/specifications/new", data=_form(values, institution_id=str(institution.id)))
    assert response.status_code == 302
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert warning in page


def test_specification_hours_inside_band_give_no_warning(hei_client):
    """6 ECTS and 160 hours is inside the 25–30 band: no warning."""
    client, institution = hei_client
    response = client.post("/specifications/new", data=_form(institution_id=str(institution.id)))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Warnings (saving is allowed)" not in page


def test_specification_eqf_not_applicable_is_accepted(hei_client):
    """EQF "not applicable" (with no cycle) is a valid level."""
    client, institution = hei_client
    response = client.post("/specifications/new", data=_form(
        institution_id=str(institution.id), eqf_level="na", qf_ehea_cycle=""))
    assert response.status_code == 302
    version = db.session.scalar(select(SpecificationVersion))
    assert version.eqf_not_applicable and version.eqf_level is None


def test_specification_field_page_shows_isced_field_name(hei_client):
    """The specification page names the ISCED-F field of the code."""
    client, institution = hei_client
    response = client.post("/specifications/new", data=_form(institution_id=str(institution.id)))
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "0613 — Software and applications development and analysis" in page


def test_specification_form_keeps_learning_outcomes_and_esco_uris_on_error(hei_client):
    """A refused form still shows every learning outcome and ESCO URI that was typed."""
    client, institution = hei_client
    response = client.post("/specifications/new", data=_form(
        institution_id=str(institution.id), ects="0",
        **{"outcomes-1-statement": "Second outcome typed", "outcomes-1-esco_uris": VALID_ESCO}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Second outcome typed" in page and VALID_ESCO in page


@pytest.mark.parametrize(("bad", "field", "message"), [
    ({"ects": Decimal("0")}, "ects", "ECTS must be greater than 0."),
    ({"ects": Decimal("6.25")}, "ects", "ECTS takes at most one decimal place, e.g. 6 or 7.5."),
    ({"ects": Decimal("60"), "notional_hours": 1600}, "ects_override_reason",
     "60 ECTS or more is not a micro-credential (DEQAR counts it as other provision): "
     "give an override reason or lower the ECTS."),
    ({"notional_hours": 0}, "notional_hours", "Notional hours must be a whole number greater than 0."),
    ({"eqf_level": 9, "qf_ehea_cycle": None}, "eqf_level", "Choose an EQF level from 1 to 8, or “not applicable”."),
    ({"nqf_level": 0}, "nqf_level", "The NQF level must be between 1 and 8."),
    ({"supervision": "proctored"}, "supervision", "Not a valid choice."),
    ({"qf_ehea_cycle": "third"}, "qf_ehea_cycle", "The QF-EHEA third cycle corresponds to EQF level 8."),
    ({"isced_f_code": "9999"}, "isced_f_code", "9999 is not a field in the ISCED-F 2013 list."),
    ({"stackability": "stackable", "stackable_towards": " "}, "stackable_towards",
     "Name the qualification this micro-credential is stackable towards."),
    ({"title_en": " "}, "title_en", "Enter the title in English."),
])
def test_specification_service_refuses_bad_data_from_any_caller(app, bad, field, message):
    """The service checks the same rules as the form (for demo loaders and other domains), naming the field."""
    institution = make_institution()
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        services.create_specification(None, institution, complete_data(**bad))
    assert (refused.value.field, refused.value.message) == (field, message)


def test_hours_outside_25_to_30_per_ects_need_a_written_reason(hei_client):
    """Issue 15: hours outside 25–30 per ECTS credit are refused at the reason field without one (the typed
    values kept); with a reason they are saved and the reason is shown with the workload."""
    client, institution = hei_client
    response = client.post("/specifications/new", data=_form({"ects": "6", "notional_hours": "100"},
                                                              institution_id=str(institution.id)))
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "give the reason for 100 hours for 6 ECTS" in page and 'value="100"' in page
    response = client.post("/specifications/new", data=_form(
        {"ects": "6", "notional_hours": "100", "hours_reason": "Prior learning is recognised for unit 1."},
        institution_id=str(institution.id)))
    assert response.status_code == 302
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Prior learning is recognised for unit 1." in page
