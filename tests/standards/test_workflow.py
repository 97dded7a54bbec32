"""The version workflow: every (status, action) pair, guards, automatic supersede, permissions."""
import pytest

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.core.workflow import ActionForbidden, TransitionRefused
from qa_portal.standards.models import VersionAction, VersionStatus
from qa_portal.standards.workflow import VERSION_WORKFLOW

TRANSITIONS = VERSION_WORKFLOW.transitions


def apply_action(version, action, actor, reason=None):
    return VERSION_WORKFLOW.apply(version, action, actor, reason)


def available_actions(user, version):
    return VERSION_WORKFLOW.available(user, version)
from tests.factories import make_user
from tests.standards.factories import make_comment, make_standard_set, make_version

# What each action does from each status: the target status, or None when refused.
EXPECTED = {
    (VersionStatus.DRAFT, VersionAction.OPEN_CONSULTATION): VersionStatus.CONSULTATION,
    (VersionStatus.DRAFT, VersionAction.WITHDRAW): VersionStatus.WITHDRAWN,
    (VersionStatus.CONSULTATION, VersionAction.APPROVE): VersionStatus.APPROVED,
    (VersionStatus.CONSULTATION, VersionAction.WITHDRAW): VersionStatus.WITHDRAWN,
    (VersionStatus.APPROVED, VersionAction.WITHDRAW): VersionStatus.WITHDRAWN,
}

PAIRS = [(status, action) for status in VersionStatus for action in VersionAction]


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s.value}-{a.value}" for s, a in PAIRS])
def test_version_workflow_every_status_action_pair(app, status, action):
    """An officer's action moves the version exactly as the table says, and is refused (409; 403 for the system's
    supersede) otherwise."""
    officer = make_user(Role.OFFICER)
    version = make_version(status)
    expected = EXPECTED.get((status, action))
    if expected is None:
        refusal = ActionForbidden if action == VersionAction.SUPERSEDE else TransitionRefused  # system-only: 403
        with pytest.raises(refusal) as refused:
            apply_action(version, action, officer, reason="A reason.")
        assert refused.value.status_code == (403 if refusal is ActionForbidden else 409)
        db.session.rollback()
        assert db.session.get(type(version), version.id).status == status
    else:
        apply_action(version, action, officer, reason="A reason.")
        db.session.commit()
        assert db.session.get(type(version), version.id).status == expected


def test_transition_table_matches_expected_pairs():
    """The table in workflow.py allows exactly the user-facing pairs listed in EXPECTED (plus system supersede)."""
    allowed = {(source, action) for action, transition in TRANSITIONS.items() if transition.permission
               for source in transition.sources}
    assert allowed == set(EXPECTED)
    assert TRANSITIONS[VersionAction.SUPERSEDE].sources == {VersionStatus.APPROVED}


def test_approving_a_newer_version_supersedes_the_approved_one(app):
    """Approving version 2 marks version 1 superseded, with the date, in the same step."""
    officer = make_user(Role.OFFICER)
    first = make_version(VersionStatus.APPROVED)
    second = make_version(VersionStatus.CONSULTATION, standard_set=first.standard_set)
    apply_action(second, VersionAction.APPROVE, officer)
    db.session.commit()
    db.session.refresh(first)
    assert first.status == VersionStatus.SUPERSEDED and first.superseded_at is not None
    assert second.status == VersionStatus.APPROVED and second.approved_by_id == officer.id


def test_withdraw_requires_a_reason(app):
    """Withdrawing without a reason is refused; the reason is stored when given."""
    officer = make_user(Role.OFFICER)
    version = make_version(VersionStatus.APPROVED)
    with pytest.raises(TransitionRefused) as refused:
        apply_action(version, VersionAction.WITHDRAW, officer, reason="  ")
    assert refused.value.field == "reason"
    apply_action(version, VersionAction.WITHDRAW, officer, reason="Replaced by law.")
    assert version.withdrawn_reason == "Replaced by law." and version.withdrawn_at is not None


def test_approve_refused_while_comments_are_unanswered(app):
    """A version cannot be approved while any consultation comment waits for an answer."""
    officer = make_user(Role.OFFICER)
    version = make_version(VersionStatus.CONSULTATION)
    make_comment(version, make_user())
    with pytest.raises(TransitionRefused, match="unanswered"):
        apply_action(version, VersionAction.APPROVE, officer)


def test_open_consultation_refused_without_standards(app):
    """An empty draft cannot go to consultation."""
    officer = make_user(Role.OFFICER)
    version = make_standard_set().versions[0]
    with pytest.raises(TransitionRefused):
        apply_action(version, VersionAction.OPEN_CONSULTATION, officer)
    assert version.status == VersionStatus.DRAFT


def test_open_consultation_refused_for_a_standard_without_criteria(app):
    """Every standard needs a criterion before the consultation opens."""
    officer = make_user(Role.OFFICER)
    version = make_version(VersionStatus.DRAFT, criteria=0)
    with pytest.raises(TransitionRefused, match="S1"):
        apply_action(version, VersionAction.OPEN_CONSULTATION, officer)


@pytest.mark.parametrize("role", [Role.HEI, Role.EXPERT, Role.COUNCIL, Role.ADMIN, Role.APPEALS])
def test_only_officers_change_version_status(app, role):
    """Users without the officer role are refused every action ("not yours", 403) and see no buttons."""
    user = make_user(role)
    version = make_version(VersionStatus.DRAFT)
    assert available_actions(user, version) == []
    with pytest.raises(ActionForbidden):
        apply_action(version, VersionAction.OPEN_CONSULTATION, user)
    assert version.status == VersionStatus.DRAFT


def test_supersede_cannot_be_requested(app):
    """Supersede is applied by the system only, never on request."""
    officer = make_user(Role.OFFICER)
    version = make_version(VersionStatus.APPROVED)
    with pytest.raises(ActionForbidden):
        apply_action(version, VersionAction.SUPERSEDE, officer)
    assert version.status == VersionStatus.APPROVED


def test_status_changes_are_audited(app):
    """Every transition writes an audit entry naming the from and to status."""
    from qa_portal.audit.models import AuditEntry

    officer = make_user(Role.OFFICER)
    version = make_version(VersionStatus.DRAFT)
    apply_action(version, VersionAction.OPEN_CONSULTATION, officer)
    db.session.commit()
    entry = db.session.query(AuditEntry).filter_by(action="standards.version.open_consultation").one()
    assert entry.data == {"from": "draft", "to": "consultation"} and entry.actor_id == officer.id


def test_status_changes_leave_a_timeline_row(app):
    """Every transition writes a generic timeline row (core StateChange) with the move and the reason."""
    from qa_portal.core.models import StateChange

    officer = make_user(Role.OFFICER)
    version = make_version(VersionStatus.DRAFT)
    apply_action(version, VersionAction.WITHDRAW, officer, reason="Out of date.")
    db.session.commit()
    change = db.session.query(StateChange).filter_by(workflow="standards.version", object_id=version.id).one()
    assert (change.action, change.from_state, change.to_state, change.comment, change.actor_id) == (
        "withdraw", "draft", "withdrawn", "Out of date.", officer.id)
