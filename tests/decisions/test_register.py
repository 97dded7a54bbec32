"""The public register (no sign-in): published decisions only, searchable; each decision's permanent page shows the
outcome, validity, conditions, reasons, institution, specifications and the final panel report."""
import html
import re
from datetime import timedelta

import pytest

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
            match = re.fullmatch(r"/register/(\d+)(?:/letter\.pdf|/report\.pdf)?", link)
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


def _covering(case, published: bool = True, **fields):
    """Link a new specification version (published unless told otherwise) of the case's institution to the case."""
    version = make_specification(case.institution, published=published, **fields)
    db.session.add(CaseSpecification(case_id=case.id, specification_version_id=version.id))
    db.session.commit()
    return version


def test_register_filters_by_field_of_the_specifications_covered(app, client):
    """The field filter keeps decisions covering a published specification in that ISCED-F field (a broad field
    matches its narrower codes); a draft specification of the case does not count."""
    ict, _ = published_case()
    _covering(ict, isced_f_code="0613")
    education, _ = published_case()
    _covering(education, isced_f_code="0111")
    _covering(education, published=False, isced_f_code="0612")
    page = client.get("/register?field=06").get_data(as_text=True)
    assert ict.reference in page and education.reference not in page
    page = client.get("/register?field=0111").get_data(as_text=True)
    assert education.reference in page and ict.reference not in page
    assert "No published decision matches these filters." in client.get("/register?field=0612").get_data(as_text=True)
    assert '<option value="06" selected>' in client.get("/register?field=06").get_data(as_text=True)


def test_register_filters_by_eqf_level_of_the_specifications_covered(app, client):
    """The EQF filter keeps decisions covering a published specification at that level, or with EQF not
    applicable for "na"."""
    level_six, _ = published_case()
    _covering(level_six, eqf_level=6)
    level_five, _ = published_case()
    _covering(level_five, eqf_level=5, nqf_level=5, qf_ehea_cycle=None)
    unlevelled, _ = published_case()
    _covering(unlevelled, eqf_level=None, eqf_not_applicable=True, nqf_level=None, qf_ehea_cycle=None)
    page = client.get("/register?eqf=5").get_data(as_text=True)
    assert level_five.reference in page and level_six.reference not in page and unlevelled.reference not in page
    page = client.get("/register?eqf=na").get_data(as_text=True)
    assert unlevelled.reference in page and level_five.reference not in page
    page = client.get("/register?eqf=6&field=06").get_data(as_text=True)
    assert level_six.reference in page and level_five.reference not in page
    assert '<option value="6" selected>' in page


def test_register_lists_each_decisions_public_specifications_with_level_and_field(app, client):
    """Each row names the published specifications the decision covers, linked to the catalogue, with EQF level
    and ISCED-F code; a draft one is left out."""
    case, _ = published_case()
    version = _covering(case, title_en="Open data for officials", eqf_level=6, isced_f_code="0613")
    draft = _covering(case, published=False, title_en="Unpublished draft course")
    page = client.get("/register").get_data(as_text=True)
    assert f'href="/catalogue/{version.micro_credential_id}/v{version.number}">Open data for officials</a>' in page
    assert "EQF 6" in page and "0613" in page
    assert "Unpublished draft course" not in page and f"/catalogue/{draft.micro_credential_id}/" not in page


def test_register_filter_options_come_from_published_data_only(app, client):
    """The institution and call lists offer only those with a published decision: a call whose case is merely
    decided is not named."""
    published, _ = published_case()
    decided, _ = decided_case()
    for case, title in ((published, "Call of the published case"), (decided, "Call of the undecided case")):
        call = make_call(title=title)
        case.application_id = make_application(call, case.institution, []).id
    db.session.commit()
    page = client.get("/register").get_data(as_text=True)
    assert "Call of the published case" in page and "Call of the undecided case" not in page
    assert published.institution.name_en in page and decided.institution.name_en not in page


@pytest.mark.parametrize("name, value, message", [
    ("valid_on", "31/12/2026", "“31/12/2026” is not a date: enter it as YYYY-MM-DD, e.g. 2026-09-01."),
    ("eqf", "9", "“9” is not an EQF level: choose 1 to 8 or not applicable."),
    ("field", "history", "“history” is not an ISCED-F field of study: choose one from the list."),
    ("outcome", "great", "“great” is not an outcome: choose positive, positive with conditions or negative."),
    ("institution", "99999999999999999999", "“99999999999999999999” is not an institution of the register: "
                                            "choose one from the list."),
    ("call", "²", "“²” is not a pilot call: choose one from the list."),
])
def test_register_bad_filter_values_get_a_message_not_an_error(app, client, name, value, message):
    """A filter value the form does not offer answers 400 with the register's form, a message naming the text at
    the field, no list of results, and the other filters kept."""
    case, _ = published_case()
    response = client.get("/register", query_string={name: value, "outcome" if name != "outcome" else "eqf":
                                                     "positive" if name != "outcome" else "6"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert html.escape(message, quote=False) in page and 'aria-invalid="true"' in page
    assert case.reference not in page
    if name == "valid_on":
        assert 'value="31/12/2026"' in page
    kept = '<option value="6" selected>' if name == "outcome" else '<option value="positive" selected>'
    assert kept in page


def test_register_list_queries_stay_constant(app, client):
    """The register runs the same number of queries for one published decision as for four, each covering
    published specifications, with or without the field and EQF filters."""
    case, _ = published_case()
    _covering(case)
    urls = ("/register", "/register?field=06&eqf=6&valid_on=2027-01-01&outcome=positive")
    one = [statements_for(client, url) for url in urls]
    for _ in range(3):
        case, _ = published_case()
        _covering(case)
        _covering(case, isced_f_code="0111", eqf_level=5, nqf_level=5, qf_ehea_cycle=None)
    assert [statements_for(client, url) for url in urls] == one
    assert client.get(urls[1]).get_data(as_text=True).count('href="/register/') == 4


def test_register_needs_no_case_of_its_own(app, client):
    """An empty register says so."""
    make_case()
    assert "No published decision matches these filters." in client.get("/register").get_data(as_text=True)


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_register_pages_are_accessible_with_and_without_filter_messages(app, client, locale):
    """The register (with results, and with a message at a bad filter) and a decision page keep labelled fields,
    unique ids and one h1, in English and Armenian."""
    from tests.core.test_accessibility import assert_accessible

    case, decision = published_case()
    _covering(case)
    client.post("/language", data={"locale": locale})
    for url in ("/register?field=06&eqf=6", "/register?eqf=x&valid_on=tomorrow", f"/register/{decision.id}"):
        response = client.get(url)
        assert response.status_code in (200, 400), url
        assert_accessible(url, response.get_data(as_text=True))
