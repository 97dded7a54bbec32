"""Outcome-scheme administration: create a scheme with its outcomes, edit, reorder, add and remove outcomes, and
copy a scheme as a new one. Every rule the database checks is checked here first, as a form message.

A scheme is IN USE once a call names it, a panel report recommends one of its outcomes, a council decision records
one, or it is the scheme cases opened without a call are decided under (reviews' fallback). An in-use scheme is
the rulebook of decisions already taken or under way, so only wording may change:
- safe (allowed): the scheme's English and Armenian names and description, the outcomes' English and Armenian
  labels (corrections of wording: frozen panel reports keep their own copy), and the outcomes' order (display only);
- locked (refused with 409): the scheme's code, each outcome's code, kind, maximum validity, conditions rule,
  condition window and DEQAR value, adding an outcome and removing one. "Copy as a new scheme" gives an editable
  copy instead."""
import re
from dataclasses import dataclass, fields, replace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from qa_portal.audit.services import record
from qa_portal.core.errors import DomainError
from qa_portal.decisions.models import Decision
from qa_portal.extensions import db
from qa_portal.pilots.models import Call, DeqarDecision, Outcome, OutcomeKind, OutcomeScheme
from qa_portal.reviews.models import Case, PanelReport

__all__ = ["SchemeData", "OutcomeData", "SchemeUsage", "SchemeInvalid", "SchemeLocked", "LOCKED_OUTCOME_FIELDS",
           "ALLOWED_DEQAR", "usage_of", "usage_by_scheme", "outcome_problems", "create_scheme",
           "update_scheme", "add_outcome", "update_outcome", "move_outcome", "remove_outcome", "copy_scheme"]

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
CODE_MAX, NAME_MAX, MAX_YEARS, MAX_MONTHS = 40, 200, 30, 120
FALLBACK_SCHEME_CODE = "pilot"  # reviews.report.outcome_scheme_for: cases without a call use it (else the oldest)

# The DEQAR values each kind may report: a conditional outcome is never plain "positive", a negative one never
# positive; "not applicable" suits any kind (e.g. an advisory outcome that DEQAR does not record as a decision).
ALLOWED_DEQAR = {
    OutcomeKind.POSITIVE: (DeqarDecision.POSITIVE, DeqarDecision.POSITIVE_WITH_CONDITIONS,
                           DeqarDecision.NOT_APPLICABLE),
    OutcomeKind.CONDITIONAL: (DeqarDecision.POSITIVE_WITH_CONDITIONS, DeqarDecision.NOT_APPLICABLE),
    OutcomeKind.NEGATIVE: (DeqarDecision.NEGATIVE, DeqarDecision.NOT_APPLICABLE),
}

LOCKED_OUTCOME_FIELDS = {
    "code": _l("code"), "kind": _l("kind"), "max_validity_years": _l("maximum validity"),
    "max_condition_window_months": _l("condition window"), "deqar_decision": _l("DEQAR decision value"),
}


@dataclass
class SchemeData:
    """A scheme's own fields as typed in the form."""

    code: str
    name_en: str
    name_hy: str = ""
    description: str = ""


@dataclass
class OutcomeData:
    """An outcome's fields as typed in the form; conditions are required exactly when the kind is conditional."""

    code: str
    label_en: str
    label_hy: str = ""
    kind: OutcomeKind | None = None
    max_validity_years: int | None = None
    max_condition_window_months: int | None = None
    deqar_decision: DeqarDecision | None = None

    @classmethod
    def of(cls, outcome: Outcome) -> "OutcomeData":
        """The data of a stored outcome (to copy it or to fill its form)."""
        return cls(**{field.name: getattr(outcome, field.name) for field in fields(cls)})


@dataclass
class SchemeUsage:
    """What uses a scheme: calls naming it, panel reports and decisions citing its outcomes, cases without a call
    decided under it."""

    calls: int = 0
    recommendations: int = 0
    decisions: int = 0
    cases_without_call: int = 0

    @property
    def in_use(self) -> bool:
        """Anything at all uses the scheme."""
        return bool(self.calls or self.recommendations or self.decisions or self.cases_without_call)


