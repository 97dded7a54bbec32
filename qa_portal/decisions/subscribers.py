"""decisions registers its stages with reviews at app start (the factory imports this module): its rows of the review
case's transition table, each with its guards and effects, and its panels and buttons on upstream pages. reviews
never names decisions; this module is the one place where the two meet.

decision_pending ─decide─► decided ─publish─► published ─start_follow_up─► follow_up ─close_case─► closed
published ─close_case─► closed                    follow_up ─require_redecision (reasons)─► decision_pending
published, follow_up, closed ─lodge_appeal─► appeal_lodged ─uphold_decision─► appeal_decided
appeal_lodged ─return_for_reconsideration─► decision_pending
appeal_lodged ─dismiss_appeal (inadmissible)─► published   (then back to follow_up or closed if it was lodged there)
appeal_decided ─start_follow_up─► follow_up, appeal_decided ─close_case─► closed
"""
from flask_babel import lazy_gettext as _l

from qa_portal.core.contributions import contribute
from qa_portal.core.workflow import Transition, object_effect, problems_guard
from qa_portal.decisions.permissions import can_decide_appeals, can_lodge_case_appeal, can_record_decision
from qa_portal.decisions.services import appeals, follow_up, publication, qa_status, rules
from qa_portal.pilots.services.qa_status import register_decided_status
from qa_portal.reviews.models import CaseAction, CaseState
from qa_portal.reviews.permissions import can_coordinate_case
from qa_portal.reviews.workflow import CASE_WORKFLOW

S = CaseState
CASE_TRANSITIONS = {
    # D1–D5: a final panel report and a recorded decision that keeps the rules (re-checked on the stored decision).
    CaseAction.DECIDE: Transition({S.DECISION_PENDING}, S.DECIDED, can_record_decision, guards=[problems_guard(
        rules.decide_problems, _l("The decision cannot be recorded: %(problems)s"))],
        confirm=_l("The council's decision is recorded as it stands and can no longer be changed, only published or "
                   "appealed. The agency's officers see it is ready to publish; the institution sees it once "
                   "published."),
        done=_l("The council's decision was recorded.")),
    # D6: the decision is published together with the final panel report; publication stamps it.
    CaseAction.PUBLISH: Transition({S.DECIDED}, S.PUBLISHED, can_coordinate_case, guards=[problems_guard(
        publication.publish_problems, _l("The decision cannot be published yet: %(problems)s"))],
        effects=[object_effect(publication.on_published)],
        confirm=_l("The decision and its final panel report become public in the register, at a permanent address, "
                   "and cannot be unpublished. The institution sees the published decision on its case page."),
        done=_l("The decision was published with its panel report.")),
    # D8: a follow-up only for a published decision with conditions.
    CaseAction.START_FOLLOW_UP: Transition({S.PUBLISHED, S.APPEAL_DECIDED}, S.FOLLOW_UP, can_coordinate_case,
                                           guards=[problems_guard(follow_up.start_problems,
                                                                  _l("The follow-up cannot start: %(problems)s"))],
                                           done=_l("The follow-up of the conditions has started.")),
    # Every condition verified, met or not, before the council is asked again.
    CaseAction.REQUIRE_REDECISION: Transition({S.FOLLOW_UP}, S.DECISION_PENDING, can_coordinate_case,
                                              requires_reason=True, guards=[problems_guard(
                                                  follow_up.redecision_problems,
                                                  _l("The case cannot go back to the council yet: %(problems)s"))],
                                              done=_l("The case went back to the council for a new decision.")),
    # Every condition of the published decision met.
    CaseAction.CLOSE_CASE: Transition({S.PUBLISHED, S.FOLLOW_UP, S.APPEAL_DECIDED}, S.CLOSED, can_coordinate_case,
                                      guards=[problems_guard(follow_up.close_problems,
                                                             _l("The case cannot be closed yet: %(problems)s"))],
                                      done=_l("The case was closed.")),
    # A1: an appeal against the published decision, stored with grounds, inside the window. No button: the appeal
    # form linked from the decision's page takes it (with its grounds and documents).
    CaseAction.LODGE_APPEAL: Transition({S.PUBLISHED, S.FOLLOW_UP, S.CLOSED}, S.APPEAL_LODGED, can_lodge_case_appeal,
                                        requires_reason=True, guards=[appeals.lodge_guard], button=False),
    # A2–A3: the appeals body's recorded outcome, from a member independent of the case.
    CaseAction.UPHOLD_DECISION: Transition({S.APPEAL_LODGED}, S.APPEAL_DECIDED, can_decide_appeals,
                                           requires_reason=True, guards=[appeals.uphold_guard],
                                           done=_l("The appeal was decided: the council's decision stands.")),
    CaseAction.RETURN_FOR_RECONSIDERATION: Transition({S.APPEAL_LODGED}, S.DECISION_PENDING, can_decide_appeals,
                                                      requires_reason=True, guards=[appeals.return_guard],
                                                      done=_l("The appeal was decided: the case went back to the "
                                                              "council for reconsideration.")),
    # An appeal ruled inadmissible ends here: the decision stands, published; the effect takes the case on to the
    # state it was lodged from (follow_up or closed) by that state's own action, so every move stays in the table.
    # No button: the admissibility ruling dismisses in the same request.
    CaseAction.DISMISS_APPEAL: Transition({S.APPEAL_LODGED}, S.PUBLISHED, can_coordinate_case, requires_reason=True,
                                          guards=[appeals.dismiss_guard], effects=[object_effect(appeals.on_dismissed)],
                                          button=False),
}
del S

for _action, _transition in CASE_TRANSITIONS.items():
    CASE_WORKFLOW.define(_action, _transition)

# The public QA status of a micro-credential is the standing of the decision in force (one SQL expression).
register_decided_status(qa_status.decided_credential_status)

# The council-decision card on a case's page; publication opens its confirmation page instead of a plain button;
# the public catalogue's version page names the QA decision on the micro-credential.
contribute("case_detail.cards", "decisions/_case_card.html", order=50)
contribute("case_detail.action.publish", "decisions/_case_publish.html")
contribute("catalogue_version.decision", "decisions/_catalogue_decision.html")
