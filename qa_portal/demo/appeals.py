"""Demo helpers for appeals, for the lead's demo case under appeal (not registered as a loader):
lodge_and_admit(case, hei_user, officer) lodges the institution's appeal against the published decision (criteria
misapplied) and records it admissible; return_for_reconsideration(appeal, appeals_user) has the appeals body send
the decision back to the council. Both go through the real services and workflow; they flush, the demo commits."""
from qa_portal.decisions.services.appeals import decide_appeal, lodge_appeal, record_admissibility
from qa_portal.decisions.models import Admissibility, Appeal, AppealGround, AppealOutcome

STATEMENT = ("The council's reasons rely on the assessment criterion, but the panel's own findings say the "
             "assessment was observed and met it; the criterion was misapplied to evidence the panel accepted.")
ADMISSIBILITY_REASON = "Lodged by the institution within the appeal window, against the published decision."
RETURN_REASONS = ("The decision's reasons contradict the panel's findings on assessment; the council should "
                  "reconsider the outcome on the full report.")


def lodge_and_admit(case, hei_user, officer) -> Appeal:
    """Lodge the institution's appeal (criteria misapplied, with a statement) and record it admissible."""
    appeal = lodge_appeal(hei_user, case, [AppealGround.CRITERIA_MISAPPLIED.value], STATEMENT)
    return record_admissibility(officer, appeal, Admissibility.ADMISSIBLE.value, ADMISSIBILITY_REASON)


def return_for_reconsideration(appeal: Appeal, appeals_user) -> Appeal:
    """The appeals body returns the decision to the council (the case goes back to decision_pending)."""
    return decide_appeal(appeals_user, appeal, AppealOutcome.RETURN.value, RETURN_REASONS)