class SchemeInvalid(DomainError):
    """The scheme or outcome data break a rule; `problems` lists (form field, message) (HTTP 400)."""

    status_code = 400

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(message for _field, message in problems), field=problems[0][0] or None)
        self.problems = problems


class SchemeLocked(DomainError):
    """The scheme is in use and the change would alter past or running decisions (HTTP 409)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message, field=field)
        self.problems = [(field or "", message)]


# --- usage ---------------------------------------------------------------------------------------------------

def _fallback_scheme_id() -> int | None:
    """The scheme cases without a call are decided under (the same choice as reviews.report.outcome_scheme_for)."""
    return (db.session.scalar(select(OutcomeScheme.id).where(OutcomeScheme.code == FALLBACK_SCHEME_CODE))
            or db.session.scalar(select(OutcomeScheme.id).order_by(OutcomeScheme.id).limit(1)))


def usage_by_scheme(scheme_ids: list[int]) -> dict[int, SchemeUsage]:
    """The usage of each scheme, in four aggregate queries whatever the number of schemes."""
    usage = {scheme_id: SchemeUsage() for scheme_id in scheme_ids}
    if not scheme_ids:
        return usage
    per_scheme = [
        ("calls", select(Call.outcome_scheme_id, func.count(Call.id)).where(Call.outcome_scheme_id.in_(scheme_ids))
         .group_by(Call.outcome_scheme_id)),
        ("recommendations", select(Outcome.scheme_id, func.count(PanelReport.id))
         .join(PanelReport, PanelReport.recommended_outcome_id == Outcome.id)
         .where(Outcome.scheme_id.in_(scheme_ids)).group_by(Outcome.scheme_id)),
        ("decisions", select(Outcome.scheme_id, func.count(Decision.id))
         .join(Decision, Decision.outcome_id == Outcome.id)
         .where(Outcome.scheme_id.in_(scheme_ids)).group_by(Outcome.scheme_id)),
    ]
    for attribute, query in per_scheme:
        for scheme_id, count in db.session.execute(query):
            setattr(usage[scheme_id], attribute, count)
    fallback = _fallback_scheme_id()
    if fallback in usage:
        usage[fallback].cases_without_call = db.session.scalar(
            select(func.count(Case.id)).where(Case.application_id.is_(None))) or 0
    return usage


def usage_of(scheme: OutcomeScheme) -> SchemeUsage:
    """What uses this scheme."""
    return usage_by_scheme([scheme.id])[scheme.id]


def _refuse_if_in_use(scheme: OutcomeScheme, message: str, field: str | None = None) -> None:
    """Raise SchemeLocked with the message and the way out when the scheme is in use."""
    if usage_of(scheme).in_use:
        raise SchemeLocked(_("%(message)s The scheme “%(code)s” is in use by calls, panel reports or decisions; "
                             "copy it as a new scheme to change it.", message=message, code=scheme.code), field=field)


# --- rules ---------------------------------------------------------------------------------------------------

def _text_problems(field: str, value: str, label: str, maximum: int, required: bool = True) -> list[tuple[str, str]]:
    """A required or optional single-line text with a maximum length."""
    if required and not value.strip():
        return [(field, _("Enter the %(label)s.", label=label))]
    if len(value.strip()) > maximum:
        return [(field, _("The %(label)s is at most %(max)d characters.", label=label, max=maximum))]
    return []


def _code_problems(code: str) -> list[tuple[str, str]]:
    """Codes are short lower-case identifiers (letters, digits, - and _)."""
    problems = _text_problems("code", code, _("code"), CODE_MAX)
    if not problems and not CODE_PATTERN.match(code.strip()):
        problems.append(("code", _("Use lower-case letters, digits, “-” and “_” only, starting with a letter or "
                                   "digit (for example accredited_6_years).")))
    return problems


def scheme_problems(data: SchemeData, scheme: OutcomeScheme | None = None) -> list[tuple[str, str]]:
    """The scheme's code (unique, well-formed) and names."""
    problems = _code_problems(data.code)
    taken = select(OutcomeScheme.id).where(OutcomeScheme.code == data.code.strip())
    if scheme is not None:
        taken = taken.where(OutcomeScheme.id != scheme.id)
    if not problems and db.session.scalar(taken) is not None:
        problems.append(("code", _("Another scheme already has the code “%(code)s”.", code=data.code.strip())))
    problems += _text_problems("name_en", data.name_en, _("English name"), NAME_MAX)
    problems += _text_problems("name_hy", data.name_hy or "", _("Armenian name"), NAME_MAX, required=False)
    return problems


