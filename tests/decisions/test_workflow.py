"""The lifecycles decisions owns on the core engine — the appeal and the complaint: each table walked for every
(state, action) pair, then its guards, permissions and the CHECK constraints that tie an appeal's status to its data."""
import pytest
from sqlalchemy.exc import IntegrityError

from qa_portal.auth.models import Role
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import ActionForbidden, TransitionRefused
from qa_portal.decisions.models import (
    Admissibility, AppealAction, AppealOutcome, AppealStatus, ComplaintAction, ComplaintStatus,
)
from qa_portal.decisions.services.complaints import lodge_complaint
from qa_portal.decisions.workflow import APPEAL_WORKFLOW, COMPLAINT_WORKFLOW
from qa_portal.extensions import db
from qa_portal.reviews.models import MemberStatus, PanelMember, PanelRole
from tests.decisions.appeal_factories import lodged
from tests.factories import make_user
from tests.workflow_walk import walk_step

# The data each appeal status carries (what its CHECK constraints ask for), set directly to start a walk there.
STATUS_DATA = {
    AppealStatus.LODGED: {},
    AppealStatus.ADMISSIBLE: {"admissibility": Admissibility.ADMISSIBLE},
    AppealStatus.INADMISSIBLE: {"admissibility": Admissibility.LATE},
    AppealStatus.UPHELD: {"admissibility": Admissibility.ADMISSIBLE, "outcome": AppealOutcome.UPHOLD},
    AppealStatus.RETURNED: {"admissibility": Admissibility.ADMISSIBLE, "outcome": AppealOutcome.RETURN},
}


def _appeal_in(status: AppealStatus):
    """An appeal lodged through the services, then put in `status` directly with the data that status carries."""
    appeal = lodged()
    data = STATUS_DATA[status]
    appeal.status = status
    if "admissibility" in data:
        appeal.admissibility, appeal.admissibility_reason = data["admissibility"], "Ruled."
    if "outcome" in data:
        appeal.outcome, appeal.outcome_reasons = data["outcome"], "Decided."
    db.session.commit()
    return appeal


def _officer_and_appeals_member():
    """One user who may take every appeal action: an officer and an appeals-body member who took no part."""
    return make_user(Role.OFFICER, Role.APPEALS)


@pytest.mark.parametrize("action", list(AppealAction), ids=str)
@pytest.mark.parametrize("status", list(AppealStatus), ids=str)
def test_appeal_table_decides_every_state_action_pair(app, status, action):
    """An appeal moves by an action from its source states only, stamping the ruling or outcome; from any other
    state it is a 409 and no move."""
    appeal = _appeal_in(status)
    actor = _officer_and_appeals_member()
    if walk_step(APPEAL_WORKFLOW, appeal, action, actor, admissibility="late"):
        if appeal.status in (AppealStatus.ADMISSIBLE, AppealStatus.INADMISSIBLE):
            assert (appeal.admissibility_by_id, appeal.admissibility_reason) == (actor.id, "Reasons given.")
        else:
            assert (appeal.decided_by_id, appeal.outcome_reasons) == (actor.id, "Reasons given.")


def test_appeal_inadmissible_ruling_names_why(app):
    """An inadmissible ruling is late, unauthorised or out of scope (else 409 at the field); admissible is its own
    action."""
    appeal = _appeal_in(AppealStatus.LODGED)
    officer = make_user(Role.OFFICER)
    for given in ("admissible", "", None):
        with pytest.raises(TransitionRefused) as refused:
            APPEAL_WORKFLOW.apply(appeal, AppealAction.RULE_INADMISSIBLE, officer, "Reason.", admissibility=given)
        assert refused.value.field == "admissibility"
    APPEAL_WORKFLOW.apply(appeal, AppealAction.RULE_INADMISSIBLE, officer, "Reason.", admissibility="unauthorised")
    assert (appeal.status, appeal.admissibility) == (AppealStatus.INADMISSIBLE, Admissibility.UNAUTHORISED)


