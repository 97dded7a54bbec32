"""Hypothesis fuzzes the main forms — sign-in, consultation comment, SER criterion entry, specification, council
decision — with any Unicode, very long text, NUL and control characters and odd numbers: never a 5xx; a refused
form (4xx) shows the user's text again (without its control characters); nothing saved holds a control character."""
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.core.input_checks import has_control_characters, without_control_characters
from qa_portal.decisions.models import Decision
from qa_portal.extensions import db, limiter
from qa_portal.pilots.models import SpecificationVersion
from qa_portal.reviews.models import SerEntry
from qa_portal.standards.models import ConsultationComment, VersionStatus
from tests.decisions.factories import council_member, outcome, pending_case
from tests.factories import login, make_institution, make_user
from tests.reviews.factories import criteria_of, first_level, hei_user_for, make_case
from tests.standards.factories import make_version

FUZZ = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
CONTROL = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f"
TRICKY = "\t\r\nԱաբգդ<>&\"'\u202e\u200d\ufeff"
CLEAN_TEXT = st.text(st.one_of(st.characters(codec="utf-8", exclude_categories=["Cc"]), st.sampled_from(TRICKY)),
                     min_size=1, max_size=300)
TEXT = st.one_of(
    CLEAN_TEXT, CLEAN_TEXT,  # any script, bidi and zero-width marks, markup: what a service must store as it is
    st.text(st.one_of(st.characters(codec="utf-8"), st.sampled_from(CONTROL + TRICKY)), max_size=300),
    st.builds(lambda piece, times: piece * times, st.text(st.sampled_from(CONTROL + TRICKY + "xyz"), min_size=1,
                                                          max_size=8), st.integers(700, 9000)),  # past every Length
)
ODD_NUMBER = st.one_of(st.sampled_from(["2147483648", "9223372036854775808", "9" * 5000, "²", "٣", "-1", "0", "1e3",
                                        "", " 12 ", "1\x00"]), st.text(st.characters(codec="utf-8"), max_size=12))
ODD_DATE = st.one_of(st.sampled_from(["2026-02-30", "0000-01-01", "9999-12-31", "10000-01-01", "2026-1-1", ""]),
                     st.text(st.characters(codec="utf-8"), max_size=12))


def mostly(valid, odd):
    """The valid value three times in four, so that services run too; an odd one otherwise."""
    return st.one_of(st.just(valid), st.just(valid), st.just(valid), odd)


def _assert_answer(response, *texts: str) -> None:
    """Never a 5xx; when the form is refused (4xx), every fuzzed text shows again on the page."""
    assert response.status_code < 500
    if 400 <= response.status_code < 500 and response.status_code not in (403, 404, 429):
        page = response.get_data(as_text=True)
        for text in texts:
            assert str(escape(without_control_characters(text))) in page, (response.status_code, text[:80])


def _assert_no_control_characters(*values) -> None:
    for value in values:
        assert not (isinstance(value, str) and has_control_characters(value)), repr(value)[:80]


@given(email=TEXT, password=TEXT)
@FUZZ
def test_sign_in_form_survives_any_input(app, client, email, password):
    """Sign-in with any email and password text: 400/401, never a 5xx, the email kept."""
    limiter.reset()
    response = client.post("/login", data={"email": email, "password": password})
    _assert_answer(response, email)


@pytest.fixture
def consultation(app):
    version = make_version(VersionStatus.CONSULTATION)
    return version, make_user()


@given(text=TEXT, stakeholder=mostly("hei", TEXT), standard=mostly("", ODD_NUMBER))
@FUZZ
def test_consultation_comment_form_survives_any_input(client, consultation, text, stakeholder, standard):
    """A consultation comment with any text, stakeholder type and standard: never a 5xx, the text kept when refused,
    and a saved comment never holds a control character."""
    version, user = consultation
    login(client, user)
    response = client.post(f"/consultations/{version.id}",
                           data={"text": text, "stakeholder_type": stakeholder, "standard": standard})
    _assert_answer(response, text)
    _assert_no_control_characters(*db.session.scalars(select(ConsultationComment.text)))


@pytest.fixture
def ser_case(app):
    case = make_case()
    return case, criteria_of(case)[0], hei_user_for(case)


@given(narrative=TEXT, justification=TEXT, level=mostly("valid", ODD_NUMBER), version=mostly("current", ODD_NUMBER),
       evidence=mostly(None, ODD_NUMBER))