def outcome_problems(data: OutcomeData, taken_codes=()) -> list[tuple[str, str]]:
    """Every rule of one outcome (the database's CHECK constraints and the DEQAR vocabulary), as form messages."""
    problems = _code_problems(data.code)
    if not problems and data.code.strip() in taken_codes:
        problems.append(("code", _("Another outcome of this scheme already has the code “%(code)s”.",
                                   code=data.code.strip())))
    problems += _text_problems("label_en", data.label_en, _("English label"), NAME_MAX)
    problems += _text_problems("label_hy", data.label_hy or "", _("Armenian label"), NAME_MAX, required=False)
    if data.kind not in set(OutcomeKind):
        problems.append(("kind", _("Choose the kind: positive, conditional or negative.")))
    years, months = data.max_validity_years, data.max_condition_window_months
    if data.kind == OutcomeKind.NEGATIVE and years is not None:
        problems.append(("max_validity_years", _("A negative outcome has no validity period: leave it empty.")))
    elif data.kind in (OutcomeKind.POSITIVE, OutcomeKind.CONDITIONAL) and years is None:
        problems.append(("max_validity_years", _("Give the maximum validity in years (a positive or conditional "
                                                 "outcome is valid for a limited time).")))
    elif years is not None and not 1 <= years <= MAX_YEARS:
        problems.append(("max_validity_years", _("The maximum validity is from 1 to %(max)d years.", max=MAX_YEARS)))
    if data.kind == OutcomeKind.CONDITIONAL and months is None:
        problems.append(("max_condition_window_months", _("A conditional outcome requires conditions: give the "
                                                          "longest time, in months, allowed to meet them.")))
    elif data.kind in (OutcomeKind.POSITIVE, OutcomeKind.NEGATIVE) and months is not None:
        problems.append(("max_condition_window_months", _("Only a conditional outcome sets conditions: leave the "
                                                          "condition window empty.")))
    elif months is not None and not 1 <= months <= MAX_MONTHS:
        problems.append(("max_condition_window_months",
                         _("The condition window is from 1 to %(max)d months.", max=MAX_MONTHS)))
    elif months is not None and years is not None and 1 <= years <= MAX_YEARS and months > 12 * years:
        problems.append(("max_condition_window_months",
                         _("Conditions must be due within the validity: at most %(months)d months.",
                           months=12 * years)))
    if data.deqar_decision not in set(DeqarDecision):
        problems.append(("deqar_decision", _("Choose the DEQAR decision value: positive, positive with conditions "
                                             "or restrictions, negative, or not applicable.")))
    elif data.kind in ALLOWED_DEQAR and data.deqar_decision not in ALLOWED_DEQAR[data.kind]:
        problems.append(("deqar_decision", _("A %(kind)s outcome is reported to DEQAR as %(allowed)s.",
                                             kind=data.kind.value, allowed=_(" or ").join(
                                                 f"“{value.value}”" for value in ALLOWED_DEQAR[data.kind]))))
    return problems


def _apply(outcome: Outcome, data: OutcomeData) -> None:
    """Copy checked data onto an outcome (conditions required exactly for a conditional kind)."""
    outcome.code, outcome.label_en, outcome.label_hy = data.code.strip(), data.label_en.strip(), \
        (data.label_hy or "").strip()
    outcome.kind, outcome.deqar_decision = OutcomeKind(data.kind), DeqarDecision(data.deqar_decision)
    outcome.max_validity_years = data.max_validity_years
    outcome.conditions_required = outcome.kind == OutcomeKind.CONDITIONAL
    outcome.max_condition_window_months = data.max_condition_window_months


