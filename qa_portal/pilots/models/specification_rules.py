"""The validation rules, warnings and completeness check of a micro-credential specification (pure functions)."""
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from qa_portal.core.input_checks import parse_id
from qa_portal.pilots.models import (
    CYCLE_EQF_LEVEL, AssessmentType, CertificateType, LearningMode, ParticipationForm, QfEheaCycle, Stackability,
    Supervision,
)
from qa_portal.pilots.models.reference import countries, isced_fields, languages

ESCO_SKILL_URI = re.compile(
    r"^http://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
ISCED_CODE = re.compile(r"^\d{2,4}$")
ECTS_WARNING = Decimal(30)
ECTS_LIMIT = Decimal(60)
HOURS_PER_ECTS = (25, 30)
MAX_AWARDING_BODY = 200

ENUM_FIELDS = {
    "qf_ehea_cycle": QfEheaCycle, "assessment_type": AssessmentType, "participation_form": ParticipationForm,
    "supervision": Supervision, "certificate_type": CertificateType, "stackability": Stackability,
    "learning_mode": LearningMode,
}

CYCLE_LABELS = {
    QfEheaCycle.SHORT: _l("short"),
    QfEheaCycle.FIRST: _l("first"),
    QfEheaCycle.SECOND: _l("second"),
    QfEheaCycle.THIRD: _l("third"),
}


def split_codes(text: str | None) -> list[str]:
    """Split "AM, ge; FR" into codes, in order, without blanks or repeats."""
    seen: list[str] = []
    for part in re.split(r"[\s,;]+", text or ""):
        if part and part not in seen:
            seen.append(part)
    return seen


def split_lines(text: str | None) -> list[str]:
    """One entry per non-blank line, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_ects(text: str | None) -> tuple[Decimal | None, str | None]:
    """Read ECTS credits from the form: (value, error message); the range is checked by check_specification."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except ArithmeticError:
        return None, _("Enter ECTS as a number, e.g. 6 or 7.5.")
    if not value.is_finite():
        return None, _("Enter ECTS as a number, e.g. 6 or 7.5.")
    return value, None


def _ects_problem(value: Decimal) -> str | None:
    if value <= 0:
        return _("ECTS must be greater than 0.")
    if value >= 1000:  # before quantize(), which cannot round a number of thousands of digits
        return _("ECTS must be less than 1000.")
    if value != value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP):
        return _("ECTS takes at most one decimal place, e.g. 6 or 7.5.")
    return None


def parse_positive_int(text: str | None, message: str) -> tuple[int | None, str | None]:
    """Read a whole number greater than 0: (value, error message)."""
    text = (text or "").strip()
    if not text:
        return None, None
    value = parse_id(text, maximum=100000)
    return (value, None) if value is not None else (None, message)


def check_specification(data: dict) -> dict[str, str]:
    """Every rule that refuses a specification's content: field name → the first message for it."""
    errors: dict[str, str] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, message)

    if not (data.get("title_en") or "").strip():
        refuse("title_en", _("Enter the title in English."))
    for body in data.get("awarding_bodies") or []:
        if len(body) > MAX_AWARDING_BODY:
            refuse("awarding_bodies", _("Each awarding body must fit in %(max)s characters.", max=MAX_AWARDING_BODY))
    for code in data.get("issuer_countries") or []:
        if code not in countries():
            refuse("issuer_countries",
                   _("%(code)s is not an ISO 3166 country code; write two-letter codes such as AM, GE.", code=code))
    for code in data.get("languages") or []:
        if code not in languages():
            refuse("languages",
                   _("%(code)s is not an ISO 639-1 language code; write two-letter codes such as hy, en.", code=code))
    ects = data.get("ects")
    if ects is not None and _ects_problem(ects):
        refuse("ects", _ects_problem(ects))
    hours = data.get("notional_hours")
    if hours is not None and not (0 < hours <= 100000):
        refuse("notional_hours", _("Notional hours must be a whole number greater than 0."))
    if data.get("eqf_level") is not None and not 1 <= data["eqf_level"] <= 8:
        refuse("eqf_level", _("Choose an EQF level from 1 to 8, or “not applicable”."))
    if data.get("nqf_level") is not None and not 1 <= data["nqf_level"] <= 8:
        refuse("nqf_level", _("The NQF level must be between 1 and 8."))
    for field, enum_cls in ENUM_FIELDS.items():
        if data.get(field) is not None and data[field] not in {member.value for member in enum_cls}:
            refuse(field, _("Not a valid choice."))
    if ects is not None and ects >= ECTS_LIMIT and not (data.get("ects_override_reason") or "").strip():
        refuse("ects_override_reason",
               _("60 ECTS or more is not a micro-credential (DEQAR counts it as other provision): "
                 "give an override reason or lower the ECTS."))
    if hours_outside_range(ects, hours) and not (data.get("hours_reason") or "").strip():
        refuse("hours_reason", _("Notional hours are usually 25–30 per ECTS credit: give the reason for %(hours)s "
                                 "hours for %(ects)s ECTS, or correct them.", hours=hours, ects=_number(ects)))
    cycle = data.get("qf_ehea_cycle")
    if cycle in CYCLE_EQF_LEVEL and data.get("eqf_level") != CYCLE_EQF_LEVEL[cycle]:
        refuse("qf_ehea_cycle", _("The QF-EHEA %(cycle)s cycle corresponds to EQF level %(level)s.",
                                  cycle=CYCLE_LABELS[cycle], level=CYCLE_EQF_LEVEL[cycle]))
    code = data.get("isced_f_code") or ""
    if code and not ISCED_CODE.match(code):
        refuse("isced_f_code", _("An ISCED-F 2013 field code has 2 to 4 digits, e.g. 0613."))
    elif code and code not in isced_fields():
        refuse("isced_f_code", _("%(code)s is not a field in the ISCED-F 2013 list.", code=code))
    if data.get("stackability") == Stackability.STACKABLE and not (data.get("stackable_towards") or "").strip():
        refuse("stackable_towards", _("Name the qualification this micro-credential is stackable towards."))
    valid_from, valid_to = data.get("valid_from"), data.get("valid_to")
    if valid_from and valid_to and valid_to <= valid_from:
        refuse("valid_to", _("The end of validity must be after its start."))
    for index, outcome in enumerate(data.get("outcomes") or []):
        for uri in outcome.get("esco_uris") or []:
            if not ESCO_SKILL_URI.match(uri):
                refuse(f"outcomes-{index}-esco_uris",
                       _("%(uri)s is not an ESCO skill URI (http://data.europa.eu/esco/skill/<uuid>).", uri=uri))
        if outcome.get("esco_uris") and not (outcome.get("statement") or "").strip():
            refuse(f"outcomes-{index}-statement", _("A learning outcome with ESCO skills needs a statement."))
    return errors


