"""The council's decision rules (domain.md §5.3 D1–D5), each a translated sentence naming what is wrong, and the
guard the workflow asks before `decide` moves a case (it re-checks the stored decision, so no path skips a rule)."""
import calendar
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.core.dates import format_day
from qa_portal.core.models import utcnow
from qa_portal.decisions.services.follow_up import upgrade_problems
from qa_portal.decisions.models import CouncilDeclaration, Decision
from qa_portal.extensions import db
from qa_portal.pilots.models import Outcome, OutcomeKind, OutcomeScheme
from qa_portal.reviews.models import Case, MemberStatus, PanelMember, PanelReport, ReportStatus
from qa_portal.reviews.services.decision_rule import RuleVerdict, check_outcome
from qa_portal.reviews.services.report import outcome_scheme_for
from qa_portal.standards.models import Criterion

__all__ = ["DecisionInput", "scheme_of", "final_report_of", "pending_decision", "latest_decision",
           "council_problems", "decision_verdict", "decision_problems", "decide_problems", "add_years", "add_months"]


@dataclass
class DecisionInput:
    """What the council's form gives: the outcome, validity, conditions [(text, due date)], reasons, the cited
    criteria, the meeting date, whether the institution was heard (None: not answered) and the reason for departing
    from the panel's recommendation or the decision rule (issue 15)."""

    outcome_id: int | None
    valid_from: date | None
    valid_to: date | None
    reasons: str
    criterion_ids: list[int]
    meeting_date: date | None
    hei_heard: bool | None
    conditions: list[tuple[str, date | None]] = field(default_factory=list)
    departure_reason: str = ""

    @classmethod
    def of(cls, decision: Decision) -> "DecisionInput":
        """The input a stored decision was made from (for the workflow's re-check)."""
        return cls(decision.outcome_id, decision.valid_from, decision.valid_to, decision.reasons,
                   [criterion.id for criterion in decision.criteria], decision.meeting_date, decision.hei_heard,
                   [(condition.text, condition.due_on) for condition in decision.conditions],
                   decision.departure_reason)


