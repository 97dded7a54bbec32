"""Demo helpers for appeals: lodge_and_admit and return_for_reconsideration walk the real services."""
from qa_portal.auth.models import Role
from qa_portal.demo.appeals import lodge_and_admit, return_for_reconsideration
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseState
from tests.decisions.appeal_factories import appealable, appeals_member
from tests.factories import make_user


def test_demo_helpers_lodge_admit_and_return_an_appeal(app):
    """The demo lodges an admissible appeal, then the appeals body returns the case to the council."""
    case, _decision, hei = appealable()
    appeal = lodge_and_admit(case, hei, make_user(Role.OFFICER))
    db.session.commit()
    assert case.state == CaseState.APPEAL_LODGED and appeal.admissibility == "admissible"
    return_for_reconsideration(appeal, appeals_member())
    db.session.commit()
    assert case.state == CaseState.DECISION_PENDING and appeal.outcome == "return_for_reconsideration"
