"""The credentials demo: a signing key, a label for every published positive or conditional demo decision, and a
learner's badge (both formats) that verifies against the catalogue on /verify, where it is offered as an example."""
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select

from qa_portal.credentials.models import IssuerKey, QaLabel
from qa_portal.credentials.services.labels import LABELLED_KINDS
from qa_portal.decisions.models import Decision
from qa_portal.demo import credentials as demo_credentials
from qa_portal.demo import load_demo
from qa_portal.extensions import db
from tests.credentials.conftest import BASE_URL


@pytest.fixture
def examples_dir(app):
    directory = Path(tempfile.mkdtemp(prefix="qa-portal-examples-"))
    app.config["QA_VERIFY_EXAMPLES_DIR"] = str(directory)
    yield directory
    app.config["QA_VERIFY_EXAMPLES_DIR"] = ""


def test_demo_labels_every_published_positive_or_conditional_decision(key_dir, examples_dir):
    """After `demo load` each such decision has a label for each public version it covers; loading again adds none."""
    load_demo()
    db.session.commit()
    labelled = [decision for decision in db.session.scalars(select(Decision).where(Decision.published_at.is_not(None)))
                if decision.outcome.kind in LABELLED_KINDS]
    assert labelled
    for decision in labelled:
        assert db.session.scalar(select(QaLabel.id).where(QaLabel.decision_id == decision.id)) is not None
    assert demo_credentials.load() is False


def test_demo_learner_badges_verify_against_the_catalogue(client, key_dir, examples_dir):
    """Both demo badge files verify: registered issuer, good signature, catalogue match, QA'd on the issuance date;
    /verify lists them (and a QA label) as examples."""
    load_demo()
    db.session.commit()
    assert db.session.scalar(select(IssuerKey.id)) is not None
    for name in demo_credentials.BADGE_FILES:
        text = (examples_dir / name).read_text()
        content_type = "application/json" if name.endswith(".json") else "application/jwt"
        answer = client.post("/api/v1/verify", data=text, content_type=content_type, base_url=BASE_URL).get_json()
        assert answer["verdict"] == "verified", (name, answer)
        assert answer["kind"] == "learner_credential"
    page = client.get("/verify", base_url=BASE_URL).get_data(as_text=True)
    assert "learner badge data integrity" in page and "QA label of" in page
