"""Public pages and PDF: published versions at permanent URLs, readable without login; drafts never."""
import io

import pytest
from pypdf import PdfReader

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.standards.models import VersionStatus
from tests.factories import login, make_user
from tests.standards.factories import make_standard_set, make_version

ARMENIAN_TITLE = "Միկրոհավաստագրերի որակի ապահովման չափորոշիչներ"
ARMENIAN_STATEMENT = "Ուսանողը տիրապետում է իր միկրոհավաստագրին."


def _version(status: VersionStatus):
    """Version 2 of set "mc-pilot" in the given status (version 1 stays an empty draft)."""
    standard_set = make_standard_set(code="mc-pilot", title="QA standards for micro-credentials (pilot)",
                                     title_hy=ARMENIAN_TITLE)
    version = make_version(status, standard_set=standard_set)
    version.standards[0].statement = f"Learners own their micro-credential. {ARMENIAN_STATEMENT}"
    db.session.commit()
    return version


@pytest.mark.parametrize("status", [VersionStatus.APPROVED, VersionStatus.SUPERSEDED])
def test_published_version_page_opens_without_login(app, client, status):
    """Approved and superseded versions are public at /standards/<code>/v<number>, with their content."""
    _version(status)
    response = client.get("/standards/mc-pilot/v2")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert ARMENIAN_STATEMENT in body and "Criterion 1.1 text." in body and ARMENIAN_TITLE in body
    assert "/standards/mc-pilot/v2/pdf" in body


@pytest.mark.parametrize("status", [VersionStatus.DRAFT, VersionStatus.CONSULTATION])
def test_unpublished_versions_are_404_on_public_urls(app, client, status):
    """Drafts and versions in consultation have no public page or PDF, even for signed-in users."""
    _version(status)
    assert client.get("/standards/mc-pilot/v2").status_code == 404
    assert client.get("/standards/mc-pilot/v2/pdf").status_code == 404
    assert client.get("/standards/mc-pilot/v1").status_code == 404
    login(client, make_user(Role.OFFICER))
    assert client.get("/standards/mc-pilot/v2").status_code == 404


def test_withdrawn_version_stays_public_with_its_reason(app, client):
    """A withdrawn (once approved) version is shown as withdrawn with the reason, never removed."""
    _version(VersionStatus.WITHDRAWN)
    response = client.get("/standards/mc-pilot/v2")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "This version has been withdrawn" in body and "Replaced by national regulation." in body


def test_superseded_page_links_to_the_version_in_force(app, client):
    """A superseded version points readers to the approved one."""
    first = _version(VersionStatus.SUPERSEDED)
    make_version(VersionStatus.APPROVED, standard_set=first.standard_set)
    body = client.get("/standards/mc-pilot/v2").get_data(as_text=True)
    assert "This version has been superseded." in body and "/standards/mc-pilot/v3" in body


def test_public_set_url_redirects_to_the_version_in_force(app, client):
    """/standards/<code> sends visitors to the approved version."""
    _version(VersionStatus.APPROVED)
    response = client.get("/standards/mc-pilot")
    assert response.status_code == 302 and response.headers["Location"].endswith("/standards/mc-pilot/v2")


def test_public_index_lists_published_versions_only(app, client):
    """The public index shows published versions and hides drafts."""
    _version(VersionStatus.APPROVED)
    body = client.get("/standards/").get_data(as_text=True)
    assert "/standards/mc-pilot/v2" in body and "/standards/mc-pilot/v1" not in body


def test_pdf_opens_without_login_and_contains_the_standards_text(app, client):
    """The PDF is public, names the set (also in Armenian), and carries the standards, criteria, scale and rule."""
    _version(VersionStatus.APPROVED)
    response = client.get("/standards/mc-pilot/v2/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    for expected in ("QA standards for micro-credentials (pilot)", "Version 2", "Standards at a glance",
                     "Learners own their micro-credential.", "Criterion 1.1 text.", "Compliance scale",
                     "Substantially compliant", "Decision rule", "Positive when every mandatory criterion is met.",
                     f"Page 1 of {len(reader.pages)}"):
        assert expected in flat, expected
    assert ARMENIAN_STATEMENT in flat and ARMENIAN_TITLE in flat
    assert any("DejaVuSans" in str(page["/Resources"]["/Font"][name].get_object()["/BaseFont"])
               for page in reader.pages for name in page["/Resources"]["/Font"])


def test_officer_pdf_preview_of_a_draft(app, client):
    """Officers can download the PDF of a draft from the drafting page (drafts stay off the public URLs)."""
    version = _version(VersionStatus.DRAFT)
    login(client, make_user(Role.OFFICER))
    response = client.get(f"/manage/standards/versions/{version.id}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_public_page_in_armenian_leads_with_the_armenian_title(app, client):
    """An Armenian visitor sees the set's Armenian title as the heading and the English one below it."""
    _version(VersionStatus.APPROVED)
    client.post("/language", data={"locale": "hy"})
    body = client.get("/standards/mc-pilot/v2").get_data(as_text=True)
    assert f"<h1>{ARMENIAN_TITLE} —" in body
    assert '<p class="lead" lang="en">QA standards for micro-credentials (pilot)</p>' in body
