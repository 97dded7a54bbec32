"""What DEQAR's backend really does with our report objects (issue 15 item 8): it refuses a report whose DEQAR and ETER
ids name different institutions, so the ETER id goes only in place of a DEQAR id; it reads report_language as the
language of the file's text; and its URL check (Django's URLValidator) wants a dotted domain, localhost or an IP."""
import io

import pytest
from pypdf import PdfReader

from qa_portal.registry.services.deqar.build import deqar_report
from qa_portal.registry.services.deqar.fields import NOT_A_URL, url_problem
from tests.registry.factories import published_decision, registry_institution


def test_eter_id_is_sent_only_when_the_institution_has_no_deqar_id(app):
    with_both = published_decision(institution=registry_institution())
    assert deqar_report(with_both)["institutions"] == [{"deqar_id": with_both.case.institution.deqar_id}]
    eter_only = published_decision(institution=registry_institution(deqar_id=None))
    assert deqar_report(eter_only)["institutions"] == [{"eter_id": eter_only.case.institution.eter_id}]


def test_report_language_is_the_language_the_files_are_written_in(app, client):
    """The letter is English with the institution's Armenian name on it: DEQAR is told "en" only, and the PDF's
    letters are overwhelmingly Latin."""
    decision = published_decision()
    files = deqar_report(decision)["report_files"]
    assert {tuple(file["report_language"]) for file in files} == {("en",)}
    letter = client.get(f"/register/{decision.id}/letter.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(letter.data)).pages)
    armenian = sum(1 for character in text if "\u0530" <= character < "\u0590")
    latin = sum(1 for character in text if character.isascii() and character.isalpha())
    assert armenian < latin / 10


@pytest.mark.parametrize("url", ["https://qa.example.am/register/1", "http://localhost/register/1",
                                 "http://localhost:5000/r.pdf", "http://127.0.0.1:8000/r.pdf", "http://[::1]/r.pdf",
                                 "https://xn--y9a3aq.xn--y9a3aq/r.pdf", "ftp://files.agency.org/r.pdf"])
def test_urls_deqar_accepts(url):
    assert url_problem(url, 500) is None


@pytest.mark.parametrize("url", ["http://intranet/register/1", "http://qa-portal:8000/r.pdf", "http://example.c/r",
                                 "http://-bad.example.org/", "http://999.1.1.1/r.pdf", "http://a b.org/",
                                 "mailto:qa@example.org"])
def test_urls_deqar_refuses(url):
    assert url_problem(url, 500) == NOT_A_URL
