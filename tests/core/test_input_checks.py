"""Never a 500 from input: every route of the URL map, anonymously and as a signed-in officer, with ids beyond the
database's integers (404), NUL and control characters in the path, the query string and form fields (400), and
odd numbers (huge, other scripts' digits, negative) in every query parameter and form field (never a 5xx).

The data is one published decision with its case, institution, specification and standards (ids 1 exist), not the
whole demo, so the walk stays fast on SQLite and PostgreSQL alike."""
import re
from pathlib import Path

import pytest
from sqlalchemy import String, Text, select
from werkzeug.exceptions import NotFound
from wtforms.fields.core import UnboundField

from qa_portal.auth.models import Role
from qa_portal.core.forms import FlaskForm
from qa_portal.core.input_checks import MAX_ID, parse_id
from qa_portal.credentials.services.keys import generate_key
from qa_portal.extensions import db
from qa_portal.reviews.models import PanelReportVersion
from tests.factories import PASSWORD, login, make_user
from tests.registry.factories import published_decision
from tests.route_walk import PUBLIC_ENDPOINTS, sample_url

HUGE_IDS = [str(MAX_ID + 1), str(2**63)]  # one past PostgreSQL's INTEGER, one past SQLite's
ODD_NUMBERS = [str(MAX_ID + 1), str(2**63), "9" * 5000, "²", "-1"]
# Every query parameter a page or the API reads (tests/core/test_input_checks.py fails on a 5xx from any of them).
QUERY_PARAMETERS = [
    "page", "call", "institution", "state", "overdue", "case_id", "origin", "old", "new", "eqf", "field", "q", "role",
    "status", "actor", "action", "object_type", "object_id", "from", "to", "type", "language", "available", "next",
    "ects_min", "ects_max", "outcome", "valid_on", "updated_since", "limit", "cursor", "qa_status", "set", "valid",
    "country", "mode", "level", "per_page",
]


def _all_form_field_names() -> list[str]:
    """The name of every field of every form in the portal (sub-forms' prefixes aside)."""
    names, pending = set(), list(FlaskForm.__subclasses__())
    while pending:
        form_class = pending.pop()
        pending += form_class.__subclasses__()
        names |= {name for name in dir(form_class) if isinstance(getattr(form_class, name, None), UnboundField)}
    return sorted(names)


def _api_parameters(client) -> dict[str, list[str]]:
    """Each API endpoint's documented query parameters, from its OpenAPI document."""
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = {}
    for operations in document["paths"].values():
        for operation in operations.values():
            names = [reference["$ref"].rsplit("/", 1)[-1] for reference in operation.get("parameters", [])
                     if "$ref" in reference]
            parameters[f"registry.{operation['operationId']}"] = names
    return parameters


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _url_with(rule, int_value: str, string_value: str = "1") -> str:
    def fill(match: re.Match) -> str:
        return int_value if match.group(1) == "int" else string_value

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", fill, rule.rule)


@pytest.fixture
def small_world(app, tmp_path):
    """One published decision (case, institution, specification, standards, outcome, final report: ids 1 exist),
    and the agency's signing key, so the label and status-list routes run their views rather than answer 503."""
    app.config["QA_SIGNING_KEY_DIR"] = str(tmp_path / "keys")
    generate_key(tmp_path / "keys")
    decision = published_decision()
    case = decision.case
    for version in db.session.scalars(select(PanelReportVersion)):  # the frozen content names its case, as real ones do
        version.content = {**version.content, "case": {"reference": case.reference, "institution":
                                                       case.institution.name_en, "standard_version": "Standards v1"}}
    db.session.commit()
    yield
    app.config["QA_SIGNING_KEY_DIR"] = ""


@pytest.fixture(params=["anonymous", "officer"])
def visitor(request, app, client, small_world):
    """The walk's client: anonymous, or an officer (also admin) signed in."""
    client.anonymous = request.param == "anonymous"
    if not client.anonymous:
        login(client, make_user(Role.OFFICER, Role.ADMIN))
    return client


