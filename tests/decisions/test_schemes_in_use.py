"""A scheme in use (by a call, a panel report's recommendation, a council decision, or cases opened without a call)
keeps its rules: each locked change is refused with 409 and a message, wording may still be corrected, the order may
change, and "Copy as a new scheme" gives an editable copy."""
import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role, User
from qa_portal.decisions.services.schemes import OutcomeData, SchemeLocked, remove_outcome, update_outcome, usage_of
from qa_portal.extensions import db
from qa_portal.pilots.models import Outcome, OutcomeKind, OutcomeScheme
from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes
from tests.decisions.factories import decided_case
from tests.decisions.scheme_factories import (
    CONDITIONAL, NEGATIVE, POSITIVE, unused_scheme, use_by_call, use_by_recommendation,
)
from tests.factories import login, make_user
from tests.reviews.factories import make_case


@pytest.fixture(autouse=True)
def shipped_schemes(app):
    """The shipped schemes exist (so cases without a call fall back to "pilot", not to a test scheme)."""
    load_outcome_schemes()
    db.session.commit()


@pytest.fixture
def used(client):
    """A scheme named by a call, and an administrator signed in."""
    scheme = unused_scheme(rows=(POSITIVE, CONDITIONAL, NEGATIVE))
    use_by_call(scheme)
    login(client, make_user(Role.ADMIN))
    return scheme


def _facts(scheme_id: int):
    db.session.expire_all()
    scheme = db.session.get(OutcomeScheme, scheme_id)
    return scheme.code, [(o.code, o.kind, o.max_validity_years, o.conditions_required, o.max_condition_window_months,
                          o.deqar_decision, o.position) for o in scheme.outcomes]


# --- what counts as use --------------------------------------------------------------------------------------

def test_a_call_puts_a_scheme_in_use(app):
    """A call naming the scheme (even a draft) puts it in use."""
    scheme = unused_scheme()
    assert not usage_of(scheme).in_use
    use_by_call(scheme)
    assert usage_of(scheme).calls == 1 and usage_of(scheme).in_use


def test_a_panel_recommendation_puts_a_scheme_in_use(app):
    """A panel report recommending one of its outcomes puts the scheme in use."""
    scheme = unused_scheme()
    use_by_recommendation(scheme)
    assert usage_of(scheme).recommendations == 1 and usage_of(scheme).in_use


def test_a_council_decision_puts_a_scheme_in_use(app):
    """A council decision recording one of its outcomes puts the scheme in use."""
    decided_case("positive")
    pilot = db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == "pilot"))
    assert usage_of(pilot).decisions == 1


def test_cases_without_a_call_put_the_fallback_scheme_in_use(app):
    """Cases opened without a call are decided under the "pilot" scheme, which is then in use."""
    pilot = db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == "pilot"))
    assert not usage_of(pilot).in_use
    make_case()
    assert usage_of(pilot).cases_without_call == 1 and usage_of(pilot).in_use


# --- refusals, one per locked field --------------------------------------------------------------------------

LOCKED_CHANGES = [
    ({"code": "renamed"}, "the code cannot change"),
    ({"kind": "negative", "max_validity_years": "", "deqar_decision": "negative"}, "the kind, maximum validity, "
     "DEQAR decision value cannot change"),
    ({"max_validity_years": "6"}, "the maximum validity cannot change"),
    ({"kind": "conditional", "max_condition_window_months": "12",
      "deqar_decision": "positive with conditions or restrictions"},
     "the kind, condition window, DEQAR decision value cannot change"),
    ({"deqar_decision": "not applicable"}, "the DEQAR decision value cannot change"),
]


@pytest.mark.parametrize("change, message", LOCKED_CHANGES)
def test_locked_outcome_fields_of_a_scheme_in_use_are_refused(app, client, used, change, message):
    """Code, kind, validity, conditions and DEQAR value of an in-use scheme's outcome: 409, the message with the way
    out, the typed values kept, nothing changed."""
    before = _facts(used.id)
    response = client.post(f"/decisions/schemes/{used.id}/outcomes/{used.outcomes[0].id}/edit",
                           data={**POSITIVE, **change})
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f"Only the labels of its outcomes may be corrected; {message}." in body
    assert "is in use by calls, panel reports or decisions; copy it as a new scheme to change it." in body
    assert _facts(used.id) == before


