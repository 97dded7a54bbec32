"""Accessibility of the review-case pages (labelled fields, unique ids, named buttons, one h1) on the demo data."""
import pytest
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.demo import load_demo
from qa_portal.extensions import db
from qa_portal.reviews.models import Case, CaseState, Evidence
from qa_portal.reviews.services.self_evaluation import version_standards
from tests.core.test_accessibility import assert_accessible
from tests.factories import login, make_user


def _urls(case: Case) -> list[str]:
    criterion = version_standards(case)[0].criteria[0]
    evidence = db.session.scalar(select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id))
    return [f"/cases/{case.id}", f"/cases/{case.id}/ser", f"/cases/{case.id}/evidence",
            f"/cases/{case.id}/ser/criteria/{criterion.id}", f"/cases/{case.id}/ser/texts",
            f"/cases/{case.id}/evidence/{evidence.id}", f"/cases/{case.id}/ser/submissions/1"]


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_hei_and_officer_pages_are_accessible(client, app, locale):
    """The case list, case page, SER, entry, texts, evidence and submitted-copy pages pass the checks."""
    load_demo()
    db.session.commit()
    returned = db.session.scalar(select(Case).where(Case.state == CaseState.SER_IN_PREPARATION,
                                                    Case.application_id.is_(None)))
    hei = make_user(Role.HEI, institution=returned.institution)
    login(client, hei)
    client.post("/language", data={"locale": locale})
    for url in ["/cases", "/my-work", *_urls(returned)]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))
    officer_client = app.test_client()
    login(officer_client, make_user(Role.OFFICER))
    officer_client.post("/language", data={"locale": locale})
    submitted = db.session.scalar(select(Case).where(Case.state == CaseState.SER_SUBMITTED))
    for url in ["/cases", "/cases?overdue=1", f"/cases/{submitted.id}", f"/cases/{returned.id}",
                f"/cases/{submitted.id}/ser"]:
        response = officer_client.get(url)
        assert response.status_code == 200, url
        assert_accessible(url, response.get_data(as_text=True))
