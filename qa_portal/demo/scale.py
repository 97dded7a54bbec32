"""Synthetic published decisions at scale, for the registry API's benchmark (`flask demo scale --decisions N`).

Bulk Core inserts (one executemany per table and batch, primary keys reserved beforehand), never ORM objects per row
nor the services, so 100k decisions take under a minute. Every row keeps the schema's CHECK and FK constraints and
the decision rules the register and the API rely on: institutions with DEQAR and ETER ids; published (frozen)
specification versions with learning outcomes; cases in `published` or `closed`, each with its final panel report (a
frozen, hashed final version) and the council member's declaration; decisions published by the demo officer, taken
by the demo council member, citing a criterion of the approved standard version, with outcomes of the shipped "pilot"
scheme and validity within each outcome's maximum; conditions due within the outcome's window (met, with their
follow-up, once the case is closed); half the old conditional decisions upgraded by a later positive one that
supersedes them. Every decision forms a valid DEQAR report. It reuses the demo's accounts, approved standards and
outcome schemes (their loaders run first; each is idempotent). Running it again adds N more. Not written: audit
entries, case timelines, panels and scores."""
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, text

from qa_portal.core.dates import end_of_day
from qa_portal.core.models import utcnow
from qa_portal.decisions.models import (
    ConditionFollowUp, ConditionVerdict, CouncilDeclaration, Decision, DecisionCondition, decision_criteria,
)
from qa_portal.decisions.services.rules import add_months, add_years
from qa_portal.demo import records
from qa_portal.extensions import db
from qa_portal.pilots.models import (
    CYCLE_EQF_LEVEL, AssessmentType, CertificateType, Institution, InstitutionType, LearningMode, LearningOutcome,
    MicroCredential, Outcome, OutcomeKind, OutcomeScheme, ParticipationForm, QaStatus, SpecificationStatus,
    SpecificationVersion, Stackability, Supervision,
)
from qa_portal.reviews.models import Case, CaseSpecification, CaseState, PanelReport, PanelReportVersion, ReportStatus
from qa_portal.reviews.services.report import content_sha256
from qa_portal.standards.models import Criterion, StandardVersion, VersionStatus

__all__ = ["REFERENCE_PREFIX", "ScaleError", "generate_decisions"]

REFERENCE_PREFIX = "SC-"  # scale cases never collide with the MC-<year>-NNN references of real cases
DECISIONS_PER_INSTITUTION = 200
BATCH = 5000  # cases per round of inserts: bounded memory whatever N is
DEQAR_ID_BASE = 50000  # DEQARINST50001, …: far from the demo's DEQARINST9001/9002
ESCO_SKILL = "http://data.europa.eu/esco/skill/b1115b14-fa16-4c1e-be6c-91fd49a1808b"

CITIES = ["Yerevan", "Gyumri", "Vanadzor", "Dilijan", "Goris", "Kapan", "Ijevan", "Armavir", "Ashtarak", "Sevan"]
KINDS = [("State University", InstitutionType.UNIVERSITY), ("Institute of Technology", InstitutionType.UNIVERSITY),
         ("Academy of Arts", InstitutionType.OTHER_PROVIDER), ("Training Centre", InstitutionType.OTHER_PROVIDER)]
# (English title stem, ISCED-F detailed field)
TOPICS = [("Data analysis for public administration", "0613"), ("Cybersecurity essentials", "0612"),
          ("Green public procurement", "0413"), ("Teaching with digital tools", "0114"),
          ("Sustainable tourism management", "1015"), ("Digital footwear design", "0723"),
          ("Renewable energy installation", "0713"), ("Clinical data management", "0914"),
          ("Agricultural water management", "0811"), ("Media literacy", "0321")]
REASONS = {
    OutcomeKind.POSITIVE: "The panel's final report shows every mandatory criterion met; the council agrees with "
                          "its reasoning on learning outcomes and assessment.",
    OutcomeKind.CONDITIONAL: "The micro-credential is sound overall, but identity checks at assessment are not yet "
                             "documented; the council sets a condition on them.",
    OutcomeKind.NEGATIVE: "The assessment does not test the stated learning outcomes; the council cannot approve "
                          "the micro-credential.",
}
UPGRADE_REASONS = "The institution met every condition of the conditional decision in time."
CONDITION = "Document how learners' identity is verified at every assessment and show one run's records."
FOLLOW_UP_REPORT = "The revised assessment regulation and one run's identity-check records are attached."
VERDICT_MET = "The report and its records show the condition met."
# Share of cases per outcome kind (the rest negative).
POSITIVE_SHARE, CONDITIONAL_SHARE = 0.6, 0.25