def test_the_condition_window_of_a_conditional_outcome_in_use_is_refused(app, client, used):
    """Lengthening the time allowed to meet conditions is refused on a scheme in use."""
    before = _facts(used.id)
    response = client.post(f"/decisions/schemes/{used.id}/outcomes/{used.outcomes[1].id}/edit",
                           data={**CONDITIONAL, "max_condition_window_months": "24"})
    assert response.status_code == 409 and "the condition window cannot change" in response.get_data(as_text=True)
    assert _facts(used.id) == before


def test_removing_an_outcome_of_a_scheme_in_use_is_refused(app, client, used):
    """No outcome of an in-use scheme can be removed (409, shown on the scheme page)."""
    before = _facts(used.id)
    response = client.post(f"/decisions/schemes/{used.id}/outcomes/{used.outcomes[2].id}/remove")
    assert response.status_code == 409
    assert "Its outcomes cannot be removed." in response.get_data(as_text=True)
    assert _facts(used.id) == before


def test_adding_an_outcome_to_a_scheme_in_use_is_refused(app, client, used):
    """An in-use scheme gets no new outcome (the running calls' options stay as published): 409, input kept."""
    before = _facts(used.id)
    response = client.post(f"/decisions/schemes/{used.id}/outcomes/new", data={**NEGATIVE, "code": "withdrawn"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "No outcome can be added to it." in body and 'value="withdrawn"' in body
    assert _facts(used.id) == before


def test_the_code_of_a_scheme_in_use_is_refused(app, client, used):
    """The code of an in-use scheme cannot change (409); its names are kept in the form."""
    response = client.post(f"/decisions/schemes/{used.id}/edit", data={
        "code": "other-code", "name_en": "Typed name", "name_hy": "", "description": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "Its code cannot change." in body and 'value="Typed name"' in body
    assert _facts(used.id)[0] == used.code


def _scheme_used_by(use: str) -> OutcomeScheme:
    if use == "recommendation":
        scheme = unused_scheme()
        use_by_recommendation(scheme)
        return scheme
    decided_case("negative")
    return db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == "pilot"))


@pytest.mark.parametrize("use", ["recommendation", "decision"])
def test_refusals_hold_for_every_kind_of_use_in_the_service(app, use):
    """Called directly, the service refuses a locked change and a removal with SchemeLocked (409) for a scheme
    used by a panel recommendation as by a decision, never reaching the database's foreign keys."""
    scheme = _scheme_used_by(use)
    outcome = scheme.outcomes[0]
    with pytest.raises(SchemeLocked) as refused:
        update_outcome(None, outcome, _with(outcome, code="changed"))
    assert refused.value.status_code == 409
    db.session.rollback()
    with pytest.raises(SchemeLocked):
        remove_outcome(None, db.session.get(Outcome, outcome.id))
    db.session.rollback()


def _with(outcome, **changes) -> OutcomeData:
    data = OutcomeData.of(outcome)
    for name, value in changes.items():
        setattr(data, name, value)
    return data


# --- what stays possible -------------------------------------------------------------------------------------

def test_labels_names_and_description_of_a_scheme_in_use_can_be_corrected(app, client, used):
    """Wording is safe: the scheme's names and description and an outcome's labels change, rules untouched."""
    before = _facts(used.id)
    assert client.post(f"/decisions/schemes/{used.id}/edit", data={
        "code": used.code, "name_en": "Corrected name", "name_hy": "Ուղղված", "description": "Fixed typo"}
    ).status_code == 302
    assert client.post(f"/decisions/schemes/{used.id}/outcomes/{used.outcomes[0].id}/edit", data={
        **POSITIVE, "label_en": "Approved (corrected)", "label_hy": "Հաստատված է"}).status_code == 302
    assert _facts(used.id) == before
    scheme = db.session.get(OutcomeScheme, used.id)
    assert (scheme.name_en, scheme.name_hy, scheme.description) == ("Corrected name", "Ուղղված", "Fixed typo")
    assert (scheme.outcomes[0].label_en, scheme.outcomes[0].label_hy) == ("Approved (corrected)", "Հաստատված է")


def test_outcomes_of_a_scheme_in_use_can_be_reordered(app, client, used):
    """The order is display only, so it changes on an in-use scheme."""
    assert client.post(f"/decisions/schemes/{used.id}/outcomes/{used.outcomes[2].id}/move",
                       data={"direction": "up"}).status_code == 302
    assert [row[0] for row in _facts(used.id)[1]] == ["approved", "refused", "approved_conditions"]


def test_pages_of_a_scheme_in_use_say_what_is_locked(app, client, used):
    """The scheme page says it is in use and by what, which fields are locked, that wording may be corrected; it
    offers the copy but no remove or add; the outcome form shows the locked fields read-only."""
    page = client.get(f"/decisions/schemes/{used.id}").get_data(as_text=True)
    assert "In use" in page and "Named by 1 call." in page
    assert "cannot change, and no outcome can be added or removed" in page
    assert "You may still correct the scheme’s names and description and the outcomes’ labels" in page
    assert "Copy as a new scheme" in page and "Add an outcome" not in page and ">Remove<" not in page
    form = client.get(f"/decisions/schemes/{used.id}/outcomes/{used.outcomes[0].id}/edit").get_data(as_text=True)
    assert 'id="code" maxlength="40" name="code" readonly' in form
    assert 'disabled id="kind" name="kind"' in form and '<input type="hidden" name="kind" value="positive">' in form
    assert 'name="label_en" type="text" value="Approved">' in form  # labels stay editable
    unused_page = client.get(f"/decisions/schemes/{unused_scheme().id}").get_data(as_text=True)
    assert "Not in use" in unused_page and "Add an outcome" in unused_page


# --- copy ----------------------------------------------------------------------------------------------------

def test_copy_as_a_new_scheme_gives_an_editable_copy(app, client, used):
    """The copy has every outcome with its rules and labels under the new code, is not in use, accepts a locked
    change, and leaves the original as it was; the copy is audited."""
    before = _facts(used.id)
    response = client.post(f"/decisions/schemes/{used.id}/copy", data={
        "code": "copied", "name_en": "Copied", "name_hy": "", "description": "A copy"})
    copy = db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == "copied"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/decisions/schemes/{copy.id}")
    assert [row[1:] for row in _facts(copy.id)[1]] == [row[1:] for row in before[1]]
    assert [o.label_en for o in copy.outcomes] == ["Approved", "Approved with conditions", "Refused"]
    assert not usage_of(copy).in_use
    assert client.post(f"/decisions/schemes/{copy.id}/outcomes/{copy.outcomes[0].id}/edit",
                       data={**POSITIVE, "max_validity_years": "7"}).status_code == 302
    assert _facts(used.id) == before
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "outcome_scheme.copy"))
    assert entry.data["source"] == used.code


