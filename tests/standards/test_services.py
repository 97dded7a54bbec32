"""Standards services: the immutability guard, new versions by cloning, unique codes, consultation rules."""
import pytest
from sqlalchemy.exc import IntegrityError

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.errors import DomainError
from qa_portal.extensions import db
from qa_portal.standards import services
from qa_portal.standards.models import (
    CommentResponse, Criterion, Standard, StandardVersion, VersionStatus,
)
from tests.factories import make_user
from tests.standards.factories import make_comment, make_standard_set, make_version

# Every editing service, called on a version's first standard / criterion / level.
EDITS = {
    "update_version_details": lambda v: services.update_version_details(None, v, "New rule.", "Note."),
    "add_standard": lambda v: services.add_standard(None, v, "S99", "T", "Statement."),
    "update_standard": lambda v: services.update_standard(None, v.standards[0], "S1", "Changed", "Changed."),
    "delete_standard": lambda v: services.delete_standard(None, v.standards[0]),
    "move_standard": lambda v: services.move_standard(None, v.standards[0], 1),
    "add_criterion": lambda v: services.add_criterion(None, v.standards[0], "C99", "Text."),
    "update_criterion": lambda v: services.update_criterion(None, v.standards[0].criteria[0], "C1.1", "Changed."),
    "delete_criterion": lambda v: services.delete_criterion(None, v.standards[0].criteria[0]),
    "move_criterion": lambda v: services.move_criterion(None, v.standards[0].criteria[0], 1),
    "add_level": lambda v: services.add_level(None, v, "excellent", "Excellent"),
    "update_level": lambda v: services.update_level(None, v.levels[0], "fully_compliant", "Changed"),
    "delete_level": lambda v: services.delete_level(None, v.levels[0]),
    "move_level": lambda v: services.move_level(None, v.levels[0], 1),
}

LOCKED = [VersionStatus.APPROVED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN]


def _snapshot(version: StandardVersion) -> tuple:
    db.session.expire_all()
    version = db.session.get(StandardVersion, version.id)
    return (version.decision_rule, [(s.code, s.title, s.statement, s.position, [(c.code, c.text, c.position)
            for c in s.criteria]) for s in version.standards],
            [(level.code, level.label, level.position) for level in version.levels])


@pytest.mark.parametrize("status", LOCKED)
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_editing_services_refuse_frozen_versions(app, edit, status):
    """Every editing service raises VersionLocked (409) on approved/superseded/withdrawn versions; nothing changes."""
    version = make_version(status)
    before = _snapshot(version)
    with pytest.raises(services.VersionLocked) as refused:
        EDITS[edit](db.session.get(StandardVersion, version.id))
    assert refused.value.status_code == 409
    db.session.rollback()
    assert _snapshot(version) == before


@pytest.mark.parametrize("status", [VersionStatus.DRAFT, VersionStatus.CONSULTATION])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_editing_services_work_on_drafts_and_consultations(app, edit, status):
    """Drafts and versions in consultation can still be edited."""
    version = make_version(status)
    EDITS[edit](version)
    db.session.commit()
    assert _snapshot(version)


def test_start_new_version_clones_the_latest_version(app):
    """A new version is a draft numbered one higher with copies of standards, criteria, scale and decision rule."""
    first = make_version(VersionStatus.APPROVED, standards=3, criteria=2)
    first.decision_rule = "Rule of version 1."
    db.session.commit()
    second = services.start_new_version(None, first.standard_set)
    db.session.commit()
    assert second.number == 2 and second.status == VersionStatus.DRAFT
    assert second.decision_rule == "Rule of version 1."
    assert [(s.code, s.statement, [c.code for c in s.criteria]) for s in second.standards] == \
        [(s.code, s.statement, [c.code for c in s.criteria]) for s in first.standards]
    assert [level.code for level in second.levels] == [level.code for level in first.levels]
    assert {s.id for s in second.standards}.isdisjoint({s.id for s in first.standards})
    assert all(c.version_id == second.id for s in second.standards for c in s.criteria)
    services.update_standard(None, second.standards[0], "S1", "Changed title", "Changed.")
    db.session.commit()
    db.session.refresh(first)
    assert first.standards[0].title == "Standard 1 title"


def test_start_new_version_refused_while_a_draft_is_open(app):
    """Only one version of a set is drafted or consulted on at a time."""
    version = make_version(VersionStatus.CONSULTATION)
    with pytest.raises(DomainError, match="still being drafted"):
        services.start_new_version(None, version.standard_set)


def test_standard_codes_are_unique_within_a_version(app):
    """A second standard with the same code is refused with an error on the code field."""
    version = make_version(VersionStatus.DRAFT)
    with pytest.raises(DomainError) as refused:
        services.add_standard(None, version, "S1", "Duplicate", "Statement.")
    assert refused.value.field == "code"
    with pytest.raises(DomainError):
        services.update_standard(None, version.standards[1], "S1", "T", "S.")


def test_criterion_codes_are_unique_across_the_version(app):
    """A criterion code used under another standard of the same version is refused."""
    version = make_version(VersionStatus.DRAFT)
    with pytest.raises(DomainError) as refused:
        services.add_criterion(None, version.standards[1], "C1.1", "Duplicate.")
    assert refused.value.field == "code"