class ScaleError(Exception):
    """The prerequisites of the generator (demo accounts, an approved standard version, the pilot scheme) are
    missing."""


@dataclass(frozen=True)
class Prerequisites:
    """What every synthetic row points to: the demo officer and council member, the approved standard version and
    its criteria, the pilot scheme's outcomes by kind."""

    officer_id: int
    council_id: int
    standard_version_id: int
    standard_version_label: str
    criterion_ids: list[int]
    outcomes: dict[OutcomeKind, Outcome]


def prerequisites() -> Prerequisites:
    """Run the demo loaders the generator depends on (idempotent) and read what it points to."""
    from qa_portal.demo import accounts, standards
    from qa_portal.demo.accounts import demo_user
    from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes

    accounts.load()
    standards.load()
    officer, council = demo_user("officer@example.org"), demo_user("council@example.org")
    load_outcome_schemes(officer)
    version = db.session.scalar(select(StandardVersion).where(StandardVersion.status == VersionStatus.APPROVED)
                                .order_by(StandardVersion.id).limit(1))
    scheme = db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == "pilot"))
    if None in (officer, council, version, scheme):
        raise ScaleError("The demo accounts, an approved standard version and the pilot outcome scheme are needed.")
    criterion_ids = list(db.session.scalars(select(Criterion.id).where(Criterion.version_id == version.id)
                                            .order_by(Criterion.id)))
    outcomes = {outcome.kind: outcome for outcome in reversed(scheme.outcomes)}  # first of each kind wins
    return Prerequisites(officer.id, council.id, version.id, version.label, criterion_ids, outcomes)


