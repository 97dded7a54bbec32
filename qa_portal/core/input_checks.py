"""Input the database cannot hold never reaches it: ids beyond its integer range are 404, control characters are 400.

Ids: every `<int:…>` in a route is an id or a small number, and every id column is an INTEGER, which PostgreSQL
limits to 2^31-1 (SQLite to 2^63-1). The `int` URL converter here matches ASCII digits up to 2^31-1 only, so
`/cases/99999999999999999999` is an ordinary 404 on both databases instead of an overflow inside the driver;
`parse_id()` gives query-string and form values the same rule.

Control characters: PostgreSQL refuses NUL in text and nothing the portal stores needs the C0/C1 control characters
(tab, line feed and carriage return excepted). A path, query string or form-field name carrying one is refused with
400 before any view runs; a form-field value carrying one is refused by the form (core.forms.FlaskForm), which
re-renders with the rest of the user's text kept."""
import builtins
import re

from flask import Flask, abort, g, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; every id column and every number in a URL fits in it

# C0 and C1 control characters and DEL; text fields keep tab, line feed and carriage return.
CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_ANYWHERE = re.compile("[\x00-\x1f\x7f-\x9f]")

ADDRESS_REFUSED = _l("The address contains control characters (such as NUL), which the portal does not accept.")
PARAMETER_REFUSED = _l("A parameter of the address contains control characters (such as NUL), which the portal "
                       "does not accept.")
FIELD_NAME_REFUSED = _l("The form sent a field name with control characters (such as NUL); reload the page and "
                        "try again.")
FIELD_VALUE_REFUSED = _l("This field contained control characters (such as NUL), which cannot be saved; they have "
                         "been removed. Check the text and save again.")
NUMBER_REFUSED = _l("This number is out of range.")
FORM_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
FORM_MIMETYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def digits_up_to(maximum: int) -> str:
    """A regular expression matching exactly the whole numbers 0..maximum written in ASCII digits (no sign), so a
    larger one fails the URL match itself: a plain 404, never a 405 from a sibling rule on the same path."""
    digits = str(maximum)
    alternatives = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for position, digit in enumerate(digits):
        low, high = (1 if position == 0 and len(digits) > 1 else 0), int(digit) - 1
        if high >= low:
            rest = len(digits) - position - 1
            alternatives.append(f"{digits[:position]}[{low}-{high}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    alternatives.append(digits)
    return "(?:" + "|".join(alternatives) + ")"


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: ASCII digits up to MAX_ID; a longer or larger number does not match the route (404)."""

    regex = digits_up_to(MAX_ID)

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,  # noqa: A002
                 signed: bool = False) -> None:
        maximum = MAX_ID if max is None else builtins.min(max, MAX_ID)  # a route may lower the bound, never lift it
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=maximum, signed=signed)
        self.regex = digits_up_to(maximum)


def parse_id(text: str | None, maximum: int = MAX_ID) -> int | None:
    """A positive whole number typed in ASCII digits and no larger than maximum, else None (never an exception)."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(maximum)):
        return None
    value = int(text)
    return value if 0 < value <= maximum else None


def has_control_characters(text: str) -> bool:
    """Whether text holds a control character other than tab, line feed and carriage return."""
    return CONTROL_IN_TEXT.search(text) is not None


def without_control_characters(text: str) -> str:
    """text with its control characters (other than tab, line feed and carriage return) removed."""
    return CONTROL_IN_TEXT.sub("", text)


def refuse_control_characters() -> None:
    """400 for a control character in the path, a query parameter, or a form field's name (values: see the form)."""
    if CONTROL_ANYWHERE.search(request.path):
        abort(400, description=str(ADDRESS_REFUSED))
    for name, value in request.args.items(multi=True):
        if CONTROL_ANYWHERE.search(name) or has_control_characters(value):
            abort(400, description=str(PARAMETER_REFUSED))
    if request.method in FORM_METHODS and request.mimetype in FORM_MIMETYPES:
        for name in [*request.form.keys(), *request.files.keys()]:
            if CONTROL_ANYWHERE.search(name):
                abort(400, description=str(FIELD_NAME_REFUSED))


def mark_control_characters_refused() -> None:
    """Called by a form that removed control characters: the page it re-renders answers 400, not 200."""
    g.qa_control_characters_refused = True


def register_input_checks(app: Flask) -> None:
    """Install the bounded `int` converter (before any route is added) and the request checks (before any other)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_control_characters)

    @app.after_request
    def status_of_refused_form(response):
        if g.get("qa_control_characters_refused") and response.status_code == 200:
            response.status_code = 400
        return response
