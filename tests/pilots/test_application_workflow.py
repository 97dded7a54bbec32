"""The application workflow: every (status, action) pair, its guards, effects and permissions."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.models import StateChange, utcnow
from qa_portal.core.workflow import ActionForbidden, TransitionRefused
from qa_portal.extensions import db
from qa_portal.pilots.models import Application, ApplicationAction, ApplicationStatus, CallStatus
from qa_portal.pilots.workflow import APPLICATION_WORKFLOW
from tests.factories import make_institution, make_user
from tests.pilots.calls_factories import make_application, make_call, make_specification

TRANSITIONS = APPLICATION_WORKFLOW.transitions


@pytest.fixture(autouse=True)
def _request_context(app):
    """Guards translate their messages, which needs a request context."""
    with app.test_request_context():
        yield


@pytest.fixture
def applicant():
    """An institution and one of its HEI users."""
    institution = make_institution()
    return institution, make_user(Role.HEI, institution=institution)


# What each action does from each status: the target status, or None when refused ("not now", 409).
EXPECTED = {
    (ApplicationStatus.DRAFT, ApplicationAction.SUBMIT): ApplicationStatus.SUBMITTED,
    (ApplicationStatus.DRAFT, ApplicationAction.WITHDRAW): ApplicationStatus.WITHDRAWN,
    (ApplicationStatus.SUBMITTED, ApplicationAction.WITHDRAW): ApplicationStatus.WITHDRAWN,
}

PAIRS = [(status, action) for status in ApplicationStatus for action in ApplicationAction]


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s.value}-{a.value}" for s, a in PAIRS])
def test_application_workflow_every_status_action_pair(app, applicant, status, action):
    """The applicant's action moves the application exactly as the table says while its call is open; any other
    pair is a 409 that changes nothing."""
    institution, user = applicant
    application = make_application(make_call(), institution, [make_specification(institution)], status=status)
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(TransitionRefused) as refused:
            APPLICATION_WORKFLOW.apply(application, action, user, "A reason.")
        assert refused.value.status_code == 409
        db.session.rollback()
        assert db.session.get(Application, application.id).status == status
    else:
        APPLICATION_WORKFLOW.apply(application, action, user, "A reason.")
        db.session.commit()
        assert db.session.get(Application, application.id).status == expected


def test_application_workflow_table_matches_expected():
    """The table holds exactly the documented moves, each the applicant's."""
    assert {(source, action): row.target for action, row in TRANSITIONS.items() for source in row.sources} == EXPECTED
    assert all(row.permission is not None for row in TRANSITIONS.values())


def test_submit_freezes_the_latest_specification_versions_and_stamps(app, applicant):
    """Submission links and freezes each specification's latest version and records when and by whom."""
    institution, user = applicant
    spec = make_specification(institution)
    application = make_application(make_call(), institution, [spec])
    APPLICATION_WORKFLOW.apply(application, ApplicationAction.SUBMIT, user)
    db.session.commit()
    link = application.specification_links[0]
    assert link.specification_version_id == spec.latest_version.id and spec.latest_version.frozen_at is not None
    assert application.submitted_at is not None and application.submitted_by_id == user.id


@pytest.mark.parametrize(("arrange", "message", "field"), [
    (lambda application: setattr(application, "motivation", ""), "Write your motivation before submitting.",
     "motivation"),
    (lambda application: application.specification_links.clear(),
     "Choose at least one of your institution's micro-credential specifications.", "specification_ids"),
    (lambda application: setattr(application.call, "closes_at", utcnow() - timedelta(minutes=1)),
     "late applications are refused", None),
    (lambda application: setattr(application.call, "status", CallStatus.CLOSED),  # test set-up
     "This call is not open", None),
], ids=["motivation", "specifications", "late", "call-closed"])
def test_submit_guards_refuse_with_the_reason(app, applicant, arrange, message, field):
    """Submission needs the call to accept it, a motivation and at least one specification; each refusal says why
    (on its field where there is one) and changes nothing."""
    institution, user = applicant
    application = make_application(make_call(), institution, [make_specification(institution)])
    arrange(application)
    db.session.commit()
    with pytest.raises(TransitionRefused, match=message) as refused:
        APPLICATION_WORKFLOW.apply(application, ApplicationAction.SUBMIT, user)
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.get(Application, application.id).status == ApplicationStatus.DRAFT


def test_submit_refuses_an_incomplete_specification(app, applicant):
    """Every specification named must be complete in its latest version."""
    institution, user = applicant
    application = make_application(make_call(), institution, [make_specification(institution, complete=False,
                                                                                  title="Half done")])
    with pytest.raises(TransitionRefused, match="The specification “Half done” is incomplete"):
        APPLICATION_WORKFLOW.apply(application, ApplicationAction.SUBMIT, user)


def test_withdraw_refused_once_the_selection_is_complete_and_needs_a_reason(app, applicant):
    """A submitted application is withdrawn with a reason until the selection completes; after that, never."""
    institution, user = applicant
    call = make_call()
    application = make_application(call, institution, [make_specification(institution)],
                                   status=ApplicationStatus.SUBMITTED)
    with pytest.raises(TransitionRefused) as refused:
        APPLICATION_WORKFLOW.apply(application, ApplicationAction.WITHDRAW, user, " ")
    assert refused.value.field == "reason"
    call.status, call.selection_completed_at = CallStatus.SELECTION_DONE, utcnow()  # test set-up
    db.session.commit()
    with pytest.raises(TransitionRefused, match="withdraw from the review case instead"):
        APPLICATION_WORKFLOW.apply(application, ApplicationAction.WITHDRAW, user, "Course paused.")


@pytest.mark.parametrize("role", [Role.HEI, Role.OFFICER, Role.EXPERT, Role.COUNCIL, Role.ADMIN, Role.APPEALS])
def test_only_the_applicant_institution_moves_its_application(app, applicant, role):
    """Only the applying institution's HEI users submit or withdraw; anyone else is refused ("not yours", 403)."""
    institution, _user = applicant
    application = make_application(make_call(), institution, [make_specification(institution)])
    stranger = make_user(role, institution=make_institution()) if role == Role.HEI else make_user(role)
    for action in ApplicationAction:
        with pytest.raises(ActionForbidden) as refused:
            APPLICATION_WORKFLOW.apply(application, action, stranger, "A reason.")
        assert refused.value.status_code == 403
    assert application.status == ApplicationStatus.DRAFT


def test_application_moves_are_audited_and_leave_a_timeline_row(app, applicant):
    """Withdrawal writes an audit entry "application.withdraw" with the reason, and a timeline row."""
    institution, user = applicant
    application = make_application(make_call(), institution, [make_specification(institution)])
    APPLICATION_WORKFLOW.apply(application, ApplicationAction.WITHDRAW, user, "Course paused.")
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "application.withdraw"))
    assert entry.data == {"from": "draft", "to": "withdrawn", "comment": "Course paused."}
    change = db.session.scalar(select(StateChange).where(StateChange.workflow == "application"))
    assert (change.object_id, change.comment, change.actor_id) == (application.id, "Course paused.", user.id)
    assert application.withdrawal_reason == "Course paused." and application.withdrawn_at is not None
