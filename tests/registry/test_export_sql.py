"""The NDJSON export built by the database (registry/services/export_sql.py): every line, parsed, equals decision_json of the
same decision — the detail the API serves — for decisions in every state the serializer distinguishes; a batch costs
one query (plus outcomes and institutions met for the first time); the response stays a lazy stream. Runs on SQLite
and, with QA_TEST_DATABASE_URL, on PostgreSQL."""
import json
from datetime import datetime, timedelta

from sqlalchemy import insert, update

from qa_portal.core.models import utcnow
from qa_portal.decisions.models import (Admissibility, AppealOutcome, ConditionVerdict, Decision, DecisionCondition,
                                        decision_criteria)
from qa_portal.extensions import db
from qa_portal.pilots.models import Outcome, SpecificationStatus, SpecificationVersion
from qa_portal.registry.services import export
from qa_portal.reviews.models import CaseSpecification
from tests.registry.factories import (appeal_against, condition_reported, published_decision, registry_institution,
                                      superseding_decision, unpublished_decision)
from tests.reviews.factories import criteria_of

NDJSON = "/api/v1/decisions.ndjson"
AWKWARD_TEXT = 'Reasons with "quotes", a back\\slash, a tab\t, a line\nbreak, Հայերեն տեքստ and 🎓.'




def _set(decision_or_model, **values):
    """Store values on a row directly (states the services reach only over months)."""
    table = type(decision_or_model).__table__
    db.session.execute(update(table).where(table.c.id == decision_or_model.id).values(**values))
    db.session.commit()
    db.session.expire_all()


def _versions(decision: Decision) -> list[SpecificationVersion]:
    return [link.specification_version for link in decision.case.specification_links]


def conditions_in_every_status() -> Decision:
    """Five conditions: open and overdue, open and due later, reported (overdue), met (past due, so not overdue) and
    not met; positions stored out of id order."""
    decision = published_decision("positive_with_conditions", conditions=[
        ("Open and overdue.", 30), ("Open, due later.", 60), ("Reported, overdue.", 90), ("Met.", 120),
        ("Not met.", 150)])
    conditions = sorted(decision.conditions, key=lambda condition: condition.id)
    yesterday = utcnow().date() - timedelta(days=1)
    for condition, (position, due_on) in zip(conditions, [(4, yesterday), (0, None), (1, yesterday),
                                                          (2, yesterday), (3, None)]):
        _set(condition, position=position, **({"due_on": due_on} if due_on else {}))
    conditions = [db.session.get(DecisionCondition, condition.id) for condition in conditions]
    condition_reported(conditions[2])
    condition_reported(conditions[3], ConditionVerdict.MET)
    condition_reported(conditions[4], ConditionVerdict.NOT_MET, at=utcnow() + timedelta(days=3))
    return db.session.get(Decision, decision.id)


def varied_decisions() -> list[Decision]:
    """Published decisions in every state decision_json distinguishes (and unpublished ones the export must skip)."""
    institution = registry_institution(name_hy="")
    plain = published_decision(institution=institution)
    conditional = conditions_in_every_status()
    # Appeals in every status: under appeal, inadmissible, upheld, returned for reconsideration.
    appealed = [published_decision("negative") for _ in range(4)]
    appeal_against(appealed[0])
    appeal_against(appealed[1], admissibility=Admissibility.LATE)
    appeal_against(appealed[2], outcome=AppealOutcome.UPHOLD, lodged_at=utcnow() + timedelta(days=2))
    appeal_against(appealed[3], outcome=AppealOutcome.RETURN)
    # Linked decisions: a conditional one upgraded by a published successor, one whose successor is unpublished.
    upgraded = published_decision("positive_with_conditions")
    successor = superseding_decision(upgraded)
    pending_upgrade = published_decision("positive_with_conditions")
    superseding_decision(pending_upgrade, published=False)
    # Specifications: Armenian and missing Armenian titles, withdrawn and draft versions, none at all.
    several = published_decision(specifications=4, institution=institution)
    versions = _versions(several)
    _set(versions[0], title_hy="Տվյալների գրագիտություն")
    _set(versions[1], title_hy="")
    _set(versions[2], status=SpecificationStatus.WITHDRAWN)
    _set(versions[3], status=SpecificationStatus.DRAFT)
    bare = published_decision()
    db.session.execute(CaseSpecification.__table__.delete().where(CaseSpecification.case_id == bare.case_id))
    # Several criteria cited (codes in criterion-id order), awkward text, a publication time with microseconds.
    cited = published_decision()
    criteria = criteria_of(cited.case)
    db.session.execute(insert(decision_criteria), [{"decision_id": cited.id, "criterion_id": criterion.id}
                                                   for criterion in reversed(criteria[1:])])
    db.session.commit()
    _set(cited, reasons=AWKWARD_TEXT, hei_heard=False, published_at=datetime(2026, 3, 1, 9, 59, 59, 999999))
    # An outcome without an Armenian label.
    unlabelled = published_decision("negative")
    _set(db.session.get(Outcome, unlabelled.outcome_id), label_hy="")
    unpublished_decision()
    return [plain, conditional, *appealed, upgraded, successor, pending_upgrade, several, bare, cited, unlabelled]


