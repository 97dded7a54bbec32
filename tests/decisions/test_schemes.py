"""Outcome-scheme pages: who may read and change them, creating a scheme with its outcomes, every rule of an
outcome as a form message with the input kept (400, never a database error), editing, reordering, removing."""
import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.decisions.services.schemes import OutcomeData, SchemeData, SchemeInvalid, create_scheme
from qa_portal.extensions import db
from qa_portal.pilots.models import DeqarDecision, Outcome, OutcomeKind, OutcomeScheme
from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes
from tests.core.test_accessibility import assert_accessible
from tests.decisions.factories import statements_for
from tests.decisions.scheme_factories import (
    CONDITIONAL, NEGATIVE, POSITIVE, outcome_data, scheme_form, unused_scheme, use_by_call,
)
from tests.factories import login, make_user


@pytest.fixture(autouse=True)
def shipped_schemes(app):
    """The shipped schemes exist (as in every installation)."""
    load_outcome_schemes()
    db.session.commit()


def _admin(client):
    admin = make_user(Role.ADMIN)
    login(client, admin)
    return admin


def _scheme(code: str) -> OutcomeScheme | None:
    db.session.expire_all()
    return db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == code))


# --- who -----------------------------------------------------------------------------------------------------

def _urls(scheme):
    outcome = scheme.outcomes[0]
    base = f"/decisions/schemes/{scheme.id}"
    return {"read": ["/decisions/schemes", base],
            "write": [("GET", "/decisions/schemes/new"), ("POST", "/decisions/schemes/new"), ("GET", f"{base}/edit"),
                      ("POST", f"{base}/edit"), ("GET", f"{base}/copy"), ("POST", f"{base}/copy"),
                      ("GET", f"{base}/outcomes/new"), ("POST", f"{base}/outcomes/new"),
                      ("GET", f"{base}/outcomes/{outcome.id}/edit"), ("POST", f"{base}/outcomes/{outcome.id}/edit"),
                      ("POST", f"{base}/outcomes/{outcome.id}/move"), ("POST", f"{base}/outcomes/{outcome.id}/remove")]}


def test_officers_read_schemes_but_change_nothing(app, client):
    """Officers see the list and each scheme; every create, edit, copy, move and remove answers 403."""
    scheme = unused_scheme()
    login(client, make_user(Role.OFFICER))
    urls = _urls(scheme)
    for url in urls["read"]:
        assert client.get(url).status_code == 200, url
    for method, url in urls["write"]:
        assert client.open(url, method=method, data={**scheme_form("hostile"), "direction": "down"}).status_code \
            == 403, url
    assert _scheme("hostile") is None and len(_scheme(scheme.code).outcomes) == 3
    page = client.get(f"/decisions/schemes/{scheme.id}").get_data(as_text=True)
    assert "Copy as a new scheme" not in page and "Edit names and description" not in page


@pytest.mark.parametrize("role", [Role.HEI, Role.EXPERT, Role.COUNCIL, Role.APPEALS, None])
def test_other_users_reach_no_scheme_page(app, client, role):
    """HEI users, experts, council and appeals members and users without a role get 403 everywhere."""
    scheme = unused_scheme()
    login(client, make_user(role) if role else make_user())
    urls = _urls(scheme)
    for url in urls["read"]:
        assert client.get(url).status_code == 403, url
    for method, url in urls["write"]:
        assert client.open(url, method=method, data=scheme_form("hostile")).status_code == 403, url
    assert _scheme("hostile") is None


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    """The scheme pages need a sign-in."""
    scheme = unused_scheme()
    for url in _urls(scheme)["read"]:
        assert client.get(url).status_code == 302


def test_navigation_links_the_schemes_for_admins_and_officers_only(app, client):
    """The main menu shows "Outcome schemes" to administrators and officers, not to HEI users."""
    login(client, make_user(Role.OFFICER))
    assert "/decisions/schemes" in client.get("/my-work").get_data(as_text=True)
    client.post("/logout")
    login(client, make_user(Role.HEI))
    assert "/decisions/schemes" not in client.get("/my-work").get_data(as_text=True)


