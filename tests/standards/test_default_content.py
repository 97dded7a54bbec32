"""The ready-made standard set, the `standards load-default` command and the demo loader."""
import pytest

from qa_portal.extensions import db
from qa_portal.standards.services.default_content import SET_CODE, STANDARDS, load_default_standards
from qa_portal.standards.models import (
    ESG_PART1_REFS, PRINCIPLE_REFS, ConsultationComment, StandardSet, StandardVersion, VersionStatus,
)


def test_default_content_is_about_eight_standards_with_two_to_four_criteria():
    """The shipped content: 8 standards, each with 2–4 criteria and valid ESG and principle references."""
    assert len(STANDARDS) == 8
    for code, _title, statement, _guidelines, esg, principles, criteria in STANDARDS:
        assert 2 <= len(criteria) <= 4, code
        assert statement and esg and principles, code
        assert set(esg) <= set(ESG_PART1_REFS) and set(principles) <= set(PRINCIPLE_REFS), code
    covered_esg = {ref for standard in STANDARDS for ref in standard[4]}
    covered_principles = {ref for standard in STANDARDS for ref in standard[5]}
    assert covered_esg == set(ESG_PART1_REFS)
    assert covered_principles == set(PRINCIPLE_REFS)


def test_load_default_command_is_idempotent(app):
    """`flask standards load-default` creates the draft set once; a second run changes nothing."""
    runner = app.test_cli_runner()
    first = runner.invoke(args=["standards", "load-default"])
    assert first.exit_code == 0 and "created" in first.output
    second = runner.invoke(args=["standards", "load-default"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    standard_set = db.session.query(StandardSet).filter_by(code=SET_CODE).one()
    assert [v.status for v in standard_set.versions] == [VersionStatus.DRAFT]
    version = standard_set.versions[0]
    assert len(version.standards) == 8 and version.decision_rule and len(version.levels) == 5
    assert standard_set.title_hy


def test_load_default_returns_the_existing_set(app):
    """Calling the loader again returns the same set without creating anything."""
    first, created = load_default_standards()
    again, created_again = load_default_standards()
    assert created and not created_again and first.id == again.id


def test_demo_loader_approves_v1_and_consults_on_v2(app):
    """The demo shows version 1 approved and version 2 in consultation with answered and open comments."""
    from qa_portal.demo import load_demo

    load_demo()
    db.session.commit()
    standard_set = db.session.query(StandardSet).filter_by(code=SET_CODE).one()
    assert [(v.number, v.status) for v in standard_set.versions] == [
        (1, VersionStatus.APPROVED), (2, VersionStatus.CONSULTATION)]
    second = standard_set.versions[1]
    comments = db.session.query(ConsultationComment).filter_by(version_id=second.id).all()
    assert len(comments) >= 4
    assert any(c.is_answered for c in comments) and any(not c.is_answered for c in comments)
    assert "S9" in {s.code for s in second.standards}
    from qa_portal.demo import standards as demo_standards

    assert demo_standards.load() is False  # idempotent: a second run creates nothing
    assert db.session.query(StandardVersion).filter_by(standard_set_id=standard_set.id).count() == 2


@pytest.mark.parametrize("url", ["/standards/mc-pilot/v1", "/standards/mc-pilot/v1/pdf", "/standards/"])
def test_demo_public_pages_open(app, client, url):
    """After the demo loads, the public page, PDF and index of version 1 open without login."""
    from qa_portal.demo import load_demo

    load_demo()
    db.session.commit()
    assert client.get(url).status_code == 200