def _reaches_the_view(visitor, rule) -> bool:
    """Whether the visitor's request runs the view (anonymous visitors are sent to /login by any other route)."""
    return not visitor.anonymous or rule.endpoint in PUBLIC_ENDPOINTS


def test_ids_beyond_the_database_range_are_404_on_every_route(app, visitor):
    """2^31, 2^63, 10^30 and a 5,000-digit id answer 404 on every route with an id, for every method."""
    offenders = []
    for rule in _rules(app):
        if not any(isinstance(converter, type(app.url_map.converters["int"](app.url_map)))
                   for converter in rule._converters.values()):
            continue
        for method in _methods(rule):
            for value in HUGE_IDS:
                status = visitor.open(_url_with(rule, value), method=method).status_code
                if status != 404:
                    offenders.append(f"{method} {rule.rule} id={value[:20]} -> {status}")
    assert offenders == []


def test_control_characters_in_the_path_are_400_on_every_route(app, visitor):
    """A NUL (or another control character) anywhere in the path answers 400 on every route."""
    offenders = []
    for rule in _rules(app):
        for method in _methods(rule):
            urls = {sample_url(rule) + "%00", _url_with(rule, "1", "a%00b"), _url_with(rule, "1", "a%1bb")}
            for url in urls - {sample_url(rule)}:
                status = visitor.open(url, method=method).status_code
                if status != 400:
                    offenders.append(f"{method} {url} -> {status}")
    assert offenders == []


def test_control_characters_in_the_query_string_are_400_on_every_route(app, visitor):
    """?q=%00 (and a NUL in a parameter's name) answer 400 on every GET route, as JSON on the API."""
    offenders = []
    for rule in _rules(app):
        if "GET" not in rule.methods:
            continue
        for query in ("q=%00", "x%00=1", "page=%1b%5b2J"):
            response = visitor.get(f"{sample_url(rule)}?{query}")
            if response.status_code != 400:
                offenders.append(f"GET {rule.rule}?{query} -> {response.status_code}")
            elif rule.rule.startswith("/api/") and response.get_json()["error"]["code"] != "bad_request":
                offenders.append(f"GET {rule.rule}?{query}: not the API's error shape")
    assert offenders == []


def test_odd_numbers_in_every_query_parameter_never_answer_5xx(app, visitor):
    """Huge, negative and other scripts' digits in every parameter a page or the API reads: never a 5xx."""
    api_parameters = _api_parameters(visitor)
    offenders = []
    for rule in _rules(app):
        if "GET" not in rule.methods or not _reaches_the_view(visitor, rule):
            continue
        for value in ODD_NUMBERS:
            if rule.rule.startswith("/api/"):  # the API refuses unknown parameters: each documented one alone
                queries = [{name: value} for name in api_parameters.get(rule.endpoint, [])]
            else:
                queries = [{name: value for name in QUERY_PARAMETERS}]
            for query in queries:
                status = visitor.get(sample_url(rule), query_string=query).status_code
                if status >= 500:
                    offenders.append(f"GET {rule.rule} {query if len(query) == 1 else value[:20]} -> {status}")
    assert offenders == []


def test_nul_and_odd_numbers_in_every_form_field_never_answer_5xx_nor_store_a_nul(app, visitor):
    """Every POST route receives every form field of the portal with NUL-bearing text, then with odd numbers:
    never a 5xx, and no text column of any table holds a NUL afterwards."""
    names = _all_form_field_names()
    offenders = []
    for rule in _rules(app):
        if "POST" not in rule.methods:
            continue
        for values in ({name: f"text \x00 with NUL\x1b[2J in {name}" for name in names},
                       {name: ODD_NUMBERS[index % len(ODD_NUMBERS)] for index, name in enumerate(names)}):
            status = visitor.post(sample_url(rule), data=values).status_code
            if status >= 500:
                offenders.append(f"POST {rule.rule} -> {status}")
    assert offenders == []
    db.session.expire_all()
    for table in db.metadata.sorted_tables:
        text_columns = [column for column in table.columns if isinstance(column.type, (String, Text))]
        if text_columns:  # read back in Python: SQLite's LIKE stops at a NUL in its pattern
            for row in db.session.execute(select(*text_columns)):
                assert not any(isinstance(value, str) and "\x00" in value for value in row), (table.name, row)


