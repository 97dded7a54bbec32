"""Appeal rules (domain.md §5.3 A1–A3), one test each with the exact message on breach, called on the services;
the workflow's guards re-check them so no path moves a case around them."""
import io
from datetime import timedelta

import pytest
from qa_portal.core.dates import format_day
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role, UserRole
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.core.storage import UploadRefused
from qa_portal.decisions.services.appeals import decide_appeal, is_overdue, lodge_appeal, record_admissibility
from qa_portal.decisions.models import Appeal, CouncilDeclaration, Decision
from qa_portal.decisions.services.rules import pending_decision
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseAction, CaseState, MemberStatus, PanelMember, PanelRole
from qa_portal.core.workflow import ActionForbidden, TransitionRefused
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.decisions.appeal_factories import STATEMENT, admitted, appealable, appeals_member, lodged
from tests.decisions.factories import decided_case
from tests.factories import make_institution, make_user
from tests.reviews.factories import hei_user_for


def _refused(service, *args) -> DomainError:
    with pytest.raises(DomainError) as caught:
        service(*args)
    db.session.rollback()
    return caught.value


def test_a1_only_the_institutions_users_lodge_an_appeal(app):
    """A1: an appeal is lodged by a user of the case's institution; another institution's user is refused (403)."""
    case, _decision, _hei = appealable()
    outsider = make_user(Role.HEI, institution=make_institution())
    error = _refused(lodge_appeal, outsider, case, ["criteria_misapplied"], STATEMENT)
    assert isinstance(error, ActionForbidden) and error.status_code == 403
    assert error.message == "Only the institution's own users may appeal against its decision."


def test_a1_a_late_appeal_is_refused_with_the_deadline_shown(app):
    """A1: an appeal after QA_APPEAL_WINDOW_DAYS from publication is refused, naming the last day."""
    case, decision = decided_case("negative")
    published = utcnow() - timedelta(days=31)
    decision.published_at, decision.published_by_id = published, make_user(Role.OFFICER).id
    case.state = CaseState.PUBLISHED  # published a month ago (set directly: the clock cannot be turned back)
    db.session.commit()
    error = _refused(lodge_appeal, hei_user_for(case), case, ["criteria_misapplied"], STATEMENT)
    deadline = format_day(published.date() + timedelta(days=30))
    assert error.message == (f"The appeal window closed on {deadline}: appeals are lodged within 30 days of the "
                             "decision's publication.")
    assert db.session.scalar(select(Appeal)) is None and case.state == CaseState.PUBLISHED


def test_a1_grounds_are_required(app):
    """A1: an appeal states at least one ground (evidence misread, criteria misapplied, process not followed)."""
    case, _decision, hei = appealable()
    error = _refused(lodge_appeal, hei, case, [], STATEMENT)
    assert (error.field, error.message) == ("grounds", "Choose at least one ground of appeal.")


def test_a1_a_statement_is_required(app):
    """A1: the appeal says why the decision should be reconsidered."""
    case, _decision, hei = appealable()
    error = _refused(lodge_appeal, hei, case, ["process_not_followed"], "  ")
    assert (error.field, error.message) == ("statement", "State why the decision should be reconsidered.")


def test_a1_one_appeal_per_decision(app):
    """A1: a decision is appealed once; a second appeal is refused."""
    appeal = lodged()
    appeal.case.state = CaseState.CLOSED  # even after the case closed
    db.session.commit()
    error = _refused(lodge_appeal, hei_user_for(appeal.case), appeal.case, ["criteria_misapplied"], STATEMENT)
    assert error.message == "An appeal against this decision has already been lodged."


def test_a1_lodging_moves_the_case_sets_the_due_date_stores_documents_and_audits(app):
    """A1/A3: a lodged appeal moves the case to appeal_lodged through the workflow, is due QA_APPEAL_DECISION_DAYS
    later, keeps its documents hashed, and is audited."""
    appeal = lodged(documents=1)
    assert appeal.case.state == CaseState.APPEAL_LODGED
    assert appeal.decision_due_on == appeal.lodged_at.date() + timedelta(days=90)
    assert appeal.grounds == ["criteria_misapplied"] and len(appeal.documents[0].sha256) == 64
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"appeal.lodge", "case.lodge_appeal"} <= actions


def test_a1_documents_are_checked_by_content(app):
    """A1: an attached document must really be an accepted kind (a text file named .pdf is refused, nothing kept)."""
    case, _decision, hei = appealable()
    error = _refused(lodge_appeal, hei, case, ["criteria_misapplied"], STATEMENT,
                     [(io.BytesIO(b"not a pdf at all"), "annex.pdf")])
    assert isinstance(error, UploadRefused)
    assert db.session.scalar(select(Appeal)) is None


def test_a1_an_officer_records_admissibility_with_a_reason(app):
    """A1: admissibility (admissible, late, unauthorised, out of scope) is recorded by an officer with a reason."""
    appeal = lodged()
    officer = make_user(Role.OFFICER)
    error = _refused(record_admissibility, officer, appeal, "late", " ")
    assert (error.field, error.message) == ("reason", "Give the reason for the admissibility ruling.")
    error = _refused(record_admissibility, make_user(Role.APPEALS), appeal, "admissible", "Fine.")
    assert error.message == "Only officers record whether an appeal is admissible."
    record_admissibility(officer, appeal, "out_of_scope", "It contests the panel's membership, not the decision.")
    db.session.commit()
    assert appeal.admissibility == "out_of_scope" and appeal.admissibility_by_id == officer.id
    error = _refused(record_admissibility, officer, appeal, "admissible", "Changed my mind.")
    assert error.message == "The admissibility of this appeal is already recorded."


