"""A member sees nothing of the case until their own declaration is cleared (SPEC §2.3, issue 6 item 3e).

Walks app.url_map over every reviews route of the case (rules with case_id, or with ids of the case's objects),
fills each parameter from real objects of that case, and sends GET and POST (with a valid CSRF token) as an expert
not on the panel, a proposed (undeclared) member, a conflicted member and a removed member: each answer is 403 or
404 and nothing changes. A cleared member, the control, reaches the case page, the SER and an evidence download.
A rule with a parameter this walk does not know fails the walk, so a later route cannot slip past it."""
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.reviews.services import panel
from qa_portal.reviews.models import (
    CaseState, ConflictKind, ExpertType, FactualComment, MemberStatus, PanelMember, PanelObjection, PanelReport,
    PanelRole, SiteVisit, StakeholderGroup, VisitSession,
)
from qa_portal.reviews.models import CaseAction
from qa_portal.reviews.workflow import CASE_WORKFLOW
from tests.factories import PASSWORD, login, make_user
from tests.reviews.factories import complete_ser, criteria_of, hei_user_for, make_case
from tests.reviews.panel_factories import cleared_panel, make_expert

# Parameters that name the case or one of its objects: a rule with any of them is part of the walk.
CASE_PARAMETERS = {"case_id", "evidence_id", "member_id", "objection_id", "comment_id", "session_id", "number",
                   "criterion_id", "standard_id"}
# Parameters of reviews routes that are not the case's (the expert pool) or not ids (a workflow action).
OTHER_PARAMETERS = {"profile_id", "affiliation_id", "action"}
_PARAMETER = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")
# Plausible form data, so a refusal comes from the permission check, not from a missing field.
FORM_DATA = {"comment": "Hostile", "reason": "Hostile", "reasons": "Hostile", "narrative": "x", "title": "x",
             "declaration": "none", "signed_name": "x", "ruling": "mitigated", "propose-role": "chair",
             "rationale": "x", "answer": "x", "response": "accepted"}


def _reviews_case_rules(app):
    """Every reviews rule that concerns a case, and the decisions rules of a case; fails loudly on a parameter the
    walk cannot fill."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("decisions.") and "case_id" in rule.arguments:
            yield rule  # the council's pages of the case (its decision and declarations) are the case's too
            continue
        if not rule.endpoint.startswith("reviews."):
            continue
        unknown = set(rule.arguments) - CASE_PARAMETERS - OTHER_PARAMETERS
        assert not unknown, (f"{rule.endpoint} ({rule.rule}) has parameter(s) {sorted(unknown)} the isolation walk "
                             "does not know: teach tests/reviews/test_panel_isolation.py how to fill them")
        if set(rule.arguments) & CASE_PARAMETERS:
            yield rule


def _world():
    """A case in panel formation with a submitted SER, evidence, a cleared panel, every kind of non-cleared
    member, an objection, a factual comment and a visit session — every id the walk needs is real."""
    case = make_case(standards=1, criteria=2)
    complete_ser(case)
    officer = make_user(Role.OFFICER)
    hei = hei_user_for(case)
    CASE_WORKFLOW.apply(case, CaseAction.SUBMIT_SER, hei)
    CASE_WORKFLOW.apply(case, CaseAction.ACCEPT_SER, officer)
    members = cleared_panel(case)
    proposed = panel.propose_member(officer, case, make_expert().user, PanelRole.EMPLOYER)
    conflicted = panel.propose_member(officer, case, make_expert(ExpertType.INTERNATIONAL).user,
                                      PanelRole.INTERNATIONAL)
    panel.declare_interests(conflicted.user, conflicted, False, [(ConflictKind.STUDY, "Alumnus, 2023.")],
                            conflicted.user.full_name)
    removed = panel.propose_member(officer, case, make_expert().user, PanelRole.SECRETARY)
    panel.remove_member(officer, removed, "Not available.")
    objection = panel.raise_objection(hei, members[PanelRole.STUDENT], "Former student council member.")
    report = PanelReport(case_id=case.id)
    visit = SiteVisit(case_id=case.id)
    db.session.add_all([report, visit])
    db.session.flush()
    db.session.add(FactualComment(report_id=report.id, version_number=1, section_label="Overall conclusion",
                                  comment="A date is wrong.", author_id=hei.id))
    db.session.add(VisitSession(visit_id=visit.id, starts_at=datetime(2026, 12, 1, 10),
                                stakeholder_group=StakeholderGroup.STUDENTS))
    db.session.commit()
    values = {
        "case_id": case.id, "evidence_id": case.evidence[0].id, "criterion_id": criteria_of(case)[0].id,
        "standard_id": criteria_of(case)[0].standard_id,
        "member_id": members[PanelRole.CHAIR].id, "objection_id": objection.id, "number": 1,
        "comment_id": db.session.scalar(select(FactualComment.id)), "session_id": db.session.scalar(
            select(VisitSession.id)),
        "action": CaseAction.START_REVIEW.value, "profile_id": 1, "affiliation_id": 1,
    }
    walkers = {"expert not on the panel": make_expert().user, "proposed member": proposed.user,
               "conflicted member": conflicted.user, "removed member": removed.user}
    return case, members, values, walkers


def _requests(app, values):
    for rule in _reviews_case_rules(app):
        url = _PARAMETER.sub(lambda match: str(values[match.group(1)]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def _token(client, url: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def _login_with_csrf(client, user) -> str:
    """Sign in through the CSRF-checked login form; return a valid token of the signed-in session."""
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": _token(client, "/login")})
    assert response.status_code == 302, "sign-in failed"
    return _token(client, "/account/password")


def _reached(client, walked, token) -> list[str]:
    """The requests that were not refused (anything but 403/404) or that showed the objection's text."""
    reached = []
    for endpoint, method, url in walked:
        data = {**FORM_DATA, "csrf_token": token} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        if response.status_code not in (403, 404) or b"Former student council member." in response.data:
            reached.append(f"{method} {url} ({endpoint}) -> {response.status_code}")
    return reached


