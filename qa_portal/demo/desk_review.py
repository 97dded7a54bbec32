"""Demo helpers for the desk review and the site visit, called by the reviews demo loader: members' judgements
(one criterion divergent), the chair's consensus, a planned visit with notes, and a justified request to skip it.
Everything goes through the services, as a user would; the caller commits."""
from datetime import datetime, time, timedelta

from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.reviews.services import scoring
from qa_portal.reviews.services import site_visit as visits
from qa_portal.reviews.models import PanelRole, StakeholderGroup, VisitMode
from qa_portal.reviews.services.self_evaluation import case_evidence, evidence_by_criterion, version_levels, version_standards

RATIONALES = [
    "The self-evaluation describes the rule and the evidence shows it applied in the last run: {evidence}. "
    "Interviews confirmed the practice.",
    "The practice is in place and documented ({evidence}), but the records of the last run are incomplete; "
    "the panel expects them to be kept systematically.",
    "The policy exists on paper ({evidence}), yet the panel found little sign that it shaped the course; "
    "learners and teachers described it differently.",
    "The panel found no evidence that the criterion is met; the documents provided ({evidence}) concern "
    "another programme.",
]
CONSENSUS_RATIONALE = ("After discussing the members' judgements, the panel agrees that {code} is {level}: "
                       "the documents and the interviews show the practice, with the remarks recorded by the members.")
SKIP_JUSTIFICATION = ("The same faculty and course team were visited by the agency in May 2026 for a closely related "
                      "micro-credential; the panel held online interviews with learners and employers during the desk "
                      "review and considers a further visit unnecessary.")
SESSIONS = [  # (day, hour, minutes, group, attendees, notes)
    (0, 9, 45, StakeholderGroup.MANAGEMENT, "Vice-rector for education; dean of the faculty",
     "Management sees the micro-credential as a pilot for lifelong learning and funds it for three more years."),
    (0, 10, 60, StakeholderGroup.SER_TEAM, "Head of the quality unit; two teachers; one student representative",
     "The team wrote the self-evaluation together; weaknesses were discussed openly, including feedback analysis."),
    (0, 13, 60, StakeholderGroup.STUDENTS, "Six learners of the spring 2026 run (two online)",
     "Learners value the practical project; two said the assessment criteria were published late."),
    (1, 9, 45, StakeholderGroup.EMPLOYERS, "Two employers who hosted project work",
     "Employers helped design the project and would like a say in the assessment rubric."),
    (1, 11, 60, StakeholderGroup.TEACHING_STAFF, "Four teachers, one external trainer",
     "Teachers use a shared rubric; moderation of marks is informal and not recorded."),
]


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


def _scorers(members: dict, leave_unscored) -> list:
    """The scoring members in seat order, minus those left unscored (given as roles or members)."""
    skipped = _as_list(leave_unscored)
    return [member for role, member in members.items()
            if role != PanelRole.SECRETARY and role not in skipped and member not in skipped]


def score(case, members: dict, *, submit_all: bool = True, divergent_criterion: bool = True,
          leave_unscored=None) -> None:
    """Members judge every criterion with realistic rationales; with divergent_criterion the first two scorers
    are two levels apart on one criterion; without submit_all the last scorer keeps a draft."""
    levels = [level for level in version_levels(case) if not level.not_applicable]
    criteria = scoring.criteria_in_order(version_standards(case))
    links = evidence_by_criterion(case_evidence(case))
    scorers = _scorers(members, leave_unscored)
    divergent = criteria[min(1, len(criteria) - 1)] if divergent_criterion else None
    for number, member in enumerate(scorers):
        for position, criterion in enumerate(criteria):
            index = (position + number) % 2  # fully or substantially compliant: the usual spread of one
            if criterion == divergent and number < 2:
                index = 0 if number == 0 else min(2, len(levels) - 1)
            evidence = links.get(criterion.id, [])[:2]
            rationale = RATIONALES[index].format(
                evidence=", ".join(item.title for item in evidence) or "the self-evaluation alone")
            scoring.save_judgement(member.user, member, criterion.id, levels[index].id, rationale,
                                   [item.id for item in evidence])
        if submit_all or number < len(scorers) - 1:
            scoring.submit_judgements(member.user, member)
    db.session.flush()


def record_consensus(case, chair_member) -> None:
    """The chair records a consensus per criterion: the middle of the members' submitted levels."""
    summary = scoring.scoring_summary(case, chair_member.user)
    order = [level for level in summary.levels if not level.not_applicable]
    for row in summary.rows.values():
        ranks = sorted(order.index(j.level) for j in row.judgements.values() if j is not None and j.level in order)
        level = order[ranks[len(ranks) // 2] if ranks else 0]
        scoring.record_consensus(chair_member.user, case, row.criterion.id, level.id,
                                 CONSENSUS_RATIONALE.format(code=row.criterion.code, level=level.label.lower()))


def plan_visit(case, *, with_notes: bool = True, actor=None) -> None:
    """A two-day hybrid visit three weeks ahead with five sessions; notes tagged to standards when asked."""
    actor = actor or case.coordinator
    first_day = (utcnow() + timedelta(days=21)).date()
    visits.save_visit_plan(actor, case, VisitMode.HYBRID, first_day, first_day + timedelta(days=1),
                           f"{case.institution.name_en}, main building, senate hall; online room for remote learners")
    standards = version_standards(case)
    for number, (day, hour, minutes, group, attendees, notes) in enumerate(SESSIONS):
        starts_at = datetime.combine(first_day + timedelta(days=day), time(hour, 0))
        tags = [standards[number % len(standards)].id] if with_notes and standards else []
        visits.save_session(actor, case, None, starts_at=starts_at, duration_minutes=minutes, stakeholder_group=group,
                            attendees=attendees, notes=notes if with_notes else "", standard_ids=tags)


def request_visit_skip(case, actor, justification: str = SKIP_JUSTIFICATION) -> None:
    """The chair (or an officer) asks to skip the visit; an officer then approves with skip_site_visit."""
    visits.request_skip(actor, case, justification)
