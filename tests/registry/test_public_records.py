"""One public record per decision (issue 18 item 2): a published decision's JSON, made by the one serializer
(decision_json), is stored when anything in it changes — publication, supersession, a condition's report or verdict,
an appeal's ruling, a specification's withdrawal, an institution's edit — and by the daily pass for what a date turns
(a condition overdue) or a record missing; the exports, `updated_since` and the export ETag read the stored record."""
import json
from datetime import timedelta

from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.core.maintenance import daily_jobs
from qa_portal.core.models import utcnow
from qa_portal.decisions.models import Decision
from qa_portal.decisions.services import follow_up
from qa_portal.extensions import db
from qa_portal.pilots.services.institutions import FIELDS, update_institution
from qa_portal.pilots.services.specifications import withdraw_specification
from qa_portal.registry.models import PublicDecisionRecord
from qa_portal.registry.services.records import refresh_records_turned_by_date, store_missing_records
from qa_portal.registry.subscribers import refresh_public_records
from tests.decisions.test_follow_up import in_follow_up
from tests.factories import make_user
from tests.registry.factories import published_decision, superseding_decision, unpublished_decision
from tests.reviews.factories import hei_user_for


def stored(decision_id: int) -> dict | None:
    """The decision's stored public record, parsed (None when there is none)."""
    text = db.session.scalar(select(PublicDecisionRecord.document)
                             .where(PublicDecisionRecord.decision_id == decision_id))
    return None if text is None else json.loads(text)


def api_json(client, decision_id: int) -> dict:
    return client.get(f"/api/v1/decisions/{decision_id}").get_json()


def test_publication_stores_exactly_the_api_json_and_an_unpublished_decision_has_no_record(app, client):
    """The record written at publication is the API's detail JSON; a recorded but unpublished decision has none."""
    decision = published_decision("positive_with_conditions", specifications=2)
    hidden = unpublished_decision()
    assert stored(decision.id) == api_json(client, decision.id)
    assert stored(hidden.id) is None


def test_a_superseding_publication_rewrites_the_earlier_record(app, client):
    """Publishing the upgrade names it in the earlier decision's record (superseded_by), stored at once."""
    earlier = published_decision("positive_with_conditions")
    assert stored(earlier.id)["superseded_by"] is None
    later = superseding_decision(earlier)
    assert stored(earlier.id)["superseded_by"]["id"] == later.id
    assert stored(earlier.id) == api_json(client, earlier.id)
    assert stored(later.id) == api_json(client, later.id)


def test_a_condition_report_and_verdict_through_the_services_rewrite_the_record(app, client):
    """The institution's report makes the condition "reported", the officer's verdict "met", each stored at once."""
    case, decision, officer = in_follow_up()
    condition = decision.conditions[0]
    assert stored(decision.id)["conditions"][0]["status"] == "open"
    follow_up.report_condition(hei_user_for(case), case, condition, "The rubric is online.")
    db.session.commit()
    assert stored(decision.id)["conditions"][0]["status"] == "reported"
    follow_up.verify_condition(officer, case, condition, True, "Checked the site.")
    db.session.commit()
    assert stored(decision.id)["conditions"][0]["status"] == "met"
    assert stored(decision.id) == api_json(client, decision.id)


def test_an_institution_edit_rewrites_its_decisions_records(app, client):
    """The institution's name is in every record of its decisions: an edit stores them again."""
    decision = published_decision()
    institution = decision.case.institution
    data = {field: getattr(institution, field) for field in FIELDS} | {"name_en": "Renamed State University"}
    update_institution(make_user(Role.OFFICER), institution, data)
    db.session.commit()
    assert stored(decision.id)["institution"]["name_en"] == "Renamed State University"
    assert stored(decision.id) == api_json(client, decision.id)


def test_a_withdrawn_specification_changes_the_record(app, client):
    """Withdrawing a reviewed specification (a lifecycle move) rewrites the records that list it."""
    decision = published_decision()
    link = decision.case.specification_links[0]
    credential = link.specification_version.micro_credential
    before = stored(decision.id)["specifications"]
    assert before[0]["url"] is not None
    withdraw_specification(make_user(Role.OFFICER), credential, "The institution stopped offering it.")
    db.session.commit()
    assert stored(decision.id)["specifications"] != before
    assert stored(decision.id) == api_json(client, decision.id)


def test_the_daily_pass_stores_a_missing_record(app, client):
    """The registry's daily job stores the record of a published decision that has none (data loaded in bulk, a
    restored database) and says so; run again, it has nothing to do."""
    decision = published_decision("positive_with_conditions")
    db.session.delete(db.session.get(PublicDecisionRecord, decision.id))
    db.session.commit()
    assert "registry.refresh_public_records" in [job.name for job in daily_jobs()]
    assert refresh_public_records(app) == "Public decision records: 0 refreshed for the date, 1 missing ones stored."
    db.session.commit()
    assert stored(decision.id) == api_json(client, decision.id)
    assert store_missing_records() == 0


def test_a_condition_turned_overdue_is_refreshed_by_the_next_days_pass(app, client, monkeypatch):
    """The record stored before the due date says not overdue; the pass after it says overdue."""
    case, decision, _officer = in_follow_up(due_in_days=(1, 90))
    record = db.session.get(PublicDecisionRecord, decision.id)
    assert json.loads(record.document)["conditions"][0]["overdue"] is False
    later = utcnow() + timedelta(days=3)
    monkeypatch.setattr("qa_portal.decisions.services.follow_up.utcnow", lambda: later)
    monkeypatch.setattr("qa_portal.registry.services.records.utcnow", lambda: later)
    assert refresh_records_turned_by_date(later.date()) == 1
    db.session.commit()
    assert stored(decision.id)["conditions"][0]["overdue"] is True
    assert refresh_records_turned_by_date(later.date()) == 0  # stored after the due date: nothing more to do


def test_updated_since_and_the_export_read_the_stored_records(app, client):
    """`updated_since` filters on the stored record's updated_at; the NDJSON export's lines are the stored texts."""
    old, new = published_decision(), published_decision()
    moment = utcnow() + timedelta(seconds=1)
    db.session.execute(PublicDecisionRecord.__table__.update().where(PublicDecisionRecord.decision_id == new.id)
                       .values(updated_at=moment + timedelta(hours=1)))
    db.session.commit()
    listed = client.get(f"/api/v1/decisions?updated_since={moment.replace(microsecond=0).isoformat()}Z").get_json()
    assert [item["id"] for item in listed["data"]] == [new.id]
    lines = client.get("/api/v1/decisions.ndjson").get_data(as_text=True).splitlines()
    texts = dict(db.session.execute(select(PublicDecisionRecord.decision_id, PublicDecisionRecord.document)).all())
    assert lines == [texts[old.id], texts[new.id]]
    assert db.session.scalar(select(db.func.count(Decision.id))) == 2