@FUZZ
def test_ser_entry_form_survives_any_input(client, ser_case, narrative, justification, level, version, evidence):
    """An SER criterion entry with any narrative, justification, level, version and evidence: never a 5xx, both texts
    kept when refused (a conflict page included), nothing saved with a control character."""
    case, criterion, user = ser_case
    login(client, user)
    db.session.expire_all()
    entry = db.session.scalar(select(SerEntry).where(SerEntry.case_id == case.id))
    data = {"narrative": narrative, "justification": justification, **({"evidence": evidence} if evidence else {}),
            "level": str(first_level(case).id) if level == "valid" else level,
            "version": (str(entry.version) if entry else "") if version == "current" else version}
    response = client.post(f"/cases/{case.id}/ser/criteria/{criterion.id}", data=data)
    _assert_answer(response, narrative, justification)
    db.session.expire_all()
    for saved in db.session.scalars(select(SerEntry)):
        _assert_no_control_characters(saved.narrative, saved.justification)


# The specification's other choices, left unset as a first draft may leave them.
UNSET_CHOICES = ("qf_ehea_cycle", "assessment_type", "participation_form", "supervision", "certificate_type",
                 "stackability", "learning_mode")


@pytest.fixture
def specification_author(app):
    institution = make_institution()
    return institution, make_user(Role.HEI, institution=institution)


@given(title=TEXT, description=TEXT, outcome_text=TEXT, ects=mostly("6", ODD_NUMBER), hours=mostly("150", ODD_NUMBER),
       nqf=mostly("6", ODD_NUMBER), eqf=mostly("6", ODD_NUMBER), isced=mostly("0613", ODD_NUMBER),
       institution=mostly("own", ODD_NUMBER), valid_from=mostly("2026-09-01", ODD_DATE))
@FUZZ
def test_specification_form_survives_any_input(client, specification_author, title, description, outcome_text, ects,
                                               hours, nqf, eqf, isced, institution, valid_from):
    """A new specification with any titles, texts, numbers, levels, codes and dates: never a 5xx, the texts kept
    when refused, nothing saved with a control character."""
    own, user = specification_author
    login(client, user)
    response = client.post("/specifications/new", data={
        "institution_id": str(own.id) if institution == "own" else institution, "title_en": title,
        "title_hy": title, "short_description": description, "outcomes-0-statement": outcome_text, "ects": ects,
        "notional_hours": hours, "nqf_level": nqf, "eqf_level": eqf, "isced_f_code": isced,
        "valid_from": valid_from, **{name: "" for name in UNSET_CHOICES}})
    _assert_answer(response, title, description, outcome_text)
    for saved in db.session.scalars(select(SpecificationVersion)):
        _assert_no_control_characters(saved.title_en, saved.title_hy, saved.short_description)


@pytest.fixture
def council_seat(app):
    """A pending case and a declared council member; a new case once a decision has been recorded."""
    seat = {}

    def fresh():
        case = pending_case()
        seat.update(case=case, member=council_member(case), outcome=outcome("positive"))
        return seat

    seat["fresh"] = fresh
    return fresh()


@given(reasons=TEXT, condition=mostly("", TEXT), outcome_choice=mostly("valid", ODD_NUMBER),
       criteria=mostly("valid", ODD_NUMBER), valid_from=mostly("today", ODD_DATE), valid_to=mostly("in 4 years", ODD_DATE),
       meeting=mostly("yesterday", ODD_DATE), heard=mostly("yes", TEXT))
@FUZZ
def test_council_decision_form_survives_any_input(client, council_seat, reasons, condition, outcome_choice, criteria,
                                                  valid_from, valid_to, meeting, heard):
    """A council decision with any reasons, condition, outcome, criteria, dates and hearing answer: never a 5xx, the
    texts kept when refused, a recorded decision's reasons without control characters."""
    case, member = council_seat["case"], council_seat["member"]
    login(client, member)
    today = date.today()
    valid = {"today": today.isoformat(), "in 4 years": today.replace(year=today.year + 4).isoformat(),
             "yesterday": (today - timedelta(days=1)).isoformat(), "valid": None}
    response = client.post(f"/cases/{case.id}/decision", data={
        "outcome": str(council_seat["outcome"].id) if outcome_choice == "valid" else outcome_choice,
        "criteria": str(criteria_of(case)[0].id) if criteria == "valid" else criteria,
        "valid_from": valid.get(valid_from, valid_from), "valid_to": valid.get(valid_to, valid_to),
        "meeting_date": valid.get(meeting, meeting), "reasons": reasons, "conditions-0-text": condition,
        "hei_heard": heard})
    _assert_answer(response, reasons, condition)
    if response.status_code == 302:  # recorded: the next example decides on a new pending case
        _assert_no_control_characters(*db.session.scalars(select(Decision.reasons).where(Decision.case_id == case.id)))
        client.post("/logout")
        council_seat["fresh"]()
