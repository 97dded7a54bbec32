"""The field checks DEQAR's serializers (Django REST Framework) make, with DRF's and DEQAR's own wording: each
returns the message for a bad value, or None when DEQAR would accept it. rules.py applies them to a report."""
import base64
import binascii
import re
from urllib.parse import urlsplit

from qa_portal.registry.services.deqar.vocabulary import FULL_DEGREE_VALUES, NO_FULL_DEGREE_VALUES, matches_vocabulary

# DRF's messages (rest_framework/fields.py, serializers.py), quoted exactly.
REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
NOT_BLANK = "This field may not be blank."
NOT_A_STRING = "Not a valid string."
NOT_AN_INTEGER = "A valid integer is required."
NOT_A_URL = "Enter a valid URL."
EMPTY_LIST = "This list may not be empty."
# DEQAR's own serializer fields (submissionapi/serializer_fields/*.py).
DEGREE_OUTCOME_INVALID = "Please provide valid degree_outcome value."
ESCO_BASE_MISSING = "ESCO base URL is missing from the data."
ISCED_INVALID = "Either full ESCO URI or max. 4-digit ISCED-F number needed."
ESCO_BASE = "http://data.europa.eu/esco/"
ISCED_BASE = "http://data.europa.eu/esco/isced-f"
ISCED_CODE = re.compile(r"^[0-9]{1,4}$")
_TRAILING_DECIMAL_ZEROS = re.compile(r"\.0*\s*$")  # DRF IntegerField strips these, so 15.0 passes and 2.5 does not


def type_name(value) -> str:
    """Python's name for the JSON value's type, as DEQAR's messages print it (int, float, bool, list, dict)."""
    return type(value).__name__


def not_a_list(value) -> str:
    """DRF's message for a non-list where a list is expected."""
    return f'Expected a list of items but got type "{type_name(value)}".'


def not_a_dict(value) -> str:
    """DRF's message for a nested object that is not an object."""
    return f"Invalid data. Expected a dictionary, but got {type_name(value)}."


def too_long(max_length: int) -> str:
    """DRF's max_length message."""
    return f"Ensure this field has no more than {max_length} characters."


def char_problem(value, max_length: int | None = None, allow_null: bool = False, allow_blank: bool = False):
    """DRF CharField: strings, ints and floats (converted), not booleans, objects or lists; trimmed; not blank."""
    if value is None:
        return None if allow_null else NOT_NULL
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return NOT_A_STRING
    text = str(value).strip()
    if not text and not allow_blank:
        return NOT_BLANK
    if max_length is not None and len(text) > max_length:
        return too_long(max_length)
    return None


# Django's URLValidator, which DRF's URLField runs: the host is a dotted domain name (its last label two or more
# letters, or a punycode xn-- label), `localhost`, an IPv4 address or a bracketed IPv6 address.
_UNICODE = "\u00a1-\uffff"
_LABEL = rf"[a-z0-9{_UNICODE}](?:[a-z0-9{_UNICODE}-]{{0,61}}[a-z0-9{_UNICODE}])?"
_DOMAIN = rf"(?:\.(?!-)[a-z0-9{_UNICODE}-]{{1,63}}(?<!-))*"
_TLD = rf"\.(?!-)(?:[a-z{_UNICODE}-]{{2,63}}|xn--[a-z0-9]{{1,59}})(?<!-)\.?"
_OCTET = r"(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)"
_IPV4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
DJANGO_URL = re.compile(
    rf"^(?:[a-z0-9.+-]*)://(?:[^\s:@/]+(?::[^\s:@/]*)?@)?"
    rf"(?:{_IPV4}|\[[0-9a-f:.]+\]|(?:{_LABEL}{_DOMAIN}{_TLD}|localhost))"
    rf"(?::[0-9]{{1,5}})?(?:[/?#][^\s]*)?\Z", re.IGNORECASE)


def url_problem(value, max_length: int):
    """DRF URLField: a CharField holding an absolute http(s)/ftp(s) URL whose host Django's URLValidator accepts
    (a dotted domain, `localhost` or an IP address: `http://intranet/` is refused), with no spaces."""
    problem = char_problem(value, max_length)
    if problem:
        return problem
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https", "ftp", "ftps") or not parts.hostname or not DJANGO_URL.match(text):
        return NOT_A_URL
    return None


def string_typed_problem(value):
    """DEQAR's id-or-name fields (agency, status, decision, QF-EHEA level, assessment, language, country) take JSON
    strings only: a number is refused rather than converted."""
    if not isinstance(value, str):
        return f"Incorrect type. Expected a string, but got {type_name(value)}"
    return None


def vocabulary_problem(value, vocabulary: dict[str, str], bad_id: str, bad_name: str):
    """An id-or-name field: a string, matched by id when all digits, else by name case-insensitively."""
    problem = string_typed_problem(value)
    if problem:
        return problem
    if not matches_vocabulary(value, vocabulary):
        return bad_id if value.isdigit() else bad_name
    return None


def integer_problem(value):
    """DRF IntegerField: an int, or a number or string that is an integer once trailing ".0" is dropped."""
    if isinstance(value, bool):
        return NOT_AN_INTEGER
    try:
        int(_TRAILING_DECIMAL_ZEROS.sub("", str(value)))
    except ValueError:
        return NOT_AN_INTEGER
    return None


def integer_value(value) -> int | None:
    """The integer DEQAR would store for a valid workload_ects (None when invalid)."""
    if integer_problem(value):
        return None
    return int(_TRAILING_DECIMAL_ZEROS.sub("", str(value)))


def degree_outcome_problem(value):
    """DegreeOutcomeField: exactly 1, "1", "yes", "full degree", 2, "2", "no" or "no full degree" (case-sensitive)."""
    if isinstance(value, bool) or (value not in FULL_DEGREE_VALUES and value not in NO_FULL_DEGREE_VALUES):
        return DEGREE_OUTCOME_INVALID
    return None


def is_no_full_degree(value) -> bool:
    """degree_outcome 2: the programme is a micro-credential or other provision, not a full degree."""
    return not isinstance(value, bool) and value in NO_FULL_DEGREE_VALUES


def esco_problem(value):
    """ESCOSerializer: empty, or a string containing DEQAR's ESCO base URL; the model stores at most 70 characters."""
    problem = char_problem(value, allow_blank=True)
    if problem or value == "":
        return problem
    if ESCO_BASE not in str(value):
        return ESCO_BASE_MISSING
    return too_long(70) if len(str(value)) > 70 else None


def isced_problem(value):
    """ISCEDSerializer: empty, a 1–4 digit ISCED-F code, or a full ESCO isced-f URI (stored in at most 70 chars)."""
    problem = char_problem(value, allow_blank=True)
    if problem or value == "":
        return problem
    text = str(value)
    if ISCED_BASE not in text and not ISCED_CODE.search(text):
        return ISCED_INVALID
    uri = text if ISCED_BASE in text else f"{ISCED_BASE}/{text}"
    return too_long(70) if len(uri) > 70 else None


def pdf_base64_problem(value):
    """PDFBase64File: Base64 that decodes to a PDF (DEQAR opens it with pypdf; we check the %PDF- header)."""
    try:
        content = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        return "File is not a valid pdf file"
    return None if content.startswith(b"%PDF-") else "File is not a valid pdf file"
