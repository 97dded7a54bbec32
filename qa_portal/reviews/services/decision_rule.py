"""The decision rule as printed, in one function (issue 15): check_outcome judges an outcome against the panel's
consensus on the case's mandatory criteria, for the panel's recommended outcome (services/report.py) and the
council's decision (decisions/services/rules.py) alike, and both pages show its verdict.

- A non-compliant mandatory criterion makes the outcome negative; any other outcome needs a written reason.
- A partially compliant mandatory criterion makes the outcome conditional, with a condition covering each such
  criterion (a condition covers a criterion when its text names the criterion's code, e.g. "C3.2"); a positive
  outcome instead needs a reason for each such criterion (the reason names each code).

"Non-compliant" is the worst applicable level of the version's compliance scale; "partially compliant" the one above
it (on a scale of at least three applicable levels). The panel recommends no conditions (conditions=None): the
council sets them, and its decision is checked with them.
"""
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from qa_portal.extensions import db
from qa_portal.pilots.models import OutcomeKind
from qa_portal.reviews.models import ConsensusJudgement
from qa_portal.reviews.services.self_evaluation import version_levels, version_standards

__all__ = ["RuleVerdict", "rule_levels", "mandatory_shortfalls", "names_criterion", "check_outcome"]


@dataclass
class RuleVerdict:
    """What the decision rule says about an outcome: the mandatory criteria judged non-compliant and partially
    compliant, the outcome the rule gives, and each way the outcome breaks the rule (empty: it keeps the rule)."""

    non_compliant: list = field(default_factory=list)
    partially_compliant: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The outcome keeps the decision rule (as checked)."""
        return not self.problems

    @property
    def rule_outcome(self) -> OutcomeKind:
        """The outcome the rule gives on the judgements alone."""
        if self.non_compliant:
            return OutcomeKind.NEGATIVE
        if self.partially_compliant:
            return OutcomeKind.CONDITIONAL
        return OutcomeKind.POSITIVE

    def codes(self, criteria) -> str:
        """The criteria's codes as a list in a sentence."""
        return ", ".join(criterion.code for criterion in criteria)


def rule_levels(case) -> tuple[int | None, int | None]:
    """(non-compliant level id, partially compliant level id) of the case's scale: the worst applicable level and
    the one above it when the scale has at least three applicable levels."""
    applicable = [level for level in version_levels(case) if not level.not_applicable]
    worst = applicable[-1].id if applicable else None
    partial = applicable[-2].id if len(applicable) >= 3 else None
    return worst, partial


def mandatory_shortfalls(case) -> tuple[list, list]:
    """(non-compliant, partially compliant) mandatory criteria by the panel's consensus, in the standards' order."""
    worst, partial = rule_levels(case)
    levels = dict(db.session.execute(select(ConsensusJudgement.criterion_id, ConsensusJudgement.level_id)
                                     .where(ConsensusJudgement.case_id == case.id)).all())
    mandatory = [criterion for standard in version_standards(case) for criterion in standard.criteria
                 if criterion.mandatory]
    return ([c for c in mandatory if worst is not None and levels.get(c.id) == worst],
            [c for c in mandatory if partial is not None and levels.get(c.id) == partial])


def names_criterion(text: str | None, code: str) -> bool:
    """The text names the criterion's code as a word (C1.1 is not named by C1.10)."""
    return re.search(rf"(?<![\w.]){re.escape(code)}(?![\w]|\.\d)", text or "", re.IGNORECASE) is not None


def check_outcome(case, outcome, reason: str = "", conditions: list[str] | None = None) -> RuleVerdict:
    """Check an outcome (None: not chosen yet) against the version's decision rule and the consensus judgements:
    non-compliant mandatory → negative unless a written reason; partially compliant mandatory → conditional with a
    condition naming each such criterion (when conditions are given), or positive with a reason naming each."""
    non_compliant, partial = mandatory_shortfalls(case)
    verdict = RuleVerdict(non_compliant, partial)
    if outcome is None or outcome.kind == OutcomeKind.NEGATIVE:
        return verdict
    reason = (reason or "").strip()
    label = outcome.label_en
    if non_compliant and not reason:
        verdict.problems.append(_(
            "The decision rule makes a non-compliant mandatory criterion (%(criteria)s) lead to a negative outcome: "
            "give a written reason for “%(outcome)s”.", criteria=verdict.codes(non_compliant), outcome=label))
    if not partial:
        return verdict
    if outcome.kind == OutcomeKind.CONDITIONAL and conditions is not None:
        uncovered = [c for c in partial if not any(names_criterion(text, c.code) for text in conditions)]
        if uncovered:
            verdict.problems.append(_(
                "Each partially compliant mandatory criterion needs a condition that names it: %(criteria)s has "
                "none.", criteria=verdict.codes(uncovered)))
    elif outcome.kind == OutcomeKind.POSITIVE:
        unexplained = [c for c in partial if not names_criterion(reason, c.code)]
        if unexplained:
            verdict.problems.append(_(
                "The decision rule makes partially compliant mandatory criteria lead to conditions: “%(outcome)s” "
                "needs a written reason for each of them, naming %(criteria)s.", outcome=label,
                criteria=verdict.codes(unexplained)))
    return verdict