def test_copy_needs_a_new_well_formed_code(app, client, used):
    """A copy under an existing code or a malformed one is refused (400) with the typed names kept."""
    for code, message in [(used.code, f"Another scheme already has the code “{used.code}”."),
                          ("", "Enter the code."), ("No Good", "Use lower-case letters")]:
        response = client.post(f"/decisions/schemes/{used.id}/copy", data={
            "code": code, "name_en": "Typed copy name", "name_hy": "", "description": ""})
        body = response.get_data(as_text=True)
        assert response.status_code == 400 and message in body and 'value="Typed copy name"' in body, code
    assert db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.name_en == "Typed copy name")) is None


def test_the_copy_page_offers_the_source_names(app, client, used):
    """The copy form starts with the source's names ("(copy)" added) and asks for a new code."""
    page = client.get(f"/decisions/schemes/{used.id}/copy").get_data(as_text=True)
    assert 'value="Unused scheme (copy)"' in page and 'name="code"' in page


def test_shipped_schemes_in_use_show_as_locked(app, client):
    """The shipped schemes, named by calls, show as in use with locked rules (as in the demo)."""
    pilot = db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == "pilot"))
    use_by_call(pilot)
    login(client, make_user(Role.OFFICER))
    listing = client.get("/decisions/schemes").get_data(as_text=True)
    assert "pilot" in listing and "anqa-2025" in listing and "In use" in listing and "Not in use" in listing
    page = client.get(f"/decisions/schemes/{pilot.id}").get_data(as_text=True)
    assert "This scheme’s rules are locked" in page
    assert [o.kind for o in pilot.outcomes] == [OutcomeKind.POSITIVE, OutcomeKind.CONDITIONAL, OutcomeKind.NEGATIVE]


def test_demo_shows_the_shipped_pilot_scheme_in_use_and_locked(app, client):
    """In the demo, calls name the shipped "pilot" scheme: its page says so and offers only the copy."""
    from qa_portal.demo import load_demo
    from qa_portal.demo.accounts import DEMO_PASSWORD

    load_demo()
    db.session.commit()
    pilot = db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == "pilot"))
    assert usage_of(pilot).calls >= 1
    login(client, db.session.scalar(select(User).where(User.email == "admin@example.org")), password=DEMO_PASSWORD)
    page = client.get(f"/decisions/schemes/{pilot.id}").get_data(as_text=True)
    assert "This scheme’s rules are locked" in page and "Copy as a new scheme" in page
    assert "Add an outcome" not in page