def test_same_codes_are_allowed_in_another_version(app):
    """Codes are unique per version, not globally."""
    first = make_version(VersionStatus.APPROVED)
    second = services.start_new_version(None, first.standard_set)
    db.session.commit()
    assert [s.code for s in second.standards] == ["S1", "S2"]


def test_database_enforces_unique_codes_within_a_version(app):
    """The UNIQUE constraints hold even if a service check were bypassed."""
    version = make_version(VersionStatus.DRAFT)
    db.session.add(Standard(version_id=version.id, code="S1", title="T", statement="S", position=9))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    standard = db.session.get(StandardVersion, version.id).standards[0]
    db.session.add(Criterion(standard_id=standard.id, version_id=version.id, code="C2.1", text="T"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_database_refuses_withdrawn_version_without_reason(app):
    """The CHECK constraint ties the withdrawn status to its reason."""
    version = make_version(VersionStatus.APPROVED)
    version.status = VersionStatus.WITHDRAWN
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_move_standard_swaps_positions(app):
    """Moving a standard down puts it after its neighbour."""
    version = make_version(VersionStatus.DRAFT, standards=3)
    services.move_standard(None, version.standards[0], 1)
    db.session.commit()
    db.session.expire_all()
    assert [s.code for s in db.session.get(StandardVersion, version.id).standards] == ["S2", "S1", "S3"]


def test_standard_with_comments_cannot_be_deleted(app):
    """Comments keep their standard: a commented standard cannot be removed."""
    version = make_version(VersionStatus.CONSULTATION)
    make_comment(version, make_user(), version.standards[0])
    with pytest.raises(DomainError, match="commented"):
        services.delete_standard(None, version.standards[0])


@pytest.mark.parametrize("status", [s for s in VersionStatus if s != VersionStatus.CONSULTATION])
def test_comments_only_while_in_consultation(app, status):
    """A version not in consultation refuses comments with ConsultationClosed (409)."""
    version = make_version(status)
    with pytest.raises(services.ConsultationClosed) as refused:
        services.add_comment(make_user(), version, None, "Hello.")
    assert refused.value.status_code == 409


def test_any_user_comments_and_an_officer_answers(app):
    """A comment is stored with its stakeholder type and standard; the answer records who and when; both audited."""
    version = make_version(VersionStatus.CONSULTATION)
    author, officer = make_user(), make_user(Role.OFFICER)
    comment = services.add_comment(author, version, version.standards[1], " Add X. ")
    services.answer_comment(officer, comment, CommentResponse.PARTLY, "We added part of X.")
    db.session.commit()
    assert comment.text == "Add X." and comment.standard.code == "S2" and comment.author_id == author.id
    assert comment.response == CommentResponse.PARTLY and comment.answered_by_id == officer.id
    actions = {entry.action for entry in db.session.query(AuditEntry)}
    assert {"standards.comment.create", "standards.comment.answer"} <= actions


def test_comment_on_a_standard_of_another_version_is_refused(app):
    """The standard commented on must belong to the version."""
    version = make_version(VersionStatus.CONSULTATION)
    other = make_version(VersionStatus.DRAFT)
    with pytest.raises(DomainError) as refused:
        services.add_comment(make_user(), version, other.standards[0], "Text.")
    assert refused.value.field == "standard"


def test_answers_are_refused_after_the_consultation(app):
    """Once approved, answers are final."""
    version = make_version(VersionStatus.APPROVED)
    comment = make_comment(version, make_user())
    with pytest.raises(services.ConsultationClosed):
        services.answer_comment(make_user(Role.OFFICER), comment, CommentResponse.ACCEPTED, "Late.")


def test_approved_versions_lists_only_approved(app):
    """approved_versions() returns the versions in force, not drafts, superseded or withdrawn ones."""
    approved = make_version(VersionStatus.APPROVED)
    for status in (VersionStatus.DRAFT, VersionStatus.CONSULTATION, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN):
        make_version(status)
    assert db.session.scalars(services.approved_versions()).all() == [approved]


def test_create_standard_set_refuses_a_duplicate_code(app):
    """Set codes are unique (they appear in public URLs)."""
    make_standard_set(code="mc")
    with pytest.raises(DomainError) as refused:
        services.create_standard_set(None, "MC", "Another")
    assert refused.value.field == "code"


def test_unknown_references_are_refused(app):
    """Only ESG Part 1 items 1.1–1.10 and principles 1–10 can be referenced; known ones are kept in order."""
    version = make_version(VersionStatus.DRAFT)
    with pytest.raises(DomainError) as refused:
        services.add_standard(None, version, "S7", "T", "S.", esg_refs=["2.4"])
    assert refused.value.field == "esg_refs"
    with pytest.raises(DomainError) as refused:
        services.add_standard(None, version, "S7", "T", "S.", principle_refs=[11])
    assert refused.value.field == "principle_refs"
    standard = services.add_standard(None, version, "S7", "T", "S.", esg_refs=["1.10", "1.2", "1.2"],
                                     principle_refs=["10", 2])
    assert standard.esg_refs == ["1.2", "1.10"] and standard.principle_refs == [2, 10]