def hours_outside_range(ects: Decimal | None, hours: int | None) -> bool:
    """The notional hours fall outside 25–30 per ECTS credit (both given and valid)."""
    if ects is None or hours is None or _ects_problem(ects) or not 0 < hours <= 100000:
        return False
    return not ects * HOURS_PER_ECTS[0] <= hours <= ects * HOURS_PER_ECTS[1]


def specification_warnings(spec) -> list[str]:
    """Advice that does not block saving: large ECTS, notional hours outside 25–30 per credit."""
    warnings: list[str] = []
    ects = spec.ects
    if ects is None:
        return warnings
    if ects >= ECTS_WARNING:
        warnings.append(_("30 ECTS or more is large for a micro-credential."))
    low, high = (ects * HOURS_PER_ECTS[0], ects * HOURS_PER_ECTS[1])
    if spec.notional_hours is not None and not (low <= spec.notional_hours <= high):
        warnings.append(_("Notional hours are usually 25–30 per ECTS credit: %(low)s–%(high)s hours for %(ects)s ECTS.",
                          low=_number(low), high=_number(high), ects=_number(ects)))
    return warnings


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


@dataclass(frozen=True)
class Element:
    """One mandatory element of the description and how to tell it is there."""

    key: str
    label: object
    present: object


# EU Council Recommendation 2022, Annex I (specification-level mandatory elements) plus the seed's
# "Main elements of information" (short description, field of study, mode of learning, further learning).
MANDATORY_ELEMENTS = (
    Element("title", _l("Title"), lambda v: bool((v.title_en or "").strip())),
    Element("issuer_countries", _l("Country(ies) of the issuer"), lambda v: bool(v.issuer_countries)),
    Element("awarding_bodies", _l("Awarding body(ies)"), lambda v: bool(v.awarding_bodies)),
    Element("short_description", _l("Short description"), lambda v: bool((v.short_description or "").strip())),
    Element("outcomes", _l("Learning outcomes"), lambda v: any((o.statement or "").strip() for o in v.outcomes)),
    Element("workload", _l("Notional workload (ECTS)"), lambda v: v.ects is not None),
    Element("level", _l("Level (EQF, or not applicable)"), lambda v: v.eqf_level is not None or v.eqf_not_applicable),
    Element("field", _l("Field of study (ISCED-F)"), lambda v: bool(v.isced_f_code)),
    Element("assessment", _l("Type of assessment"), lambda v: v.assessment_type is not None),
    Element("participation", _l("Form of participation"), lambda v: v.participation_form is not None),
    Element("learning_mode", _l("Mode of learning"), lambda v: v.learning_mode is not None),
    Element("stackability", _l("Stackability and further learning"), lambda v: v.stackability is not None),
    Element("qa_type", _l("Type of quality assurance"), lambda v: bool((v.qa_type or "").strip())),
)


def completeness(version) -> tuple[int, list[str]]:
    """The share of mandatory elements present (0–100) and the labels of the missing ones."""
    missing = [str(element.label) for element in MANDATORY_ELEMENTS if not element.present(version)]
    present = len(MANDATORY_ELEMENTS) - len(missing)
    return (present * 100) // len(MANDATORY_ELEMENTS), missing


def is_complete(version) -> bool:
    """True when every mandatory element is present (an application may then be submitted)."""
    return not completeness(version)[1]