def test_a3_only_an_admissible_appeal_can_be_decided(app):
    """A3: the appeals body decides only an appeal recorded admissible (not one awaiting or refused admission)."""
    appeal = lodged()
    member = appeals_member()
    error = _refused(decide_appeal, member, appeal, "uphold", "Reasons.")
    assert error.message == "Only an admissible appeal can be decided."
    record_admissibility(make_user(Role.OFFICER), appeal, "late", "Lodged after the window.")
    db.session.commit()
    assert _refused(decide_appeal, member, appeal, "uphold", "Reasons.").message == \
        "Only an admissible appeal can be decided."


def test_a2_a_panel_member_of_the_case_may_not_decide_its_appeal(app):
    """A2: an appeals-role user who sat on the case's panel (not removed) is refused, in the service and the
    permission predicate."""
    from qa_portal.decisions.permissions import can_decide_this_appeal

    appeal = admitted()
    member = appeals_member()
    db.session.add(PanelMember(case_id=appeal.case_id, user_id=member.id, role=PanelRole.ACADEMIC,
                               status=MemberStatus.CLEARED))
    db.session.commit()
    assert not can_decide_this_appeal(member, appeal)
    error = _refused(decide_appeal, member, appeal, "uphold", "Reasons.")
    assert isinstance(error, ActionForbidden)
    assert error.message == ("You sat on this case's panel or took part in its council decision, so you may not "
                             "decide its appeal.")


def test_a2_a_council_member_who_decided_the_case_may_not_decide_its_appeal(app):
    """A2: an appeals-role user who signed or declared on the case's council decision is refused."""
    appeal = admitted()
    signer = db.session.get(Decision, appeal.decision_id).decided_by
    declared = make_user(Role.COUNCIL)
    db.session.add(CouncilDeclaration(case_id=appeal.case_id, user_id=declared.id))
    for user in (signer, declared):
        user.role_links.append(UserRole(role=Role.APPEALS))
    db.session.commit()
    for user in (signer, declared):
        error = _refused(decide_appeal, user, appeal, "uphold", "Reasons.")
        assert error.message.startswith("You sat on this case's panel or took part in its council decision")


def test_a3_uphold_keeps_the_case_published(app):
    """A3: upholding moves the case to appeal_decided; the decision stays published; audited."""
    appeal = admitted()
    decide_appeal(appeals_member(), appeal, "uphold", "The council applied the criteria as written.")
    db.session.commit()
    assert appeal.case.state == CaseState.APPEAL_DECIDED and appeal.decision.is_published
    assert {"appeal.uphold", "case.uphold_decision"} <= set(db.session.scalars(select(AuditEntry.action)))


def test_a3_return_for_reconsideration_sends_the_case_back_to_the_council(app):
    """A3: returning moves the case to decision_pending; the council may record a new decision linked to the old."""
    appeal = admitted()
    error = _refused(decide_appeal, appeals_member(), appeal, "return_for_reconsideration", "")
    assert (error.field, error.message) == ("reasons", "Give the appeals body's reasons.")
    decide_appeal(appeals_member(), appeal, "return_for_reconsideration", "The reasons contradict the report.")
    db.session.commit()
    assert appeal.case.state == CaseState.DECISION_PENDING and pending_decision(appeal.case) is None
    error = _refused(decide_appeal, appeals_member(), appeal, "uphold", "Again.")
    assert error.message == "This appeal is already decided."


def test_a3_an_appeal_is_overdue_after_its_due_date(app):
    """A3: an open appeal past decision_due_on is overdue; a decided one is not."""
    appeal = admitted()
    assert not is_overdue(appeal)
    assert is_overdue(appeal, today=appeal.decision_due_on + timedelta(days=1))
    decide_appeal(appeals_member(), appeal, "uphold", "Reasons.")
    assert not is_overdue(appeal, today=appeal.decision_due_on + timedelta(days=1))


def test_workflow_guards_refuse_appeal_steps_taken_around_the_services(app):
    """The workflow re-checks the stored appeal: no lodge without an appeal, no uphold without a recorded outcome."""
    case, _decision, hei = appealable()
    with pytest.raises(TransitionRefused, match="no appeal against the published decision is recorded"):
        CASE_WORKFLOW.apply(case, CaseAction.LODGE_APPEAL, hei, comment="Please.")
    db.session.rollback()
    appeal = admitted()
    with pytest.raises(TransitionRefused, match="the appeals body has not recorded this outcome"):
        CASE_WORKFLOW.apply(appeal.case, CaseAction.UPHOLD_DECISION, appeals_member(), comment="Upheld.")
    db.session.rollback()


def test_a1_the_same_matter_before_a_court_makes_an_appeal_inadmissible(app):
    """Issue 15: "the same matter is before a court" is a ground to rule an appeal inadmissible; the case's appeal
    is dismissed and the appeals body cannot decide it."""
    appeal = lodged()
    record_admissibility(make_user(Role.OFFICER), appeal, "before_court",
                         "The institution brought the same decision before the administrative court.")
    db.session.commit()
    assert appeal.admissibility == "before_court" and appeal.status == "inadmissible"
    assert _refused(decide_appeal, appeals_member(), appeal, "uphold", "Reasons.").message == \
        "Only an admissible appeal can be decided."
