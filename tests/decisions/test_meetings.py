"""The council decides as a body (issue 15 item 3): a meeting with its agenda and attendance; a vote by each present,
declared, non-recused member on the proposed outcome and conditions; quorum (default: a majority of the members not
recused) and majority (configurable); the decision recorded through the decision service only when both hold; the
minutes as a PDF; the register and the letter say "decided by the council at its meeting of <date>"."""
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from qa_portal.auth.models import Role
from qa_portal.core.errors import DomainError
from qa_portal.core.models import utcnow
from qa_portal.core.workflow import ActionForbidden
from qa_portal.decisions.pdf import decision_letter_pdf, meeting_minutes_pdf
from qa_portal.decisions.services.council import declare_interests
from qa_portal.decisions.services.meetings import (cast_vote, propose_outcome, record_meeting_decision,
                                                   schedule_meeting, tally)
from qa_portal.decisions.services.publication import publish_cases
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState
from tests.decisions.factories import council_member, pending_case, valid_input
from tests.factories import make_user


def _meeting_of_three(case, quorum=None, present=3):
    """Three council members (Anna, Boris, Carine — Carine recused for a conflict) and a meeting yesterday with the
    case on its agenda and the first `present` of them present."""
    anna = council_member(case, full_name="Anna Council")
    boris = council_member(case, full_name="Boris Council")
    carine = council_member(case, declared=False, full_name="Carine Council")
    declare_interests(carine, case, has_conflict=True, recuse=True, details="Taught at the institution until 2025.")
    members = [anna, boris, carine]
    meeting = schedule_meeting(make_user(Role.OFFICER), utcnow().date() - timedelta(days=1), "December council",
                               [case.id], [member.id for member in members[:present]], quorum)
    db.session.commit()
    return meeting, anna, boris, carine


def _proposed(case, meeting, member, outcome="positive_with_conditions"):
    item = meeting.items[0]
    propose_outcome(member, item, valid_input(case, outcome))
    db.session.commit()
    return item


def test_two_votes_for_of_two_non_recused_members_record_the_decision_dated_the_meeting(app):
    case = pending_case()
    meeting, anna, boris, carine = _meeting_of_three(case)
    item = _proposed(case, meeting, anna)
    cast_vote(anna, item, "for")
    cast_vote(boris, item, "for")
    result = tally(item)
    assert [member.full_name for member in result.recused] == ["Carine Council"]
    assert result.quorum == 2 and result.counts == {"for": 2} and result.carried
    decision = record_meeting_decision(boris, item)
    db.session.commit()
    assert case.state == CaseState.DECIDED and item.decision_id == decision.id
    assert decision.meeting_date == meeting.held_on and decision.outcome.code == "positive_with_conditions"
    assert len(decision.conditions) == 1


def test_a_recused_member_cannot_vote(app):
    case = pending_case()
    meeting, anna, _boris, carine = _meeting_of_three(case)
    item = _proposed(case, meeting, anna)
    with pytest.raises(ActionForbidden, match="recused"):
        cast_vote(carine, item, "for")


def test_an_absent_member_cannot_vote_or_propose(app):
    case = pending_case()
    meeting, anna, boris, _carine = _meeting_of_three(case, present=1)
    with pytest.raises(ActionForbidden):
        propose_outcome(boris, meeting.items[0], valid_input(case))
    item = _proposed(case, meeting, anna)
    with pytest.raises(ActionForbidden):
        cast_vote(boris, item, "for")


def test_without_quorum_nothing_is_recorded(app):
    """One present member who may vote, of two not recused: below the default quorum of two."""
    case = pending_case()
    meeting, anna, _boris, _carine = _meeting_of_three(case, present=1)
    item = _proposed(case, meeting, anna)
    cast_vote(anna, item, "for")
    with pytest.raises(DomainError, match="No quorum: 1 member"):
        record_meeting_decision(anna, item)
    assert case.state == CaseState.DECISION_PENDING


