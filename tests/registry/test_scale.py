"""`flask demo scale`: synthetic published decisions that keep every constraint and decision rule, and that the
public register, the decisions API and the NDJSON export list like any other published decision."""
import json

import pytest
from sqlalchemy import func, select

from qa_portal.decisions.models import ConditionFollowUp, CouncilDeclaration, Decision, DecisionCondition
from qa_portal.decisions.services.rules import add_months, add_years
from qa_portal.demo.scale import REFERENCE_PREFIX, generate_decisions
from qa_portal.extensions import db
from qa_portal.pilots.models import OutcomeKind, SpecificationStatus
from qa_portal.reviews.models import Case, CaseState, PanelReportVersion
from qa_portal.reviews.services.report import content_sha256
from qa_portal.standards.models import Criterion
from tests.factories import make_institution


@pytest.fixture
def request_ctx(app):
    with app.test_request_context():
        yield


def generate(count: int) -> list[Decision]:
    """Run the generator, commit, and return every decision it made (scale cases only), oldest id first."""
    added = generate_decisions(count)
    db.session.commit()
    assert added == count
    return list(db.session.scalars(select(Decision).join(Decision.case)
                                   .where(Case.reference.startswith(REFERENCE_PREFIX)).order_by(Decision.id)))


def orphans() -> list[str]:
    """Every foreign key of every table whose value names no row of the table it points to."""
    problems = []
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            column, target = key.parent, key.column
            count = db.session.scalar(select(func.count()).select_from(table).where(
                column.is_not(None), column.not_in(select(target))))
            if count:
                problems.append(f"{table.name}.{column.name}: {count}")
    return problems


def test_scale_adds_exactly_n_published_decisions(app, request_ctx):
    """N decisions are added, every one published by an officer, on a case in published or closed."""
    decisions = generate(50)
    assert len(decisions) == 50
    assert all(decision.published_at is not None and decision.published_by_id is not None for decision in decisions)
    assert all(decision.published_at > decision.decided_at for decision in decisions)
    assert {decision.case.state for decision in decisions} <= {CaseState.PUBLISHED, CaseState.CLOSED}
    assert {decision.outcome.scheme.code for decision in decisions} == {"pilot"}


def test_scale_data_keeps_every_foreign_key_and_check(app, request_ctx):
    """The bulk inserts went through every CHECK (the database refuses otherwise) and leave no dangling key."""
    generate(60)
    assert orphans() == []


def test_scale_decisions_keep_the_decision_rules(app, request_ctx):
    """D2–D5 on every decision: validity within the outcome's maximum (none when negative), conditions only on a
    conditional outcome and due within its window, a cited criterion of the case's standards, the council member's
    declaration; an upgrade supersedes a conditional decision whose conditions were all met."""
    decisions = generate(80)
    for decision in decisions:
        outcome, case = decision.outcome, decision.case
        if outcome.kind == OutcomeKind.NEGATIVE:
            assert decision.valid_from is None and decision.valid_to is None
        else:
            assert decision.valid_from < decision.valid_to <= add_years(decision.valid_from, outcome.max_validity_years)
        assert bool(decision.conditions) == (outcome.kind == OutcomeKind.CONDITIONAL)
        for condition in decision.conditions:
            assert decision.meeting_date < condition.due_on <= add_months(decision.meeting_date,
                                                                           outcome.max_condition_window_months)
        assert decision.criteria and {criterion.version_id for criterion in decision.criteria} == {
            case.standard_version_id}
        assert db.session.scalar(select(CouncilDeclaration.recused).where(
            CouncilDeclaration.case_id == case.id, CouncilDeclaration.user_id == decision.decided_by_id)) is False
    upgrades = [decision for decision in decisions if decision.supersedes_id is not None]
    assert upgrades, "80 decisions include at least one upgrade"
    for upgrade in upgrades:
        previous = upgrade.supersedes
        assert (upgrade.case_id, upgrade.outcome.kind, previous.outcome.kind) == (
            previous.case_id, OutcomeKind.POSITIVE, OutcomeKind.CONDITIONAL)
        assert all(condition.follow_up.verdict == "met" for condition in previous.conditions)
        assert upgrade.meeting_date > previous.meeting_date


def test_scale_closed_conditional_cases_have_every_condition_met(app, request_ctx):
    """A conditional case is closed only once each of its conditions is met (close_case's rule)."""
    generate(120)
    unmet_on_closed = db.session.scalar(
        select(func.count(DecisionCondition.id)).join(Decision).join(Case)
        .outerjoin(ConditionFollowUp, ConditionFollowUp.condition_id == DecisionCondition.id)
        .where(Case.state == CaseState.CLOSED,
               ConditionFollowUp.verdict.is_(None) | (ConditionFollowUp.verdict != "met")))
    assert unmet_on_closed == 0