def _flush_unique(field: str, message: str) -> None:
    """Flush; a unique constraint that another request won in the meantime becomes a form message."""
    try:
        db.session.flush()
    except IntegrityError as error:
        raise SchemeInvalid([(field, message)]) from error


def _audit_data(scheme: OutcomeScheme) -> dict:
    """The scheme's code and outcome codes, for the audit log."""
    return {"code": scheme.code, "outcomes": [outcome.code for outcome in scheme.outcomes]}


# --- changes -------------------------------------------------------------------------------------------------

def create_scheme(actor, data: SchemeData, outcomes: list[OutcomeData]) -> OutcomeScheme:
    """Create a scheme with at least one outcome, every row checked (fields of row i named outcomes-i-…)."""
    problems = scheme_problems(data)
    if not outcomes:
        problems.append(("outcomes", _("Give the scheme at least one outcome.")))
    seen: set[str] = set()
    for index, row in enumerate(outcomes):
        problems += [(f"outcomes-{index}-{field}", message) for field, message in outcome_problems(row, seen)]
        seen.add(row.code.strip())
    if problems:
        raise SchemeInvalid(problems)
    scheme = OutcomeScheme(code=data.code.strip(), name_en=data.name_en.strip(), name_hy=(data.name_hy or "").strip()
                           or None, description=(data.description or "").strip())
    for position, row in enumerate(outcomes):
        outcome = Outcome(position=position)
        _apply(outcome, row)
        scheme.outcomes.append(outcome)
    db.session.add(scheme)
    _flush_unique("code", _("Another scheme already has the code “%(code)s”.", code=scheme.code))
    record(actor, "outcome_scheme.create", scheme, f"Created outcome scheme {scheme.code}", _audit_data(scheme))
    return scheme


def update_scheme(actor, scheme: OutcomeScheme, data: SchemeData) -> OutcomeScheme:
    """Change the scheme's names and description; its code only while no call, report or decision uses it."""
    problems = scheme_problems(data, scheme)
    if problems:
        raise SchemeInvalid(problems)
    if data.code.strip() != scheme.code:
        _refuse_if_in_use(scheme, _("Its code cannot change."), field="code")
    before = {"code": scheme.code, "name_en": scheme.name_en, "name_hy": scheme.name_hy,
              "description": scheme.description}
    scheme.code, scheme.name_en = data.code.strip(), data.name_en.strip()
    scheme.name_hy, scheme.description = (data.name_hy or "").strip() or None, (data.description or "").strip()
    _flush_unique("code", _("Another scheme already has the code “%(code)s”.", code=scheme.code))
    changed = {key: [value, getattr(scheme, key)] for key, value in before.items() if getattr(scheme, key) != value}
    record(actor, "outcome_scheme.update", scheme, f"Edited outcome scheme {scheme.code}", changed)
    return scheme


def add_outcome(actor, scheme: OutcomeScheme, data: OutcomeData) -> Outcome:
    """Append an outcome to a scheme no call, report or decision uses."""
    problems = outcome_problems(data, {outcome.code for outcome in scheme.outcomes})
    if problems:
        raise SchemeInvalid(problems)
    _refuse_if_in_use(scheme, _("No outcome can be added to it."))
    outcome = Outcome(position=max((item.position for item in scheme.outcomes), default=-1) + 1)
    _apply(outcome, data)
    scheme.outcomes.append(outcome)
    _flush_unique("code", _("Another outcome of this scheme already has the code “%(code)s”.", code=outcome.code))
    record(actor, "outcome_scheme.add_outcome", scheme, f"Added outcome {outcome.code} to {scheme.code}",
           {"outcome": outcome.code, **_outcome_facts(outcome)})
    return outcome


def _outcome_facts(outcome: Outcome) -> dict:
    """An outcome's rules and labels, for the audit log."""
    return {"kind": outcome.kind.value, "max_validity_years": outcome.max_validity_years,
            "max_condition_window_months": outcome.max_condition_window_months,
            "deqar_decision": outcome.deqar_decision.value, "label_en": outcome.label_en, "label_hy": outcome.label_hy}