# --- create --------------------------------------------------------------------------------------------------

def test_admin_creates_a_scheme_with_its_outcomes_in_order(app, client):
    """A new scheme stores its outcomes in the rows' order, conditions required exactly for the conditional one,
    and is audited."""
    admin = _admin(client)
    response = client.post("/decisions/schemes/new", data=scheme_form("trial"))
    scheme = _scheme("trial")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/decisions/schemes/{scheme.id}")
    assert [(o.code, o.kind, o.max_validity_years, o.conditions_required, o.max_condition_window_months,
             o.deqar_decision) for o in scheme.outcomes] == [
        ("approved", OutcomeKind.POSITIVE, 5, False, None, DeqarDecision.POSITIVE),
        ("approved_conditions", OutcomeKind.CONDITIONAL, 3, True, 12, DeqarDecision.POSITIVE_WITH_CONDITIONS),
        ("refused", OutcomeKind.NEGATIVE, None, False, None, DeqarDecision.NEGATIVE)]
    assert (scheme.name_hy, scheme.outcomes[1].label_hy) == ("Փորձնական սխեմա", "")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "outcome_scheme.create"))
    assert entry.actor_id == admin.id and "trial" in entry.summary


def test_blank_outcome_rows_are_ignored(app, client):
    """Rows left empty (the form offers spare ones) create nothing; a gap between rows is fine."""
    _admin(client)
    blank = {key: "" for key in POSITIVE}
    assert client.post("/decisions/schemes/new", data=scheme_form("gappy", rows=(POSITIVE, blank, NEGATIVE))
                       ).status_code == 302
    assert [o.code for o in _scheme("gappy").outcomes] == ["approved", "refused"]


BREACHES = [
    # (what the row changes, the field in error, the message)
    ({"kind": "negative", "deqar_decision": "negative", "max_validity_years": "4"}, "max_validity_years",
     "A negative outcome has no validity period: leave it empty."),
    ({"max_validity_years": ""}, "max_validity_years", "Give the maximum validity in years"),
    ({"max_validity_years": "0"}, "max_validity_years", "Number must be between 1 and 30."),
    ({"kind": "conditional", "deqar_decision": "positive with conditions or restrictions"},
     "max_condition_window_months", "A conditional outcome requires conditions"),
    ({"max_condition_window_months": "6"}, "max_condition_window_months",
     "Only a conditional outcome sets conditions: leave the condition window empty."),
    ({"kind": "conditional", "max_validity_years": "1", "max_condition_window_months": "18",
      "deqar_decision": "positive with conditions or restrictions"}, "max_condition_window_months",
     "Conditions must be due within the validity: at most 12 months."),
    ({"kind": "", "deqar_decision": "positive"}, "kind", "Choose the kind: positive, conditional or negative."),
    ({"kind": "excellent"}, "kind", "Choose the kind: positive, conditional or negative."),
    ({"deqar_decision": "accredited"}, "deqar_decision", "Choose the DEQAR decision value"),
    ({"deqar_decision": "negative"}, "deqar_decision",
     "A positive outcome is reported to DEQAR as “positive” or “positive with conditions or restrictions” or "
     "“not applicable”."),
    ({"kind": "conditional", "max_condition_window_months": "12"}, "deqar_decision",
     "A conditional outcome is reported to DEQAR as “positive with conditions or restrictions” or "
     "“not applicable”."),
    ({"code": ""}, "code", "Enter the code."),
    ({"code": "Has Spaces"}, "code", "Use lower-case letters, digits"),
    ({"label_en": ""}, "label_en", "Enter the English label."),
    ({"label_en": "x" * 201}, "label_en", "Field cannot be longer than 200 characters."),
]


@pytest.mark.parametrize("change, field, message", BREACHES)
def test_each_outcome_rule_is_a_form_message_with_the_input_kept(app, client, change, field, message):
    """Every rule of an outcome (the database's checks, the DEQAR vocabulary) answers 400 with its message next
    to the field, the typed text still in the form, and nothing stored."""
    _admin(client)
    row = {**POSITIVE, **change}
    response = client.post("/decisions/schemes/new", data=scheme_form("ruled", rows=(NEGATIVE, row),
                                                                       description="Kept description"))
    body = response.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")
    assert response.status_code == 400
    assert message in body
    assert f'id="outcomes-1-{field}-error"' in body or f'id="outcomes-1-{field}"' in body
    assert "Kept description" in body and 'value="refused"' in body
    assert _scheme("ruled") is None