def test_appeal_actions_belong_to_officers_and_the_independent_appeals_body(app):
    """Officers rule on admissibility, independent appeals-body members decide (403 for anyone else, for a member
    who sat on the case's panel too); every action needs reasons (409 at the reason field)."""
    appeal = _appeal_in(AppealStatus.ADMISSIBLE)
    member = make_user(Role.APPEALS)
    with pytest.raises(ActionForbidden):
        APPEAL_WORKFLOW.apply(appeal, AppealAction.UPHOLD, make_user(Role.OFFICER), "Reasons.")
    with pytest.raises(TransitionRefused) as refused:
        APPEAL_WORKFLOW.apply(appeal, AppealAction.UPHOLD, member, " ")
    assert refused.value.field == "reason"
    db.session.add(PanelMember(case_id=appeal.case_id, user_id=member.id, role=PanelRole.ACADEMIC,
                               status=MemberStatus.CLEARED))
    db.session.commit()
    with pytest.raises(ActionForbidden):
        APPEAL_WORKFLOW.apply(appeal, AppealAction.UPHOLD, member, "Reasons.")
    assert APPEAL_WORKFLOW.available(member, appeal) == []
    assert APPEAL_WORKFLOW.available(make_user(Role.APPEALS), appeal) == [AppealAction.UPHOLD, AppealAction.RETURN]
    lodged_appeal = _appeal_in(AppealStatus.LODGED)
    with pytest.raises(ActionForbidden):
        APPEAL_WORKFLOW.apply(lodged_appeal, AppealAction.RULE_ADMISSIBLE, make_user(Role.APPEALS), "Fine.")


@pytest.mark.parametrize("status, data", [
    (AppealStatus.LODGED, {"admissibility": Admissibility.ADMISSIBLE}),
    (AppealStatus.ADMISSIBLE, {}),
    (AppealStatus.ADMISSIBLE, {"admissibility": Admissibility.LATE}),
    (AppealStatus.INADMISSIBLE, {"admissibility": Admissibility.ADMISSIBLE}),
    (AppealStatus.UPHELD, {"admissibility": Admissibility.ADMISSIBLE}),
    (AppealStatus.UPHELD, {"admissibility": Admissibility.ADMISSIBLE, "outcome": AppealOutcome.RETURN}),
    (AppealStatus.RETURNED, {"admissibility": Admissibility.ADMISSIBLE, "outcome": AppealOutcome.UPHOLD}),
    (AppealStatus.ADMISSIBLE, {"admissibility": Admissibility.ADMISSIBLE, "outcome": AppealOutcome.UPHOLD}),
], ids=str)
def test_appeal_status_check_constraints_refuse_a_status_its_data_contradicts(app, status, data):
    """The database refuses an appeal whose status contradicts its admissibility ruling or outcome."""
    appeal = lodged()
    appeal.status = status
    for name, value in data.items():
        setattr(appeal, name, value)
    appeal.admissibility_reason = appeal.outcome_reasons = "Reasons."
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# --- the complaint ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("action", list(ComplaintAction), ids=str)
@pytest.mark.parametrize("status", list(ComplaintStatus), ids=str)
def test_complaint_table_decides_every_state_action_pair(app, status, action):
    """A complaint is answered once, when open; answering an answered one is a 409 and no move."""
    complaint = lodge_complaint(make_user(Role.EXPERT), "Conduct", "The chair was rude.")
    complaint.status = status
    if status == ComplaintStatus.ANSWERED:
        complaint.answer, complaint.answered_at = "Answered before.", utcnow()
    db.session.commit()
    officer = make_user(Role.OFFICER)
    if walk_step(COMPLAINT_WORKFLOW, complaint, action, officer, "We spoke to the chair."):
        assert (complaint.answer, complaint.answered_by_id) == ("We spoke to the chair.", officer.id)


def test_complaint_is_answered_by_officers_with_a_text(app):
    """Only officers answer (403 for the complainant); an empty answer is refused at the answer field (409)."""
    complainant = make_user(Role.EXPERT)
    complaint = lodge_complaint(complainant, "Conduct", "The chair was rude.")
    with pytest.raises(ActionForbidden):
        COMPLAINT_WORKFLOW.apply(complaint, ComplaintAction.ANSWER, complainant, "Never mind.")
    with pytest.raises(TransitionRefused) as refused:
        COMPLAINT_WORKFLOW.apply(complaint, ComplaintAction.ANSWER, make_user(Role.OFFICER), "  ")
    assert refused.value.field == "answer" and complaint.status == ComplaintStatus.OPEN