def test_id_converter_matches_exactly_the_ids_a_database_can_hold(app):
    """The `int` converter takes 1..2^31-1 in ASCII digits: 2^31, 2^63, 5,000 digits, a sign or other scripts'
    digits do not match (the route answers 404)."""
    adapter = app.url_map.bind("localhost")
    assert adapter.match(f"/cases/{MAX_ID}")[1] == {"case_id": MAX_ID}
    for value in (str(MAX_ID + 1), str(2**63), "9" * 5000, "-1", "٣", "²", "1.0"):
        with pytest.raises(NotFound):
            adapter.match(f"/cases/{value}")


def test_parse_id_accepts_only_ascii_digits_in_range():
    """Ids from query strings and form fields: 1..2^31-1 in ASCII digits, anything else None (never an error)."""
    assert parse_id("42") == 42 and parse_id(" 42 ") == 42 and parse_id(str(MAX_ID)) == MAX_ID
    for text in (None, "", "0", "-1", "²", "٣", "1e3", "4.0", str(MAX_ID + 1), "9" * 5000, "12\x00"):
        assert parse_id(text) is None, text
    assert parse_id("8", maximum=8) == 8 and parse_id("9", maximum=8) is None


def test_a_form_with_control_characters_is_refused_keeping_the_users_text(app, client):
    """A consultation comment with a NUL: 400, the message at the field, the rest of the text kept, nothing saved."""
    from qa_portal.standards.models import ConsultationComment, VersionStatus
    from tests.standards.factories import make_version

    version = make_version(VersionStatus.CONSULTATION)
    login(client, make_user())
    response = client.post(f"/consultations/{version.id}",
                           data={"stakeholder_type": "hei", "standard": "", "text": "Our view:\x00 keep S1."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "control characters (such as NUL)" in page and "Our view: keep S1." in page
    assert db.session.scalar(select(ConsultationComment.id)) is None


def test_a_field_name_with_control_characters_is_400(app, client):
    """A form whose field name carries a NUL is refused before any view runs."""
    assert client.post("/login", data={"email\x00": "a@example.org", "password": "x"}).status_code == 400


@pytest.mark.parametrize("target", ["/\\evil.example", "/my-work\x00", "/my-work\r\nSet-Cookie: x=1"])
def test_sign_in_never_redirects_to_a_crafted_next(app, client, target):
    """`next` with a backslash (browsers read /\\host as //host) or control characters is ignored."""
    user = make_user()
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD})
    assert response.status_code in (302, 400)
    assert response.headers.get("Location", "/my-work") in ("/my-work", "http://localhost/my-work")


def test_every_form_of_the_portal_derives_from_the_core_form():
    """Every Flask-WTF form in qa_portal is a core.forms.FlaskForm, so none skips the control-character and range
    checks; no module imports Flask-WTF's FlaskForm directly."""
    import flask_wtf

    import qa_portal

    package = Path(qa_portal.__file__).parent
    direct = sorted(str(path.relative_to(package)) for path in package.rglob("*.py")
                    if "from flask_wtf import FlaskForm" in path.read_text())
    assert direct == []
    pending, outside = list(flask_wtf.FlaskForm.__subclasses__()), []
    while pending:
        form_class = pending.pop()
        pending += form_class.__subclasses__()
        if form_class.__module__.startswith("qa_portal.") and not issubclass(form_class, FlaskForm):
            outside.append(form_class.__qualname__)
    assert outside == []
