"""Factories for appeal tests: a published case with its institution's user, an appeal lodged (and admitted) through
the services, and an appeals-body member independent of the case."""
import io

from qa_portal.auth.models import Role
from qa_portal.decisions.services.appeals import lodge_appeal, record_admissibility
from qa_portal.extensions import db
from tests.decisions.factories import published_case
from tests.factories import make_user
from tests.reviews.factories import hei_user_for, tiny_pdf

STATEMENT = "The council misapplied the assessment criterion."


def appealable(outcome_code: str = "negative"):
    """A case with a published decision (negative by default), and a user of its institution: (case, decision, hei)."""
    case, decision = published_case(outcome_code)
    return case, decision, hei_user_for(case)


def lodged(outcome_code: str = "negative", documents: int = 0):
    """An appeal lodged today by the institution (criteria misapplied), with `documents` PDFs attached."""
    case, decision, hei = appealable(outcome_code)
    uploads = [(io.BytesIO(tiny_pdf(f"Annex {n}")), f"annex-{n}.pdf") for n in range(documents)]
    appeal = lodge_appeal(hei, case, ["criteria_misapplied"], STATEMENT, uploads)
    db.session.commit()
    return appeal


def admitted(outcome_code: str = "negative"):
    """A lodged appeal an officer recorded admissible."""
    appeal = lodged(outcome_code)
    record_admissibility(make_user(Role.OFFICER), appeal, "admissible", "In time, by the institution.")
    db.session.commit()
    return appeal


def appeals_member():
    """A member of the appeals body who took no part in any case."""
    return make_user(Role.APPEALS)