def test_without_majority_nothing_is_recorded(app):
    case = pending_case()
    meeting, anna, boris, _carine = _meeting_of_three(case)
    item = _proposed(case, meeting, anna)
    cast_vote(anna, item, "for")
    cast_vote(boris, item, "abstain")
    with pytest.raises(DomainError, match="no majority: 1 for, 0 against, 1 abstaining"):
        record_meeting_decision(anna, item)


def test_majority_of_votes_cast_is_configurable(app):
    """With QA_COUNCIL_MAJORITY = votes_cast an abstention does not count against the proposal."""
    app.config["QA_COUNCIL_MAJORITY"] = "votes_cast"
    case = pending_case()
    meeting, anna, boris, _carine = _meeting_of_three(case)
    item = _proposed(case, meeting, anna)
    cast_vote(anna, item, "for")
    cast_vote(boris, item, "abstain")
    assert tally(item).carried


def test_a_meeting_sets_its_own_quorum(app):
    case = pending_case()
    meeting, anna, boris, _carine = _meeting_of_three(case, quorum=3)
    item = _proposed(case, meeting, anna)
    cast_vote(anna, item, "for")
    cast_vote(boris, item, "for")
    assert tally(item).quorum == 3 and not tally(item).carried


def test_the_proposal_keeps_the_decision_rules_and_is_frozen_once_voted(app):
    case = pending_case()
    meeting, anna, boris, _carine = _meeting_of_three(case)
    with pytest.raises(DomainError, match="needs at least one condition"):
        propose_outcome(anna, meeting.items[0], valid_input(case, "positive_with_conditions", conditions=[]))
    db.session.rollback()
    item = _proposed(case, meeting, anna, "positive")
    cast_vote(boris, item, "against")
    with pytest.raises(DomainError, match="can no longer change"):
        propose_outcome(anna, item, valid_input(case, "negative"))


def test_minutes_letter_and_register_name_the_meeting(app, client):
    case = pending_case()
    meeting, anna, boris, _carine = _meeting_of_three(case)
    item = _proposed(case, meeting, anna)
    cast_vote(anna, item, "for")
    cast_vote(boris, item, "against")
    app.config["QA_COUNCIL_MAJORITY"] = "present"
    minutes = "".join(page.extract_text() for page in PdfReader(io.BytesIO(meeting_minutes_pdf(meeting))).pages)
    assert "Present: Anna Council, Boris Council, Carine Council" in " ".join(minutes.split())
    assert "Outcome: not decided" in minutes
    cast_vote(boris, item, "for")
    decision = record_meeting_decision(anna, item)
    publish_cases(make_user(Role.OFFICER), [case.id])
    db.session.commit()
    minutes = " ".join("".join(page.extract_text() for page in PdfReader(
        io.BytesIO(meeting_minutes_pdf(meeting))).pages).split())
    assert "recused: Taught at the institution until 2025." in minutes
    assert "Boris Council for" in minutes and "Outcome: decided" in minutes
    date_text = f"{meeting.held_on.day} {meeting.held_on:%b %Y}"  # the one date style: 1 Dec 2026
    letter = " ".join("".join(page.extract_text() for page in PdfReader(
        io.BytesIO(decision_letter_pdf(decision))).pages).split())
    assert f"Decided by the council at its meeting of {date_text}." in letter
    page = client.get(f"/register/{decision.id}").get_data(as_text=True)
    assert f"Decided by the council at its meeting of {date_text}." in page


def test_my_work_sends_a_present_member_to_the_meeting(app, client):
    from tests.factories import login

    case = pending_case()
    meeting, anna, _boris, carine = _meeting_of_three(case)
    login(client, anna)
    body = client.get("/my-work").get_data(as_text=True)
    assert f'/council/meetings/{meeting.id}#item-{meeting.items[0].id}' in body
    assert "On the agenda of the council meeting of" in body