def test_scheme_level_rules_on_create(app, client):
    """The scheme needs a well-formed code not used by another scheme, an English name and at least one outcome."""
    _admin(client)
    for data, message in [(scheme_form("pilot"), "Another scheme already has the code “pilot”."),
                          (scheme_form("Bad Code"), "Use lower-case letters, digits"),
                          (scheme_form("named", name_en=""), "Enter the English name."),
                          (scheme_form("empty", rows=()), "Give the scheme at least one outcome.")]:
        response = client.post("/decisions/schemes/new", data=data)
        assert response.status_code == 400 and message in response.get_data(as_text=True), message
    assert [s.code for s in db.session.scalars(select(OutcomeScheme).order_by(OutcomeScheme.code))] == \
        ["anqa-2025", "pilot"]


def test_two_rows_with_one_code_are_refused(app, client):
    """Outcome codes are unique within a scheme (the database's unique constraint), as a message on the row."""
    _admin(client)
    response = client.post("/decisions/schemes/new", data=scheme_form("twice", rows=(POSITIVE, POSITIVE)))
    assert response.status_code == 400
    assert "Another outcome of this scheme already has the code “approved”." in response.get_data(as_text=True)


def test_the_service_refuses_what_the_database_would_reject(app):
    """Called directly, the service raises a SchemeInvalid (400) listing each problem, never an IntegrityError."""
    bad = OutcomeData(code="neg", label_en="Negative", kind=OutcomeKind.NEGATIVE, max_validity_years=3,
                      max_condition_window_months=6, deqar_decision=DeqarDecision.NEGATIVE)
    with pytest.raises(SchemeInvalid) as refused:
        create_scheme(None, SchemeData(code="pilot", name_en="Dup"), [bad, bad])
    fields = [field for field, _message in refused.value.problems]
    assert refused.value.status_code == 400
    assert fields == ["code", "outcomes-0-max_validity_years", "outcomes-0-max_condition_window_months",
                      "outcomes-1-code", "outcomes-1-max_validity_years", "outcomes-1-max_condition_window_months"]
    db.session.rollback()


# --- edit, reorder, add, remove (a scheme not in use) -----------------------------------------------------------

def test_unused_scheme_can_change_everything(app, client):
    """A scheme nothing uses: its code, names and every field of an outcome change, each change audited."""
    scheme = unused_scheme()
    _admin(client)
    assert client.post(f"/decisions/schemes/{scheme.id}/edit", data={
        "code": "renamed", "name_en": "Renamed", "name_hy": "", "description": "New text"}).status_code == 302
    outcome = scheme.outcomes[0]
    response = client.post(f"/decisions/schemes/{scheme.id}/outcomes/{outcome.id}/edit", data={
        **CONDITIONAL, "code": "now_conditional"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (scheme.code, scheme.name_hy, scheme.description) == ("renamed", None, "New text")
    assert (outcome.code, outcome.kind, outcome.conditions_required, outcome.max_condition_window_months) == \
        ("now_conditional", OutcomeKind.CONDITIONAL, True, 12)
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"outcome_scheme.update", "outcome_scheme.update_outcome"} <= actions


def test_outcomes_are_added_moved_and_removed(app, client):
    """An outcome is appended, moved up, and removed; positions stay 0..n-1 in the shown order."""
    scheme = unused_scheme(rows=(POSITIVE, NEGATIVE))
    _admin(client)
    assert client.post(f"/decisions/schemes/{scheme.id}/outcomes/new", data=CONDITIONAL).status_code == 302
    db.session.expire_all()
    added = scheme.outcomes[-1]
    assert added.code == "approved_conditions"
    assert client.post(f"/decisions/schemes/{scheme.id}/outcomes/{added.id}/move",
                       data={"direction": "up"}).status_code == 302
    db.session.expire_all()
    assert [o.code for o in scheme.outcomes] == ["approved", "approved_conditions", "refused"]
    assert client.post(f"/decisions/schemes/{scheme.id}/outcomes/{scheme.outcomes[0].id}/remove").status_code == 302
    db.session.expire_all()
    assert [(o.code, o.position) for o in scheme.outcomes] == [("approved_conditions", 0), ("refused", 1)]
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("outcome_scheme.%"))))
    assert {"outcome_scheme.add_outcome", "outcome_scheme.reorder", "outcome_scheme.remove_outcome"} <= set(actions)


