"""The public QA status is derived from the decisions in force, never stored (issue 15 item 4): a conditional decision
followed by a negative re-decision no longer reads "quality-assured" anywhere; the label lapses when the validity
ends; a pending appeal marks the decision and the micro-credential; the register marks a superseded decision and
links its replacement; the DEQAR object of a superseded decision ends when the replacement takes effect."""
import re
from datetime import timedelta

from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.decisions.models import Appeal, Decision
from qa_portal.decisions.services import follow_up
from qa_portal.decisions.services.council import record_decision
from qa_portal.decisions.services.publication import publish_cases
from qa_portal.decisions.services.qa_status import decision_standing, status_history
from qa_portal.extensions import db
from qa_portal.pilots.models import MicroCredential
from qa_portal.pilots.services.qa_status import public_qa_status
from qa_portal.registry.services.deqar.build import deqar_report
from qa_portal.reviews.models import CaseAction, CaseSpecification
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.decisions.factories import council_member, pending_case, valid_input
from tests.decisions.test_follow_up import in_follow_up
from tests.factories import make_user
from tests.pilots.factories import make_specification


def _link_published_specification(case):
    version = make_specification(case.institution, published=True, title_en="Data literacy for teachers")
    db.session.add(CaseSpecification(case_id=case.id, specification_version_id=version.id))
    db.session.commit()
    return version


def _negative_redecision(case, first, officer):
    """The conditional decision's condition is not met; the council decides again, negatively; published."""
    follow_up.verify_condition(officer, case, first.conditions[0], False, "Nothing was done.")
    CASE_WORKFLOW.apply(case, CaseAction.REQUIRE_REDECISION, officer, comment="Condition 1 not met.")
    db.session.commit()
    second = record_decision(council_member(case), case, valid_input(case, "negative"))
    publish_cases(officer, [case.id])
    db.session.commit()
    return second


def _shown_statuses(client, url):
    """The QA status labels a catalogue page shows for its micro-credentials (not the history below them)."""
    return re.findall(r'class="qa-status">([^<]+)<', client.get(url).get_data(as_text=True))


def _api_status(client, credential_id):
    return client.get(f"/api/v1/micro-credentials/{credential_id}").get_json()["qa_status"]


def test_negative_redecision_after_a_conditional_one_is_no_longer_quality_assured(app, client):
    """The stale scenario: conditional (quality-assured) then a negative re-decision → the catalogue, the API and the
    register say "not quality-assured", the first decision is marked superseded and links the second."""
    case, first, officer = in_follow_up((60,))
    version = _link_published_specification(case)
    credential_id = version.micro_credential_id
    catalogue_url = f"/catalogue/{credential_id}/v{version.number}"
    assert _shown_statuses(client, catalogue_url) == ["Quality-assured by the agency"]
    assert _api_status(client, credential_id)["status"] == "quality_assured"

    second = _negative_redecision(case, first, officer)

    assert _shown_statuses(client, catalogue_url) == ["Not quality-assured (negative decision)"]
    assert _shown_statuses(client, "/catalogue") == ["Not quality-assured (negative decision)"]
    status = _api_status(client, credential_id)
    assert status["status"] == "not_quality_assured" and status["decision"]["id"] == second.id
    assert [entry["status"] for entry in status["history"]] == ["superseded", "not_quality_assured"]
    assert status["history"][0]["superseded_by"].endswith(f"/api/v1/decisions/{second.id}")
    old = client.get(f"/api/v1/decisions/{first.id}").get_json()
    assert old["status"] == "superseded" and old["superseded_by"]["id"] == second.id
    register = client.get("/register").get_data(as_text=True)
    assert "Superseded" in register and f'/register/{second.id}">replaced by the decision of' in register
    filtered = client.get("/api/v1/micro-credentials?qa_status=quality_assured").get_json()["data"]
    assert credential_id not in [item["id"] for item in filtered]
    negative = client.get("/api/v1/micro-credentials?qa_status=not_quality_assured").get_json()["data"]
    assert [item["id"] for item in negative] == [credential_id]
    assert [change.status for change in status_history(credential_id)] == ["quality_assured", "not_quality_assured"]


def test_the_label_lapses_when_the_validity_ends(app, client):
    """A positive decision whose validity ended reads "expired", on the catalogue and in the API."""
    case = pending_case()
    version = _link_published_specification(case)
    today = utcnow().date()
    record_decision(council_member(case), case, valid_input(
        case, "positive", meeting_date=today - timedelta(days=800), valid_from=today - timedelta(days=700),
        valid_to=today - timedelta(days=1)))
    publish_cases(make_user(Role.OFFICER), [case.id])
    db.session.commit()
    assert _api_status(client, version.micro_credential_id)["status"] == "expired"
    assert _shown_statuses(client, f"/catalogue/{version.micro_credential_id}/v{version.number}") == [
        "Quality assurance expired"]
    assert _shown_statuses(client, "/catalogue?qa=expired") == ["Quality assurance expired"]


def test_a_pending_appeal_marks_decision_and_micro_credential(app, client):
    """While an appeal is pending the decision and the micro-credential read "under appeal"."""
    case, decision, officer = in_follow_up((60,))
    version = _link_published_specification(case)
    db.session.add(Appeal(case_id=case.id, decision_id=decision.id, statement="Misread.",
                          decision_due_on=utcnow().date() + timedelta(days=30)))
    db.session.commit()
    assert _api_status(client, version.micro_credential_id)["status"] == "under_appeal"
    assert client.get(f"/api/v1/decisions/{decision.id}").get_json()["status"] == "under_appeal"
    assert "Under appeal" in client.get("/register").get_data(as_text=True)


def test_one_sql_expression_answers_for_a_whole_list(app):
    """The micro-credential status is a column of the listing query (one statement, no query per row)."""
    case, first, officer = in_follow_up((60,))
    version = _link_published_specification(case)
    _negative_redecision(case, first, officer)
    rows = db.session.execute(select(MicroCredential.id, public_qa_status(MicroCredential.id))).all()
    assert dict(rows)[version.micro_credential_id] == "not_quality_assured"
    standings = dict(db.session.execute(select(Decision.id, decision_standing(Decision))).all())
    assert standings[first.id] == "superseded"


def test_deqar_object_of_a_superseded_decision_ends_when_the_replacement_takes_effect(app):
    """The superseded decision's DEQAR validity ends on the day the replacing decision takes effect."""
    case, first, officer = in_follow_up((60,))
    second = _negative_redecision(case, first, officer)
    db.session.expire_all()
    first = db.session.get(Decision, first.id)
    report = deqar_report(first)
    assert report["valid_to"] == second.meeting_date.isoformat()
    assert report["valid_to"] < first.valid_to.isoformat()


def test_the_catalogue_and_register_pages_run_as_many_queries_for_one_or_many_decisions(app, client):
    """No query per micro-credential or per decision: the status is a column of the page's query."""
    from tests.decisions.factories import published_case, statements_for

    def add_one():
        case, _decision = published_case("positive")
        _link_published_specification(case)

    add_one()
    few = (statements_for(client, "/catalogue"), statements_for(client, "/register"))
    for _ in range(4):
        add_one()
    assert (statements_for(client, "/catalogue"), statements_for(client, "/register")) == few