def add_months(start: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_years(start: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in a common year)."""
    return add_months(start, 12 * years)


def scheme_of(case: Case) -> OutcomeScheme | None:
    """The outcome scheme the case is decided under: the same one its panel recommended from."""
    return outcome_scheme_for(case)


def final_report_of(case: Case) -> PanelReport | None:
    """The case's panel report when it is final (frozen and hashed), else None."""
    return db.session.scalar(select(PanelReport).where(PanelReport.case_id == case.id,
                                                       PanelReport.status == ReportStatus.FINAL))


def latest_decision(case: Case) -> Decision | None:
    """The case's most recent decision, published or not."""
    return db.session.scalar(select(Decision).where(Decision.case_id == case.id).order_by(Decision.id.desc()).limit(1))


def pending_decision(case: Case) -> Decision | None:
    """The case's recorded decision that is not yet published (at most one exists)."""
    return db.session.scalar(select(Decision).where(Decision.case_id == case.id, Decision.published_at.is_(None))
                             .order_by(Decision.id.desc()).limit(1))


def council_problems(case: Case, user) -> list[str]:
    """D5 and P6: why this council member may not decide this case (no declaration, recused, on its panel)."""
    problems = []
    on_panel = db.session.scalar(select(PanelMember.id).where(
        PanelMember.case_id == case.id, PanelMember.user_id == user.id, PanelMember.status != MemberStatus.REMOVED))
    if on_panel is not None:
        problems.append(_("%(name)s sits on this case's panel and cannot decide it.", name=user.full_name))
    declaration = db.session.scalar(select(CouncilDeclaration).where(
        CouncilDeclaration.case_id == case.id, CouncilDeclaration.user_id == user.id))
    if declaration is None:
        problems.append(_("%(name)s has not declared their interests for this case.", name=user.full_name))
    elif declaration.recused:
        problems.append(_("%(name)s is recused from this case and cannot decide it.", name=user.full_name))
    return problems


def _outcome(case: Case, data: DecisionInput) -> tuple[Outcome | None, list[tuple[str, str]]]:
    """D2: the outcome must be one of the call's scheme."""
    scheme = scheme_of(case)
    outcome = next((item for item in (scheme.outcomes if scheme else []) if item.id == data.outcome_id), None)
    if outcome is None:
        return None, [("outcome", _("Choose an outcome of the call's outcome scheme “%(scheme)s”.",
                                    scheme=scheme.name_en if scheme else "—"))]
    return outcome, []


def _validity_problems(outcome: Outcome, data: DecisionInput) -> list[tuple[str, str]]:
    """D3: a negative outcome has no validity; any other needs one, ordered, within the outcome's maximum."""
    label = outcome.label_en
    if outcome.kind == OutcomeKind.NEGATIVE:
        if data.valid_from or data.valid_to:
            return [("valid_from", _("A negative outcome has no validity period: leave both dates empty."))]
        return []
    if not (data.valid_from and data.valid_to):
        return [("valid_from", _("“%(outcome)s” needs a validity period: give both dates.", outcome=label))]
    if data.valid_to <= data.valid_from:
        return [("valid_to", _("The validity must end after it starts."))]
    latest = add_years(data.valid_from, outcome.max_validity_years)
    if data.valid_to > latest:
        return [("valid_to", _("“%(outcome)s” is valid for at most %(years)s years: the validity must end by "
                               "%(latest)s.", outcome=label, years=outcome.max_validity_years,
                               latest=format_day(latest)))]
    return []


def _condition_problems(outcome: Outcome, data: DecisionInput) -> list[tuple[str, str]]:
    """D4: a conditional outcome needs conditions, each with a text and a due date within its window; any
    other outcome takes none."""
    label = outcome.label_en
    if not outcome.conditions_required:
        if data.conditions:
            return [("conditions", _("“%(outcome)s” takes no conditions: remove them.", outcome=label))]
        return []
    if not data.conditions:
        return [("conditions", _("“%(outcome)s” needs at least one condition with a due date.", outcome=label))]
    problems = []
    start = data.meeting_date or utcnow().date()
    latest = add_months(start, outcome.max_condition_window_months)
    for number, (text, due_on) in enumerate(data.conditions, 1):
        if not (text or "").strip() or due_on is None:
            problems.append(("conditions", _("Condition %(number)s needs both a text and a due date.", number=number)))
        elif not start < due_on <= latest:
            problems.append(("conditions", _(
                "Condition %(number)s must be due after the meeting and within the %(months)s months of "
                "“%(outcome)s”, by %(latest)s at the latest.", number=number,
                months=outcome.max_condition_window_months, outcome=label, latest=format_day(latest))))
    return problems


def _reasons_problems(case: Case, data: DecisionInput) -> list[tuple[str, str]]:
    """D2: the reasons are written and cite at least one criterion of the case's standards."""
    problems = []
    if not (data.reasons or "").strip():
        problems.append(("reasons", _("Write the reasons for the decision.")))
    if not data.criterion_ids:
        problems.append(("criteria", _("Cite at least one criterion the reasons rest on.")))
    else:
        known = set(db.session.scalars(select(Criterion.id).where(
            Criterion.version_id == case.standard_version_id, Criterion.id.in_(data.criterion_ids))))
        if known != set(data.criterion_ids):
            problems.append(("criteria", _("Cite only criteria of the case's standards.")))
    return problems


def _meeting_problems(data: DecisionInput) -> list[tuple[str, str]]:
    """D5: the council meeting's date (not in the future) and whether the institution was heard are recorded."""
    problems = []
    if data.meeting_date is None:
        problems.append(("meeting_date", _("Give the date of the council meeting.")))
    elif data.meeting_date > utcnow().date():
        problems.append(("meeting_date", _("The council meeting cannot be in the future.")))
    if data.hei_heard is None:
        problems.append(("hei_heard", _("Say whether the institution was heard.")))
    return problems


def decision_verdict(case: Case, outcome: Outcome | None, data: DecisionInput) -> RuleVerdict:
    """The decision rule's verdict on the council's outcome, its conditions and its reason for departing
    (reviews/services/decision_rule.check_outcome — the same function that checks the panel's recommendation)."""
    return check_outcome(case, outcome, data.departure_reason, [text for text, _due_on in data.conditions])


def _departure_problems(case: Case, outcome: Outcome, data: DecisionInput) -> list[tuple[str, str]]:
    """Issue 15: the outcome keeps the decision rule (or departs with a written reason), and departing from the
    panel's recommended outcome needs the council's written reason."""
    problems = [("departure_reason", message) for message in decision_verdict(case, outcome, data).problems]
    report = final_report_of(case)
    recommended = report.recommended_outcome if report is not None else None
    if recommended is not None and recommended.id != outcome.id and not (data.departure_reason or "").strip():
        problems.append(("departure_reason", _(
            "The panel recommended “%(recommended)s”: give the council's reason for deciding “%(outcome)s” instead.",
            recommended=recommended.label_en, outcome=outcome.label_en)))
    return problems


def decision_problems(case: Case, decider, data: DecisionInput) -> list[tuple[str, str]]:
    """Every rule (D1–D5, D7, P6) the decision breaks, as (form field, message); empty when it may be recorded."""
    problems: list[tuple[str, str]] = []
    if final_report_of(case) is None:
        problems.append(("", _("The council decides only on a final panel report; this case's report is not final.")))
    problems += [("", message) for message in council_problems(case, decider)]
    outcome, outcome_problems = _outcome(case, data)
    problems += outcome_problems
    if outcome is not None:
        problems += _validity_problems(outcome, data) + _condition_problems(outcome, data)
        problems += upgrade_problems(case, outcome)  # D7
        problems += _departure_problems(case, outcome, data)
    return problems + _reasons_problems(case, data) + _meeting_problems(data)


def decide_problems(case: Case) -> list[str]:
    """The workflow's guard for `decide`: a recorded, unpublished decision that keeps every rule."""
    decision = pending_decision(case)
    if decision is None:
        if final_report_of(case) is None:
            return [_("The council decides only on a final panel report; this case's report is not final.")]
        return [_("No decision is recorded: the council records it on the case's decision form.")]
    if decision.decided_by is None:
        return [_("The decision names no council member who took it.")]
    return [message for _field, message in decision_problems(case, decision.decided_by, DecisionInput.of(decision))]