def test_moving_past_the_end_and_removing_the_last_outcome_are_refused(app, client):
    """The first outcome cannot move up, and a scheme keeps at least one outcome (409 with a message)."""
    scheme = unused_scheme(rows=(POSITIVE,))
    _admin(client)
    only = scheme.outcomes[0]
    response = client.post(f"/decisions/schemes/{scheme.id}/outcomes/{only.id}/move", data={"direction": "up"})
    assert response.status_code == 409 and "“approved” is already the first outcome." in response.get_data(True)
    response = client.post(f"/decisions/schemes/{scheme.id}/outcomes/{only.id}/remove")
    assert response.status_code == 409 and "A scheme keeps at least one outcome" in response.get_data(True)
    assert db.session.get(Outcome, only.id) is not None


def test_an_outcome_of_another_scheme_answers_404(app, client):
    """An outcome is reached only under its own scheme."""
    scheme, other = unused_scheme(), unused_scheme()
    _admin(client)
    url = f"/decisions/schemes/{scheme.id}/outcomes/{other.outcomes[0].id}"
    assert client.get(f"{url}/edit").status_code == 404
    assert client.post(f"{url}/remove").status_code == 404


def test_an_outcome_edit_breaking_a_rule_keeps_the_input(app, client):
    """Editing an outcome into a negative one with a validity answers 400 with the message and the typed code."""
    scheme = unused_scheme()
    _admin(client)
    response = client.post(f"/decisions/schemes/{scheme.id}/outcomes/{scheme.outcomes[0].id}/edit",
                           data={**NEGATIVE, "code": "typed_code", "max_validity_years": "2"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "A negative outcome has no validity period" in body
    assert 'value="typed_code"' in body


# --- pages ---------------------------------------------------------------------------------------------------

def test_list_page_runs_the_same_queries_however_many_schemes(app, client):
    """The list counts each scheme's uses in aggregate queries: no query per scheme."""
    _admin(client)
    use_by_call(unused_scheme())
    small = statements_for(client, "/decisions/schemes")
    for _ in range(4):
        use_by_call(unused_scheme())
    assert statements_for(client, "/decisions/schemes") == small


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_scheme_pages_are_accessible(app, client, locale):
    """List, scheme, new, edit, copy and outcome pages (in use or not, with errors) pass the checks."""
    unused, used = unused_scheme(), unused_scheme()
    use_by_call(used)
    _admin(client)
    client.post("/language", data={"locale": locale})
    urls = ["/decisions/schemes", "/decisions/schemes/new"]
    for scheme in (unused, used):
        base = f"/decisions/schemes/{scheme.id}"
        urls += [base, f"{base}/edit", f"{base}/copy", f"{base}/outcomes/new",
                 f"{base}/outcomes/{scheme.outcomes[1].id}/edit"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))
    errors = client.post("/decisions/schemes/new", data=scheme_form("Bad Code", rows=({**POSITIVE, "kind": ""},)))
    assert_accessible("new (errors)", errors.get_data(as_text=True))
    locked = client.post(f"/decisions/schemes/{used.id}/outcomes/{used.outcomes[0].id}/edit",
                         data={**POSITIVE, "max_validity_years": "9"})
    assert locked.status_code == 409
    assert_accessible("outcome (locked refusal)", locked.get_data(as_text=True))


def test_form_rows_build_service_input(app):
    """The factory's rows convert to the service's input unchanged (a guard for the other tests)."""
    assert outcome_data(CONDITIONAL).max_condition_window_months == 12 and outcome_data(NEGATIVE).kind == "negative"