def update_outcome(actor, outcome: Outcome, data: OutcomeData) -> Outcome:
    """Edit an outcome; on a scheme in use only its labels may change (every locked field refused with 409)."""
    scheme = outcome.scheme
    problems = outcome_problems(data, {item.code for item in scheme.outcomes if item.id != outcome.id})
    if problems:
        raise SchemeInvalid(problems)
    stored, typed = OutcomeData.of(outcome), replace(data, code=data.code.strip())
    changed_locked = [name for name in LOCKED_OUTCOME_FIELDS if getattr(typed, name) != getattr(stored, name)]
    if changed_locked:
        names = ", ".join(str(LOCKED_OUTCOME_FIELDS[name]) for name in changed_locked)
        _refuse_if_in_use(scheme, _("Only the labels of its outcomes may be corrected; the %(fields)s cannot change.",
                                    fields=names), field=changed_locked[0])
    before = _outcome_facts(outcome) | {"code": outcome.code}
    _apply(outcome, data)
    _flush_unique("code", _("Another outcome of this scheme already has the code “%(code)s”.", code=outcome.code))
    after = _outcome_facts(outcome) | {"code": outcome.code}
    record(actor, "outcome_scheme.update_outcome", scheme, f"Edited outcome {outcome.code} of {scheme.code}",
           {key: [value, after[key]] for key, value in before.items() if after[key] != value})
    return outcome


def move_outcome(actor, outcome: Outcome, direction: str) -> None:
    """Move an outcome one place up or down in its scheme's order (display only, so allowed when in use)."""
    if direction not in ("up", "down"):
        raise SchemeInvalid([("direction", _("Move an outcome up or down."))])
    scheme = outcome.scheme
    ordered = sorted(scheme.outcomes, key=lambda item: (item.position, item.id))
    index = ordered.index(outcome)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(ordered):
        raise DomainError(_("“%(code)s” is already the %(end)s outcome.", code=outcome.code,
                            end=_("first") if direction == "up" else _("last")))
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    db.session.flush()
    record(actor, "outcome_scheme.reorder", scheme, f"Moved outcome {outcome.code} {direction} in {scheme.code}",
           {"order": [item.code for item in ordered]})


def remove_outcome(actor, outcome: Outcome) -> None:
    """Remove an outcome from a scheme no call, report or decision uses; a scheme keeps at least one outcome."""
    scheme = outcome.scheme
    _refuse_if_in_use(scheme, _("Its outcomes cannot be removed."))
    if len(scheme.outcomes) <= 1:
        raise DomainError(_("A scheme keeps at least one outcome; add another before removing “%(code)s”.",
                            code=outcome.code))
    scheme.outcomes.remove(outcome)
    for position, item in enumerate(sorted(scheme.outcomes, key=lambda item: (item.position, item.id))):
        item.position = position
    db.session.flush()
    record(actor, "outcome_scheme.remove_outcome", scheme, f"Removed outcome {outcome.code} from {scheme.code}",
           {"outcome": outcome.code, **_outcome_facts(outcome)})


def copy_scheme(actor, source: OutcomeScheme, data: SchemeData) -> OutcomeScheme:
    """Create an editable copy of a scheme (every outcome with its rules and labels) under a new code."""
    problems = scheme_problems(data)
    if problems:
        raise SchemeInvalid(problems)
    copy = OutcomeScheme(code=data.code.strip(), name_en=data.name_en.strip(),
                         name_hy=(data.name_hy or "").strip() or None,
                         description=(data.description or "").strip())
    for position, outcome in enumerate(sorted(source.outcomes, key=lambda item: (item.position, item.id))):
        twin = Outcome(position=position)
        _apply(twin, OutcomeData.of(outcome))
        copy.outcomes.append(twin)
    db.session.add(copy)
    _flush_unique("code", _("Another scheme already has the code “%(code)s”.", code=copy.code))
    record(actor, "outcome_scheme.copy", copy, f"Copied outcome scheme {source.code} as {copy.code}",
           {"source": source.code, **_audit_data(copy)})
    return copy