def _snapshot():
    return (db.session.scalar(select(func.count(PanelMember.id)).where(PanelMember.status != MemberStatus.REMOVED)),
            db.session.scalar(select(func.count(PanelObjection.id))),
            db.session.scalar(select(func.count(AuditEntry.id))))


def test_walk_fails_on_an_unknown_parameter(app):
    """A reviews rule with a parameter the walk cannot fill makes the walk fail (so no route slips past)."""
    from qa_portal import create_app
    from qa_portal.core.access import login_required

    fresh = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    fresh.add_url_rule("/cases/<int:case_id>/mystery/<int:mystery_id>", "reviews.mystery",
                       login_required(lambda case_id, mystery_id: "secret"))
    with pytest.raises(AssertionError, match="mystery_id"):
        list(_reviews_case_rules(fresh))


@pytest.mark.parametrize("walker", ["expert not on the panel", "proposed member", "conflicted member",
                                    "removed member"])
def test_uncleared_people_reach_nothing_of_the_case(app, client, csrf_enabled, walker):
    """Every GET and POST of every reviews route of the case answers 403 or 404 and changes nothing."""
    case, _members, values, walkers = _world()
    token = _login_with_csrf(client, walkers[walker])
    before = _snapshot()  # after signing in, which is audited
    walked = list(_requests(app, values))
    endpoints = {endpoint for endpoint, _method, _url in walked}
    assert {"reviews.case_detail", "reviews.ser_page", "reviews.evidence_download", "reviews.panel_page",
            "reviews.panel_declaration", "reviews.panel_objection_ruling"} <= endpoints
    assert len(walked) >= 40
    assert _reached(client, walked, token) == [], walker
    db.session.expire_all()
    assert _snapshot() == before
    assert db.session.get(type(case), case.id).state == CaseState.PANEL_FORMATION


def test_removed_member_and_outsider_reach_nothing_in_the_desk_review(app, client, csrf_enabled):
    """Once the review started (scoring routes live), a removed member and an outside expert still reach nothing."""
    case, _members, values, walkers = _world()
    officer = make_user(Role.OFFICER)
    for member in db.session.scalars(select(PanelMember).where(
            PanelMember.case_id == case.id, PanelMember.status.in_([MemberStatus.PROPOSED, MemberStatus.CONFLICTED]))):
        panel.remove_member(officer, member, "Not cleared in time.")
    objection = db.session.scalar(select(PanelObjection))
    panel.rule_on_objection(officer, objection, "rejected", "No ground.")
    CASE_WORKFLOW.apply(case, CaseAction.START_REVIEW, officer)
    db.session.commit()
    values["action"] = CaseAction.START_SITE_VISIT.value
    for walker in ("removed member", "conflicted member", "expert not on the panel"):
        other = app.test_client()
        token = _login_with_csrf(other, walkers[walker])
        assert _reached(other, list(_requests(app, values)), token) == [], walker
    db.session.expire_all()
    assert db.session.get(type(case), case.id).state == CaseState.DESK_REVIEW


def test_walk_catches_a_leaking_predicate(app, client, csrf_enabled, monkeypatch):
    """The walk is not vacuous: if the case predicates admitted any seat, the proposed member's walk would fail."""
    from qa_portal.reviews.permissions import cases, panel_seat

    _case, _members, values, walkers = _world()
    monkeypatch.setattr(cases, "is_cleared_member", lambda user, case: panel_seat(user, case) is not None)
    token = _login_with_csrf(client, walkers["proposed member"])
    reached = _reached(client, list(_requests(app, values)), token)
    assert any("(reviews.case_detail) -> 200" in line for line in reached)
    assert any("(reviews.evidence_download) -> 200" in line for line in reached)


def test_cleared_member_reaches_the_case_ser_and_evidence(app, client):
    """The control: a cleared member opens the case page, the SER, the evidence list, a download and the panel."""
    case, members, values, _walkers = _world()
    login(client, members[PanelRole.ACADEMIC].user)
    for endpoint in ("reviews.case_detail", "reviews.ser_page", "reviews.evidence_list",
                     "reviews.evidence_download", "reviews.ser_submission", "reviews.panel_page"):
        rule = next(rule for rule in app.url_map.iter_rules(endpoint))
        url = _PARAMETER.sub(lambda match: str(values[match.group(1)]), rule.rule)
        assert client.get(url).status_code in (200, 302, 405), url


def test_member_own_declaration_page_is_the_only_page_before_clearance(client):
    """A proposed member reaches their own declaration page, and nothing else of the case."""
    _case, _members, _values, walkers = _world()
    seat_id = db.session.scalar(select(PanelMember.id).where(PanelMember.user_id == walkers["proposed member"].id))
    login(client, walkers["proposed member"])
    assert client.get(f"/panel-seats/{seat_id}/declaration").status_code == 200