def _reserve_ids(table, count: int) -> list[int]:
    """`count` fresh primary keys for the table: from its sequence on PostgreSQL (so later inserts never collide),
    above the largest id on SQLite (one writer at a time)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return list(db.session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
            {"table": table.name, "count": count}))
    start = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(start, start + count))


def _insert(model, rows: list[dict], with_ids: bool = False) -> list[int]:
    """One executemany of rows into the model's table; with_ids gives each row a reserved id first and returns them
    in row order (RETURNING in input order would send SQLite one statement per row)."""
    if not rows:
        return []
    table = model.__table__ if hasattr(model, "__table__") else model
    ids = []
    if with_ids:
        ids = _reserve_ids(table, len(rows))
        for row, new_id in zip(rows, ids):
            row["id"] = new_id
    db.session.execute(insert(table), rows)
    return ids


def _institutions(count: int, now: datetime) -> list[int]:
    """The ids of `count` scale institutions, creating the ones missing (named SCALE-0001, …)."""
    existing = list(db.session.scalars(select(Institution.id).where(Institution.short_name.like("SCALE-%"))
                                       .order_by(Institution.id)))
    rows = []
    for number in range(len(existing) + 1, count + 1):
        name, kind = KINDS[number % len(KINDS)]
        city = CITIES[number % len(CITIES)]
        rows.append({
            "name_en": f"{city} {name} {number:04d}", "name_hy": None, "short_name": f"SCALE-{number:04d}",
            "country": "AM", "national_id": f"AM-SC-{number:05d}", "deqar_id": f"DEQARINST{DEQAR_ID_BASE + number}",
            "eter_id": f"AM{DEQAR_ID_BASE + number}", "website": f"https://scale-{number:04d}.example.org",
            "institution_type": kind, "created_at": now, "updated_at": now})
    return existing + _insert(Institution, rows, with_ids=True)


@dataclass
class _Plan:
    """One synthetic case: its institution, outcome kind, council meeting date and whether it was upgraded."""

    number: int
    institution_id: int
    kind: OutcomeKind
    meeting: date
    specifications: int
    upgraded: bool = False

    @property
    def decision_count(self) -> int:
        return 2 if self.upgraded else 1


def _plans(count: int, offset: int, institution_ids: list[int], rng: random.Random, today: date) -> list[_Plan]:
    """Cases enough for exactly `count` decisions: outcome kinds by share, meetings spread over six years, one
    specification (a fifth two), and a third of the old conditional cases upgraded by a second decision."""
    plans, decisions = [], 0
    while decisions < count:
        draw = rng.random()
        kind = (OutcomeKind.POSITIVE if draw < POSITIVE_SHARE else OutcomeKind.CONDITIONAL
                if draw < POSITIVE_SHARE + CONDITIONAL_SHARE else OutcomeKind.NEGATIVE)
        meeting = today - timedelta(days=rng.randint(30, 6 * 365))
        number = offset + len(plans) + 1
        plan = _Plan(number, institution_ids[number % len(institution_ids)], kind, meeting,
                     2 if rng.random() < 0.2 else 1)
        # An upgrade is decided a condition window after the first decision, so only old enough cases have one.
        plan.upgraded = (kind == OutcomeKind.CONDITIONAL and (today - meeting).days > 400
                         and count - decisions >= 2 and rng.random() < 1 / 2)
        plans.append(plan)
        decisions += plan.decision_count
    return plans


def _specifications(plans: list[_Plan], names: dict[int, str], rng: random.Random) -> list[list[int]]:
    """A published, frozen micro-credential specification (with two learning outcomes) for each of each plan's
    specifications; returns the version ids per plan."""
    credentials, versions = [], []
    for plan in plans:
        qa_status = QaStatus.UNDER_REVIEW if plan.kind == OutcomeKind.NEGATIVE else QaStatus.QUALITY_ASSURED
        published = datetime.combine(plan.meeting - timedelta(days=rng.randint(300, 420)), time(10, 0))
        for index in range(plan.specifications):
            topic, isced = TOPICS[(plan.number + index) % len(TOPICS)]
            eqf = 5 + (plan.number + index) % 3  # EQF 5–7: each has a QF-EHEA cycle, as DEQAR requires
            ects = Decimal(2 + (plan.number * 7 + index) % 9)
            credentials.append({"institution_id": plan.institution_id, "qa_status": qa_status,
                                "created_by_id": None, "created_at": published, "updated_at": published})
            versions.append({
                "number": 1, "status": SpecificationStatus.PUBLISHED, "frozen_at": published + timedelta(days=30),
                "published_at": published, "withdrawn_at": None, "withdrawal_reason": "", "created_by_id": None,
                "created_at": published - timedelta(days=10), "updated_at": published + timedelta(days=30),
                "title_en": f"{topic} ({plan.number}-{index + 1})", "title_hy": "",
                "awarding_bodies": [names[plan.institution_id]], "issuer_countries": ["AM"],
                "short_description": f"A short, assessed course: {topic.lower()}.", "ects": ects,
                "ects_override_reason": "", "notional_hours": int(ects) * 25, "eqf_level": eqf,
                "eqf_not_applicable": False, "nqf_level": eqf,
                "qf_ehea_cycle": next((cycle for cycle, level in CYCLE_EQF_LEVEL.items() if level == eqf), None),
                "isced_f_code": isced, "assessment_type": AssessmentType.SKILL_APPLICATION,
                "assessment_details": "A practical project and a short oral defence.",
                "participation_form": ParticipationForm.BLENDED, "supervision": Supervision.SUPERVISED_WITH_ID,
                "grading_scale": "Pass / fail", "certificate_type": CertificateType.ASSESSMENT_BASED,
                "prerequisites": "", "stackability": Stackability.STANDALONE, "stackable_towards": "",
                "learning_mode": LearningMode.PART_TIME, "languages": ["hy", "en"],
                "qa_type": "Internal quality assurance by the institution's quality unit.",
                "further_learning": "Credits recognised towards the institution's degree programmes.",
                "valid_from": published.date(), "valid_to": add_years(published.date(), 3)})
    credential_ids = _insert(MicroCredential, credentials, with_ids=True)
    for row, credential_id in zip(versions, credential_ids):
        row["micro_credential_id"] = credential_id
    version_ids = _insert(SpecificationVersion, versions, with_ids=True)
    _insert(LearningOutcome, [
        {"version_id": version_id, "position": position, "statement": statement, "esco_uris": uris}
        for version_id in version_ids
        for position, (statement, uris) in enumerate([
            ("Plans, carries out and documents a small project in the field.", [ESCO_SKILL]),
            ("Explains the results to non-specialists in plain language.", [])])])
    per_plan, cursor = [], 0
    for plan in plans:
        per_plan.append(version_ids[cursor:cursor + plan.specifications])
        cursor += plan.specifications
    return per_plan


def _case_state(plan: _Plan, today: date) -> CaseState:
    """Closed once nothing is left to follow (old positive and negative cases, conditional ones whose conditions
    were all due and met); published otherwise (an upgraded case ends published, like the demo's)."""
    if plan.upgraded:
        return CaseState.PUBLISHED
    age = (today - plan.meeting).days
    limit = {OutcomeKind.POSITIVE: 4 * 365, OutcomeKind.NEGATIVE: 365, OutcomeKind.CONDITIONAL: 800}[plan.kind]
    return CaseState.CLOSED if age > limit else CaseState.PUBLISHED


def _decision_row(plan: _Plan, case_id: int, outcome: Outcome, meeting: date, pre: Prerequisites,
                  reasons: str) -> dict:
    """A published decision taken at `meeting`, valid from its publication for the outcome's longest validity."""
    decided_at = datetime.combine(meeting, time(15, 0))
    published_at = decided_at + timedelta(days=7 + plan.number % 7)
    negative = outcome.kind == OutcomeKind.NEGATIVE
    valid_from = None if negative else published_at.date()
    return {"case_id": case_id, "outcome_id": outcome.id, "valid_from": valid_from,
            "valid_to": None if negative else add_years(valid_from, outcome.max_validity_years),
            "reasons": reasons, "meeting_date": meeting, "hei_heard": True, "decided_by_id": pre.council_id,
            "decided_at": decided_at, "published_at": published_at, "published_by_id": pre.officer_id,
            "supersedes_id": None}


def _report_rows(plan: _Plan, reference: str, institution_name: str, outcome: Outcome,
                 pre: Prerequisites) -> tuple[dict, dict]:
    """The case's final panel report and its frozen, hashed final version (the register's published report)."""
    finalised_at = datetime.combine(plan.meeting - timedelta(days=10), time(12, 0))
    conclusion = "The panel recommends the outcome below on the evidence of the self-evaluation and the visit."
    content = {
        "case": {"reference": reference, "institution": institution_name, "institution_hy": "",
                 "standard_version": pre.standard_version_label},
        "number": 1, "final": True, "panel": [], "sections": [], "overall_conclusion": conclusion,
        "recommended_outcome": {"code": outcome.code, "label_en": outcome.label_en, "label_hy": outcome.label_hy,
                                "kind": str(outcome.kind)},
        "recommendation_reason": ""}
    sha256 = content_sha256(content)
    report = {"status": ReportStatus.FINAL, "overall_conclusion": conclusion, "recommended_outcome_id": outcome.id,
              "recommendation_reason": "", "factual_check_due_at": finalised_at - timedelta(days=14),
              "finalised_at": finalised_at, "finalised_by_id": None, "final_sha256": sha256,
              "updated_at": finalised_at}
    version = {"number": 1, "content": content, "sha256": sha256, "is_final": True, "created_at": finalised_at,
               "created_by_id": None}
    return report, version


def _write_batch(plans: list[_Plan], pre: Prerequisites, names: dict[int, str], rng: random.Random,
                 today: date) -> None:
    """Insert the plans' specifications, cases, council declarations, reports, decisions, criteria cited,
    conditions and follow-ups."""
    versions_per_plan = _specifications(plans, names, rng)
    references = [f"{REFERENCE_PREFIX}{plan.meeting.year}-{plan.number:06d}" for plan in plans]
    states = [_case_state(plan, today) for plan in plans]
    case_ids = _insert(Case, [{
        "reference": reference, "institution_id": plan.institution_id, "application_id": None,
        "standard_version_id": pre.standard_version_id, "state": state, "coordinator_id": pre.officer_id,
        "ser_due_at": end_of_day(plan.meeting - timedelta(days=200)),
        "created_at": datetime.combine(plan.meeting - timedelta(days=290), time(9, 0)),
        "updated_at": datetime.combine(plan.meeting + timedelta(days=14), time(9, 0))}
        for plan, reference, state in zip(plans, references, states)], with_ids=True)
    _insert(CouncilDeclaration, [{  # D5: the deciding council member declared no conflict for the case
        "case_id": case_id, "user_id": pre.council_id, "has_conflict": False, "recused": False, "details": "",
        "declared_at": datetime.combine(plan.meeting - timedelta(days=3), time(9, 0))}
        for plan, case_id in zip(plans, case_ids)])
    _insert(CaseSpecification, [{"case_id": case_id, "specification_version_id": version_id}
                                for case_id, version_ids in zip(case_ids, versions_per_plan)
                                for version_id in version_ids])
    reports, report_versions = zip(*[
        _report_rows(plan, reference, names[plan.institution_id], pre.outcomes[plan.kind], pre)
        for plan, reference in zip(plans, references)])
    report_ids = _insert(PanelReport, [{**row, "case_id": case_id} for row, case_id in zip(reports, case_ids)],
                         with_ids=True)
    _insert(PanelReportVersion, [{**row, "report_id": report_id}
                                 for row, report_id in zip(report_versions, report_ids)])

    first_ids = _insert(Decision, [
        _decision_row(plan, case_id, pre.outcomes[plan.kind], plan.meeting, pre, REASONS[plan.kind])
        for plan, case_id in zip(plans, case_ids)], with_ids=True)
    cited = [{"decision_id": decision_id, "criterion_id": pre.criterion_ids[plan.number % len(pre.criterion_ids)]}
             for plan, decision_id in zip(plans, first_ids)]

    conditional = [(plan, decision_id, state) for plan, decision_id, state in zip(plans, first_ids, states)
                   if plan.kind == OutcomeKind.CONDITIONAL]
    window = pre.outcomes[OutcomeKind.CONDITIONAL].max_condition_window_months
    condition_ids = _insert(DecisionCondition, [
        {"decision_id": decision_id, "position": 0, "text": CONDITION,
         "due_on": add_months(plan.meeting, max(1, window // 2))} for plan, decision_id, _state in conditional],
        with_ids=True)
    # Met (reported and verified) when the case was closed or upgraded; open while it is still published.
    _insert(ConditionFollowUp, [
        {"condition_id": condition_id, "report": FOLLOW_UP_REPORT, "reported_by_id": None,
         "reported_at": datetime.combine(add_months(plan.meeting, max(1, window // 2)) - timedelta(days=20),
                                         time(10, 0)),
         "verdict": ConditionVerdict.MET, "verdict_reason": VERDICT_MET, "verified_by_id": pre.officer_id,
         "verified_at": datetime.combine(add_months(plan.meeting, max(1, window // 2)) + timedelta(days=5),
                                         time(10, 0))}
        for (plan, _decision_id, state), condition_id in zip(conditional, condition_ids)
        if plan.upgraded or state == CaseState.CLOSED])

    upgraded = [(plan, case_id, decision_id) for plan, case_id, decision_id in zip(plans, case_ids, first_ids)
                if plan.upgraded]
    positive = pre.outcomes[OutcomeKind.POSITIVE]
    upgrade_ids = _insert(Decision, [
        {**_decision_row(plan, case_id, positive, add_months(plan.meeting, window), pre, UPGRADE_REASONS),
         "supersedes_id": decision_id} for plan, case_id, decision_id in upgraded], with_ids=True)
    criterion_of = {row["decision_id"]: row["criterion_id"] for row in cited}
    cited += [{"decision_id": decision_id, "criterion_id": criterion_of[first]}
              for decision_id, (_plan, _case, first) in zip(upgrade_ids, upgraded)]
    _insert(decision_criteria, cited)


def generate_decisions(count: int, seed: int = 2026) -> int:
    """Add `count` synthetic published decisions (with their institutions, specifications, cases and reports);
    flushes, the command commits. Returns how many decisions were added."""
    if count < 1:
        return 0
    pre = prerequisites()
    now = utcnow().replace(microsecond=0)
    today = now.date()
    offset = db.session.scalar(select(func.count(Case.id)).where(Case.reference.like(f"{REFERENCE_PREFIX}%")))
    rng = random.Random(seed + offset)
    institution_ids = _institutions(math.ceil((offset + count) / DECISIONS_PER_INSTITUTION), now)
    names = dict(db.session.execute(select(Institution.id, Institution.name_en)
                                    .where(Institution.id.in_(institution_ids))).all())
    plans = _plans(count, offset, institution_ids, rng, today)
    for start in range(0, len(plans), BATCH):
        _write_batch(plans[start:start + BATCH], pre, names, rng, today)
    db.session.flush()
    records.load()  # the registry's stored public record of each new decision, by the one serializer
    return sum(plan.decision_count for plan in plans)
