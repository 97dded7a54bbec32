"""The specification version workflow: every (status, action) pair, its guards, effects and permissions."""
import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.models import StateChange
from qa_portal.core.workflow import ActionForbidden, TransitionRefused
from qa_portal.extensions import db
from qa_portal.pilots.models import SpecificationAction, SpecificationStatus, SpecificationVersion
from qa_portal.pilots.services import specifications as services
from qa_portal.pilots.workflow import SPECIFICATION_WORKFLOW
from tests.factories import make_institution, make_user
from tests.pilots.factories import complete_data, incomplete_data, make_specification, request_ctx  # noqa: F401

pytestmark = pytest.mark.usefixtures("request_ctx")

TRANSITIONS = SPECIFICATION_WORKFLOW.transitions

# What each user-facing action does from each status: the target status, or None when refused ("not now", 409).
EXPECTED = {
    (SpecificationStatus.DRAFT, SpecificationAction.PUBLISH): SpecificationStatus.PUBLISHED,
    (SpecificationStatus.PUBLISHED, SpecificationAction.WITHDRAW): SpecificationStatus.WITHDRAWN,
}
# The system's move: a published QA decision makes the reviewed draft public.
SYSTEM = {(SpecificationStatus.DRAFT, SpecificationAction.PUBLISH_REVIEWED): SpecificationStatus.PUBLISHED}

PAIRS = [(status, action) for status in SpecificationStatus for action in SpecificationAction]


@pytest.fixture
def hei():
    institution = make_institution()
    return institution, make_user(Role.HEI, institution=institution)


def _version_in(status: SpecificationStatus, institution, actor) -> SpecificationVersion:
    """A complete version of a new micro-credential, moved to the status through the services."""
    version = make_specification(institution, published=status != SpecificationStatus.DRAFT)
    if status == SpecificationStatus.WITHDRAWN:
        services.withdraw_specification(actor, version.micro_credential, "Programme closed.")
        db.session.commit()
    return version


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s.value}-{a.value}" for s, a in PAIRS])
def test_specification_workflow_every_status_action_pair(app, hei, status, action):
    """The owner's action moves the version exactly as the table says; the system's publish_reviewed is refused to
    a user (403) and taken by the system from a draft only; every other pair is a 409 that changes nothing."""
    institution, user = hei
    version = _version_in(status, institution, user)
    expected = EXPECTED.get((status, action))
    if action == SpecificationAction.PUBLISH_REVIEWED:
        with pytest.raises(ActionForbidden):
            SPECIFICATION_WORKFLOW.apply(version, action, user)
        expected = SYSTEM.get((status, action))
    if expected is None:
        with pytest.raises(TransitionRefused) as refused:
            SPECIFICATION_WORKFLOW.apply(version, action, user, "A reason.",
                                         system=action == SpecificationAction.PUBLISH_REVIEWED)
        assert refused.value.status_code == 409
        db.session.rollback()
        assert db.session.get(SpecificationVersion, version.id).status == status
    else:
        SPECIFICATION_WORKFLOW.apply(version, action, user, "A reason.",
                                     system=action == SpecificationAction.PUBLISH_REVIEWED)
        db.session.commit()
        assert db.session.get(SpecificationVersion, version.id).status == expected


def test_specification_workflow_table_matches_expected():
    """The table allows exactly the user-facing pairs in EXPECTED, plus the system's publish_reviewed."""
    allowed = {(source, action) for action, row in TRANSITIONS.items() if row.permission for source in row.sources}
    assert allowed == set(EXPECTED)
    system = {(source, action): row.target for action, row in TRANSITIONS.items() if row.permission is None
              for source in row.sources}
    assert system == SYSTEM


def test_publish_refuses_an_older_version(app, hei):
    """Only the latest version is published on request."""
    institution, user = hei
    first = make_specification(institution, frozen=True)
    services.update_specification(user, first.micro_credential, complete_data(title_en="Second"))
    db.session.commit()
    with pytest.raises(TransitionRefused, match="Only the latest version can be published."):
        SPECIFICATION_WORKFLOW.apply(first, SpecificationAction.PUBLISH, user)


def test_publish_refuses_an_incomplete_version(app, hei):
    """A version missing mandatory elements is not published; the refusal names what is missing."""
    institution, user = hei
    version = services.create_specification(user, institution, incomplete_data())
    with pytest.raises(TransitionRefused, match="cannot be published before these elements are filled in"):
        SPECIFICATION_WORKFLOW.apply(version, SpecificationAction.PUBLISH, user)
    assert version.status == SpecificationStatus.DRAFT


def test_publish_reviewed_needs_neither_latest_nor_request(app, hei):
    """The system publishes a reviewed (frozen) older version; no user may ask for it."""
    institution, user = hei
    first = make_specification(institution, frozen=True)
    services.update_specification(user, first.micro_credential, complete_data(title_en="Second"))
    services.publish_reviewed_version(None, first)
    db.session.commit()
    assert first.status == SpecificationStatus.PUBLISHED and first.published_at is not None
    assert SPECIFICATION_WORKFLOW.available(user, first) == []


def test_withdraw_needs_a_reason_and_keeps_it(app, hei):
    """Withdrawing without a reason is refused at the reason field; the reason and date are kept when given."""
    institution, user = hei
    version = make_specification(institution, published=True)
    with pytest.raises(TransitionRefused) as refused:
        SPECIFICATION_WORKFLOW.apply(version, SpecificationAction.WITHDRAW, user, "  ")
    assert refused.value.field == "reason"
    SPECIFICATION_WORKFLOW.apply(version, SpecificationAction.WITHDRAW, user, "Programme closed.")
    assert version.withdrawal_reason == "Programme closed." and version.withdrawn_at is not None


@pytest.mark.parametrize("role", [Role.HEI, Role.EXPERT, Role.COUNCIL, Role.ADMIN, Role.APPEALS])
def test_only_the_owner_and_officers_move_a_specification(app, hei, role):
    """An officer and the owning institution's HEI users publish; anyone else is refused ("not yours", 403)."""
    institution, owner = hei
    version = make_specification(institution)
    stranger = make_user(role, institution=make_institution()) if role == Role.HEI else make_user(role)
    assert SPECIFICATION_WORKFLOW.available(stranger, version) == []
    with pytest.raises(ActionForbidden):
        SPECIFICATION_WORKFLOW.apply(version, SpecificationAction.PUBLISH, stranger)
    assert SPECIFICATION_WORKFLOW.available(owner, version) == [SpecificationAction.PUBLISH]
    assert SPECIFICATION_WORKFLOW.available(make_user(Role.OFFICER), version) == [SpecificationAction.PUBLISH]


def test_specification_moves_are_audited_and_leave_a_timeline_row(app, hei):
    """Publishing writes an audit entry "specification.publish" and a timeline row on the version."""
    institution, user = hei
    version = make_specification(institution)
    SPECIFICATION_WORKFLOW.apply(version, SpecificationAction.PUBLISH, user)
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "specification.publish"))
    assert entry.data == {"from": "draft", "to": "published"} and entry.object_id == str(version.id)
    change = db.session.scalar(select(StateChange).where(StateChange.workflow == "specification"))
    assert (change.object_id, change.action, change.actor_id) == (version.id, "publish", user.id)
