"""Every demo micro-credential's QA status reads the same on the catalogue, the register, the API and in DEQAR
(issue 15 item 4), and the demo shows the issue's stories: a micro-credential no longer quality-assured after a
negative re-decision, a decision under appeal marked on the register, a council meeting with votes and one recusal."""
import re
from datetime import date

from sqlalchemy import select

from qa_portal.decisions.models import CouncilMeeting
from qa_portal.demo import load_demo
from qa_portal.extensions import db
from qa_portal.pilots.views.display import QA_STATUS_LABELS
from qa_portal.registry.services.deqar.build import checked_report
from qa_portal.registry.services.queries import published_decisions
from qa_portal.decisions.models import Decision

# What the DEQAR object of the decision in force must say for each public status (decision value, today covered).
DEQAR_DECISIONS = {"quality_assured": {"positive", "positive with conditions or restrictions"},
                   "expired": {"positive", "positive with conditions or restrictions"},
                   "under_appeal": {"positive", "positive with conditions or restrictions", "negative"},
                   "not_quality_assured": {"negative"}}


def _register_standings(client) -> dict[int, str]:
    """The standing tag of each decision row of the whole register, by decision id."""
    html = client.get("/register?page=1").get_data(as_text=True)
    rows = re.findall(r'<tr>\s*<td><a href="/register/(\d+)">.*?</tr>', html, re.S)
    standings = {}
    for decision_id, row in zip(rows, re.findall(r'<tr>\s*<td><a href="/register/\d+">(.*?)</tr>', html, re.S)):
        match = re.search(r'standing-([a-z_]+)', row)
        standings[int(decision_id)] = match.group(1) if match else None
    return standings


def _deqar(decision_id: int) -> tuple[dict, list]:
    decision = db.session.scalars(published_decisions().where(Decision.id == decision_id)).unique().one()
    return checked_report(decision)


def test_catalogue_register_api_and_deqar_agree_on_every_demo_micro_credential(app, client):
    with app.test_request_context():
        assert load_demo()
        db.session.commit()
    credentials = client.get("/api/v1/micro-credentials?limit=100").get_json()["data"]
    assert len(credentials) >= 3
    standings = _register_standings(client)
    seen = set()
    for credential in credentials:
        status = credential["qa_status"]["status"]
        seen.add(status)
        page = client.get(credential["page_url"].replace("http://localhost", "")).get_data(as_text=True)
        assert re.findall(r'class="qa-status">([^<]+)<', page) == [str(QA_STATUS_LABELS[status])], credential["id"]
        listing = client.get("/catalogue?qa=" + status).get_data(as_text=True)
        assert f'/catalogue/{credential["id"]}/v' in listing
        decision = credential["qa_status"]["decision"]
        if decision is None:
            assert status in ("not_reviewed", "under_review")
            continue
        assert decision["status"] == status and decision["superseded_by"] is None
        assert standings[decision["id"]] == status
        api_decision = client.get(f'/api/v1/decisions/{decision["id"]}').get_json()
        assert api_decision["status"] == status
        with app.test_request_context():
            report, problems = _deqar(decision["id"])
        assert problems == [] and report["decision"] in DEQAR_DECISIONS[status]
        today = date.today().isoformat()
        if status == "quality_assured":
            assert report["valid_from"] <= today <= report["valid_to"]
        if status == "expired":
            assert report["valid_to"] < today
        for earlier in credential["qa_status"]["history"][:-1]:
            assert earlier["status"] == "superseded" or earlier["superseded_by"] is None
            assert standings[earlier["id"]] == earlier["status"]
            if earlier["status"] == "superseded":
                replacing = client.get(earlier["superseded_by"].replace("http://localhost", "")).get_json()
                with app.test_request_context():
                    old_report, _problems = _deqar(earlier["id"])
                effect = replacing["valid_from"] or replacing["meeting_date"]
                assert old_report["valid_to"] is not None and old_report["valid_to"] <= effect
    assert {"quality_assured", "not_quality_assured"} <= seen
    assert "under_appeal" in standings.values() and "superseded" in standings.values()


def test_the_demo_shows_a_council_meeting_with_votes_and_a_recusal(app):
    with app.test_request_context():
        assert load_demo()
        db.session.commit()
    meeting = db.session.scalar(select(CouncilMeeting))
    [item] = meeting.items
    assert len(meeting.attendances) == 3 and item.decision_id is not None
    assert sorted(vote.choice.value for vote in item.votes) == ["for", "for"]
    from qa_portal.decisions.services.meetings import declarations_for
    assert sum(declaration.recused for declaration in declarations_for(item).values()) == 1