def test_every_ndjson_line_equals_the_decision_json(app, client, monkeypatch):
    """Every published decision, once, in id order; each line parsed is exactly the decision's detail JSON."""
    monkeypatch.setattr(export, "EXPORT_BATCH_SIZE", 3)
    decisions = varied_decisions()
    lines = client.get(NDJSON).get_data(as_text=True).split("\n")
    assert lines[-1] == "" and all(lines[:-1])
    exported = [json.loads(line) for line in lines[:-1]]
    published_ids = sorted(decision.id for decision in decisions)
    assert [payload["id"] for payload in exported] == published_ids
    for payload in exported:
        assert payload == client.get(f"/api/v1/decisions/{payload['id']}").get_json(), payload["id"]


def test_the_varied_data_reaches_every_case_it_is_meant_to(app, client):
    """The data set really holds what the equality test relies on (so a weaker factory cannot hollow it out)."""
    varied_decisions()
    exported = [json.loads(line) for line in client.get(NDJSON).get_data(as_text=True).splitlines()]
    conditions = [(c["status"], c["overdue"]) for p in exported for c in p["conditions"]]
    assert {("open", True), ("open", False), ("reported", True), ("met", False), ("not_met", False)} <= set(
        conditions)
    assert {p["appeal"]["status"] for p in exported if p["appeal"]} == {
        "under_appeal", "inadmissible", "upheld", "returned_for_reconsideration"}
    specifications = [s for p in exported for s in p["specifications"]]
    assert {s["status"] for s in specifications} == {"published", "withdrawn"}
    assert any(s["url"] is None for s in specifications) and any(s["title_hy"] is None for s in specifications)
    assert any(s["title_hy"] == "Տվյալների գրագիտություն" for s in specifications)
    assert any(not p["specifications"] for p in exported)
    assert any(p["supersedes"] for p in exported) and sum(bool(p["superseded_by"]) for p in exported) == 1
    assert any(p["valid_from"] is None and p["valid_to"] is None for p in exported)
    assert any(p["outcome"]["label_hy"] is None for p in exported)
    assert any(p["institution"]["name_hy"] is None for p in exported)
    assert any(p["reasons"] == AWKWARD_TEXT and p["published_at"] == "2026-03-01T09:59:59Z"
               and p["institution_heard"] is False and len(p["criteria_cited"]) >= 2 for p in exported)
    assert any(p["updated_at"] != p["published_at"] for p in exported)


def test_a_batch_costs_one_query_whatever_it_holds(app, monkeypatch, statements):
    """One statement builds a whole batch of lines; the first batch also loads the institution and the outcome they
    share, later batches nothing more, however many conditions, specifications, appeals and links they hold."""
    monkeypatch.setattr(export, "EXPORT_BATCH_SIZE", 3)
    institution = registry_institution()
    for index in range(9):
        decision = published_decision("positive_with_conditions", specifications=1 + index % 3,
                                      institution=institution)
        if index % 2:
            appeal_against(decision)
    db.session.expire_all()
    with app.test_request_context(NDJSON):
        statements.clear()
        response = app.full_dispatch_request()
        assert response.is_streamed and len(statements) == 1  # the ETag's fingerprint, before any line
        statements.clear()
        per_chunk = []
        for chunk in response.response:
            per_chunk.append((chunk.count("\n"), len(statements)))
            statements.clear()
        response.close()
    assert per_chunk == [(3, 3), (3, 1), (3, 1)]


def test_the_stream_is_lazy(app, monkeypatch, statements):
    """Reading one chunk runs one batch's queries: the rest of the decisions are not read until asked for."""
    monkeypatch.setattr(export, "EXPORT_BATCH_SIZE", 2)
    institution = registry_institution()
    for _ in range(5):
        published_decision(institution=institution)
    with app.test_request_context(NDJSON):
        response = app.full_dispatch_request()
        chunks = iter(response.response)
        statements.clear()
        assert next(chunks).count("\n") == 2
        assert len(statements) == 3 and "LIMIT" in statements[0]  # the batch, its outcome, its institution
        response.close()