def test_scale_cases_cover_published_specifications_and_have_a_final_report(app, request_ctx):
    """Each case reviews published, frozen specification versions of its own institution and has a final panel
    report whose frozen final version matches its hash (what the register publishes with the decision)."""
    for decision in generate(30):
        case = decision.case
        versions = [link.specification_version for link in case.specification_links]
        assert versions and all(version.status == SpecificationStatus.PUBLISHED and version.frozen
                                for version in versions)
        assert {version.micro_credential.institution_id for version in versions} == {case.institution_id}
        assert all(version.ects == int(version.ects) and version.outcomes for version in versions)
        report_version = db.session.scalar(
            select(PanelReportVersion).join(PanelReportVersion.report)
            .where(PanelReportVersion.is_final.is_(True), PanelReportVersion.report.has(case_id=case.id)))
        assert report_version.sha256 == content_sha256(report_version.content) == report_version.report.final_sha256
        assert case.institution.deqar_id.startswith("DEQARINST")


def test_scale_runs_again_and_adds_more(app, request_ctx):
    """A second run adds N more decisions on new cases (unique references), reusing the institutions."""
    first = generate(10)
    both = generate(15)
    assert len(both) == 25 and [decision.id for decision in both[:10]] == [decision.id for decision in first]
    references = db.session.scalars(select(Case.reference).where(Case.reference.startswith(REFERENCE_PREFIX))).all()
    assert len(references) == len(set(references))


def test_the_register_lists_scale_decisions(app, client):
    """The public register lists the synthetic decisions, newest first, and opens each one's page."""
    with app.test_request_context():
        decisions = generate(45)
        newest = max(decisions, key=lambda decision: (decision.published_at, decision.id))
        newest_id, reference = newest.id, newest.case.reference
    page = client.get("/register")
    assert page.status_code == 200
    assert reference in page.get_data(as_text=True)
    assert client.get("/register?page=3").status_code == 200
    assert reference in client.get(f"/register/{newest_id}").get_data(as_text=True)


def test_the_demo_scale_command_commits_the_decisions(app):
    """`flask demo scale --decisions 5` adds five published decisions and says so."""
    result = app.test_cli_runner().invoke(args=["demo", "scale", "--decisions", "5"])
    assert result.exit_code == 0, result.output
    assert "5 published decisions added." in result.output
    assert db.session.scalar(select(func.count(Decision.id)).where(Decision.published_at.is_not(None))) == 5
    assert db.session.scalar(select(func.count(Criterion.id))) > 0


def test_the_api_and_the_ndjson_export_list_every_scale_decision(app, client):
    """The decisions API and the NDJSON export serve exactly the published decisions, scale ones included."""
    with app.test_request_context():
        expected = sorted(decision.id for decision in generate(40))
    listed = client.get("/api/v1/decisions?limit=500").get_json()["data"]
    assert sorted(item["id"] for item in listed) == expected
    lines = client.get("/api/v1/decisions.ndjson").get_data(as_text=True).splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == expected


def test_the_demo_scale_command_is_refused_in_production(app):
    """Scale data is never generated where demo data is not allowed (the Production configuration)."""
    app.config["QA_DEMO_ALLOWED"] = False
    try:
        result = app.test_cli_runner().invoke(args=["demo", "scale", "--decisions", "5"])
    finally:
        app.config["QA_DEMO_ALLOWED"] = True
    assert result.exit_code != 0 and "never generated under the Production configuration" in result.output
    assert db.session.scalar(select(func.count(Decision.id))) == 0


def test_scale_decisions_form_valid_deqar_reports(app, client):
    """Every synthetic decision passes the DEQAR rules (DEQAR ids, integer ECTS, a QF-EHEA level, ESCO URIs)."""
    with app.test_request_context():
        generate(30)
    reports = client.get("/api/v1/deqar/reports?limit=500").get_json()["data"]
    assert len(reports) == 30
    assert [item["problems"] for item in reports if not item["valid"]] == []


def test_rows_added_after_scale_data_get_fresh_ids(app, request_ctx):
    """The generator reserves its ids from each table's sequence (PostgreSQL) or above the largest id (SQLite), so
    rows added afterwards through the ORM never collide with them."""
    decisions = generate(12)
    institution = make_institution("AFTER-SCALE", "Added after the scale data")
    case = Case(reference="MC-2026-901", institution_id=institution.id,
                standard_version_id=decisions[0].case.standard_version_id)
    db.session.add(case)
    db.session.commit()
    assert case.id > max(decision.case_id for decision in decisions)
    assert institution.id > max(decision.case.institution_id for decision in decisions)
