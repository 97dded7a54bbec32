"""Reminders with a frozen clock: 7 and 1 days before, 1 and 7 days after each due date (QA_REMINDER_DAYS), once
each per person however often the pass runs; escalation to the coordinator after the last; they stop when the task
is done and start afresh after an extension."""
from datetime import datetime, timedelta, timezone

import time_machine
from sqlalchemy import event

from qa_portal.auth.models import Role
from qa_portal.decisions.models import DecisionCondition
from qa_portal.extensions import db
from qa_portal.notifications.services.reminders import run_reminder_pass
from qa_portal.reviews.models import CaseAction, CaseState, PanelRole
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.decisions.factories import final_report, published_case
from tests.factories import make_user
from tests.notifications.helpers import link_in, outbox
from tests.reviews.factories import complete_ser, hei_user_for, make_case
from tests.reviews.panel_factories import seat

DUE = datetime(2027, 3, 15, 12, 0)


def _at(moment: datetime):
    return time_machine.travel(moment.replace(tzinfo=timezone.utc), tick=False)


def _pass_at(moment: datetime) -> None:
    with _at(moment):
        run_reminder_pass()
        db.session.commit()


def _kinds_to(address: str) -> list[str]:
    return [message.kind for message in outbox() if message.to_address == address]


def _ser_case():
    officer = make_user(Role.OFFICER)
    case = make_case(standards=1, criteria=1, coordinator_id=officer.id, ser_due_at=DUE)
    return case, hei_user_for(case), officer


def test_ser_reminders_follow_the_offsets_once_each_however_often_the_pass_runs(app):
    """Nothing 8 days before; one reminder at 7 days before and 1 day before, one overdue notice 1 and 7 days after;
    running each day's pass twice changes nothing."""
    case, hei, officer = _ser_case()
    for days in (-8, -7, -7, -3, -1, -1, 1, 1, 3, 7, 7):
        _pass_at(DUE + timedelta(days=days))
    assert _kinds_to(hei.email) == ["reminder", "reminder", "overdue", "overdue"]
    assert "2027-03-15" in outbox("reminder")[0].subject
    assert link_in(outbox("reminder")[0]).endswith(f"/cases/{case.id}/ser")


def test_escalation_reaches_the_coordinator_after_the_last_reminder_once(app):
    """After the last offset (7 days after), the coordinator is told once that the task is still not done."""
    case, hei, officer = _ser_case()
    _pass_at(DUE + timedelta(days=6))
    assert _kinds_to(officer.email) == []
    _pass_at(DUE + timedelta(days=7))
    _pass_at(DUE + timedelta(days=9))
    assert _kinds_to(officer.email) == ["escalation"]
    assert hei.full_name in outbox("escalation")[0].body_text


def test_reminders_stop_when_the_task_is_done(app):
    """Once the SER is submitted the task is closed: no further reminders."""
    case, hei, officer = _ser_case()
    _pass_at(DUE - timedelta(days=7))
    complete_ser(case)
    CASE_WORKFLOW.apply(case, CaseAction.SUBMIT_SER, hei)
    db.session.commit()
    _pass_at(DUE - timedelta(days=1))
    _pass_at(DUE + timedelta(days=8))
    assert _kinds_to(hei.email) == ["reminder"]


def test_an_extension_restarts_the_reminders_from_the_new_due_date(app):
    """After the due date moves 30 days later, the reminders of the new date come (7 days before it), once."""
    case, hei, officer = _ser_case()
    _pass_at(DUE - timedelta(days=1))
    case.ser_due_at = DUE + timedelta(days=30)
    db.session.commit()
    _pass_at(DUE + timedelta(days=2))  # the old date passed: nothing, the task is not due until the new date
    _pass_at(DUE + timedelta(days=23))
    _pass_at(DUE + timedelta(days=23))
    assert _kinds_to(hei.email) == ["reminder", "reminder"]
    assert "2027-04-14" in outbox("reminder")[-1].subject


def test_scoring_reminders_go_to_each_member_who_has_not_submitted(app):
    """During the desk review each cleared member without submitted scores is reminded of their own deadline."""
    case = make_case(CaseState.DESK_REVIEW)
    waiting = seat(case, PanelRole.CHAIR, scoring_due_at=DUE)
    done = seat(case, PanelRole.ACADEMIC, scoring_due_at=DUE, scores_submitted_at=DUE - timedelta(days=9))
    _pass_at(DUE - timedelta(days=1))
    assert _kinds_to(waiting.user.email) == ["reminder"] and _kinds_to(done.user.email) == []


def test_condition_due_and_overdue_reach_the_institution(app):
    """A condition of a published decision not yet reported on: reminded before, overdue after its due date."""
    case, decision = published_case("positive_with_conditions")
    hei = hei_user_for(case)
    condition = decision.conditions[0]
    due = datetime.combine(condition.due_on, datetime.max.time())  # due at the end of its day
    _pass_at(due - timedelta(days=7))
    _pass_at(due + timedelta(days=2))
    assert _kinds_to(hei.email) == ["reminder", "overdue"]
    assert link_in(outbox("overdue")[0]).endswith(f"/cases/{case.id}/follow-up")
    assert isinstance(condition, DecisionCondition)


def test_the_factual_window_is_reminded_before_its_end_only(app):
    """The factual-accuracy check is a window: reminded before it closes, never overdue."""
    case = make_case(CaseState.FACTUAL_ACCURACY)
    hei = hei_user_for(case)
    report = final_report(case, final=False)
    report.factual_check_due_at = DUE
    db.session.commit()
    _pass_at(DUE - timedelta(days=1))
    _pass_at(DUE + timedelta(days=8))
    assert _kinds_to(hei.email) == ["reminder"]


def test_the_chair_hears_once_when_the_factual_window_closes(app):
    """After the window's end the chair is told (once) that the institution's comments are in."""
    case = make_case(CaseState.FACTUAL_ACCURACY)
    chair = seat(case, PanelRole.CHAIR)
    report = final_report(case, final=False)
    report.factual_check_due_at = DUE
    db.session.commit()
    _pass_at(DUE - timedelta(hours=1))
    _pass_at(DUE + timedelta(hours=1))
    _pass_at(DUE + timedelta(days=1))
    assert _kinds_to(chair.user.email) == ["comments_in"]


def _statements_of_a_pass(moment: datetime) -> int:
    count = [0]

    def listener(*_args):
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        _pass_at(moment)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return count[0]


def test_the_pass_sends_the_same_number_of_statements_for_5_or_40_tasks(app):
    """No query per task or per message: a pass queuing 40 reminders costs what a pass queuing 5 costs."""
    officer = make_user(Role.OFFICER)
    counts = []
    for size in (5, 40):
        for _n in range(size):
            case = make_case(standards=1, criteria=1, coordinator_id=officer.id, ser_due_at=DUE)
            hei_user_for(case)
        counts.append(_statements_of_a_pass(DUE - timedelta(days=1)))
    assert len(outbox("reminder")) == 45  # the second pass read 45 tasks and queued the 40 new ones
    assert counts[0] == counts[1], counts
