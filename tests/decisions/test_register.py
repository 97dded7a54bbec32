"""The public register (no sign-in): published decisions only, searchable; each decision's permanent page shows the
outcome, validity, conditions, reasons, institution, specifications and the final panel report."""
import re
from datetime import timedelta

from qa_portal.core.models import utcnow
from qa_portal.extensions import db
from qa_portal.reviews.models import CaseSpecification
from tests.decisions.factories import decided_case, pending_case, published_case, statements_for
from tests.pilots.calls_factories import make_application, make_call
from tests.pilots.factories import make_specification
from tests.reviews.factories import make_case


def test_register_lists_published_decisions_only(app, client):
    """Anonymous visitors see published decisions; decided-but-unpublished and pending cases are absent."""
    published, _ = published_case()
    decided, _ = decided_case()
    pending = pending_case()
    page = client.get("/register").get_data(as_text=True)
    assert published.reference in page
    assert decided.reference not in page and pending.reference not in page


def test_unpublished_decision_pages_answer_404(app, client):
    """A decision not yet published (and an unknown id) answers 404, page and letter alike."""
    _case, decision = decided_case()
    assert client.get(f"/register/{decision.id}").status_code == 404
    assert client.get(f"/register/{decision.id}/letter.pdf").status_code == 404
    assert client.get("/register/999999").status_code == 404


def test_crawling_the_register_reaches_only_published_decisions(app, client):
    """Following every link of /register (all result pages) as an anonymous visitor reaches only published
    decisions, and each answers 200."""
    published = [published_case(code)[1] for code in ("positive", "positive_with_conditions", "negative")]
    decided_case()
    seen, queue, decision_ids = set(), ["/register"], set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        for link in re.findall(r'href="(/register[^"]*)"', response.get_data(as_text=True)):
            link = link.replace("&amp;", "&")
            match = re.fullmatch(r"/register/(\d+)(?:/letter\.pdf)?", link)
            if match:
                decision_ids.add(int(match.group(1)))
            if not link.endswith(".pdf"):
                queue.append(link)
    assert decision_ids == {decision.id for decision in published}


def test_register_filters_by_outcome_institution_validity_and_call(app, client):
    """Filters: outcome kind, institution, validity on a date, call."""
    positive, _ = published_case()
    negative, _ = published_case("negative")
    page = client.get("/register?outcome=negative").get_data(as_text=True)
    assert negative.reference in page and positive.reference not in page
    page = client.get(f"/register?institution={positive.institution_id}").get_data(as_text=True)
    assert positive.reference in page and negative.reference not in page
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    page = client.get(f"/register?valid_on={tomorrow}").get_data(as_text=True)
    assert positive.reference in page and negative.reference not in page
    page = client.get("/register?valid_on=1999-01-01").get_data(as_text=True)
    assert positive.reference not in page
    call = make_call()
    application = make_application(call, positive.institution, [])
    positive.application_id = application.id
    db.session.commit()
    page = client.get(f"/register?call={call.id}").get_data(as_text=True)
    assert positive.reference in page and negative.reference not in page


def test_decision_page_shows_the_decision_specifications_and_final_report(app, client):
    """The permanent page shows outcome, validity, conditions, reasons, cited criteria, institution, the case's
    published specification (linked to its catalogue page) and the final panel report's content."""
    case, decision = published_case("positive_with_conditions")
    version = make_specification(case.institution, published=True, title_en="Data literacy for teachers")
    db.session.add(CaseSpecification(case_id=case.id, specification_version_id=version.id))
    db.session.commit()
    page = client.get(f"/register/{decision.id}").get_data(as_text=True)
    for text in ("Positive with conditions", "Document identity checks.", "The final report shows the criteria met.",
                 case.institution.name_en, "Data literacy for teachers", "The panel finds the micro-credential sound.",
                 "Outcomes are clear.", decision.criteria[0].code):
        assert text in page, text
    assert f'href="/catalogue/{version.micro_credential_id}/v{version.number}"' in page
    assert client.get(f"/catalogue/{version.micro_credential_id}/v{version.number}").status_code == 200


def test_unpublished_specification_is_named_but_not_linked(app, client):
    """A draft specification of the case is not linked from the public page (its catalogue page would be 404)."""
    case, decision = published_case()
    draft = make_specification(case.institution, title_en="Unpublished draft course")
    db.session.add(CaseSpecification(case_id=case.id, specification_version_id=draft.id))
    db.session.commit()
    page = client.get(f"/register/{decision.id}").get_data(as_text=True)
    assert f"/catalogue/{draft.micro_credential_id}/" not in page


def test_register_list_queries_stay_constant(app, client):
    """The register runs the same number of queries for one published decision as for four."""
    published_case()

    one = statements_for(client, "/register")
    for _ in range(3):
        published_case()
    assert statements_for(client, "/register") == one


def test_register_needs_no_case_of_its_own(app, client):
    """An empty register says so."""
    make_case()
    assert "No published decision matches these filters." in client.get("/register").get_data(as_text=True)
