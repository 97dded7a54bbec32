"""Specification versions: writing, locking, new versions on edit, freezing, publishing and withdrawal."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from qa_portal.audit.models import AuditEntry
from qa_portal.auth.models import Role
from qa_portal.core.errors import DomainError
from qa_portal.core.workflow import TransitionRefused
from qa_portal.extensions import db
from qa_portal.pilots.models import MicroCredential, SpecificationStatus, SpecificationVersion
from qa_portal.pilots.services import specifications as services
from tests.factories import login, make_institution, make_user
from tests.pilots.factories import complete_data, incomplete_data, make_specification, request_ctx  # noqa: F401

pytestmark = pytest.mark.usefixtures("request_ctx")


def _form(data: dict | None = None, **overrides) -> dict:
    """Form fields for a complete specification (strings, as a browser sends them)."""
    form = {
        "title_en": "Data literacy for public administration",
        "title_hy": "",
        "awarding_bodies": "Yerevan State University",
        "issuer_countries": "AM",
        "short_description": "Reading and presenting public data.",
        "outcomes-0-statement": "Clean and document a public data set.",
        "outcomes-0-esco_uris": "",
        "ects": "6",
        "notional_hours": "160",
        "eqf_level": "6",
        "nqf_level": "6",
        "qf_ehea_cycle": "first",
        "isced_f_code": "0613",
        "assessment_type": "skill_application",
        "participation_form": "blended",
        "supervision": "supervised_with_id",
        "grading_scale": "0–20",
        "certificate_type": "assessment_based",
        "stackability": "standalone",
        "learning_mode": "part_time",
        "languages": "hy, en",
        "qa_type": "Internal QA of the university.",
        "further_learning": "",
        "valid_from": "2026-09-01",
        "valid_to": "2027-08-31",
    }
    form.update(data or {})
    form.update(overrides)
    return form


@pytest.fixture
def hei():
    institution = make_institution("YSU", "Yerevan State University")
    return institution, make_user(Role.HEI, institution=institution)


def test_create_specification_by_form_saves_version_one_as_draft(client, hei):
    """An HEI user's new specification is version 1, a draft of their institution, with its outcomes."""
    institution, user = hei
    login(client, user)
    response = client.post("/specifications/new", data=_form(institution_id=str(institution.id)))
    assert response.status_code == 302
    version = db.session.scalar(select(SpecificationVersion))
    assert (version.number, version.status, version.micro_credential.institution_id) == (
        1, SpecificationStatus.DRAFT, institution.id)
    assert [o.statement for o in version.outcomes] == ["Clean and document a public data set."]
    assert version.ects == Decimal("6") and version.languages == ["hy", "en"]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "specification.create")) is not None


def test_edit_of_unlocked_draft_changes_it_in_place(client, hei):
    """Editing a draft nobody uses keeps one version and changes it."""
    institution, user = hei
    version = make_specification(institution)
    login(client, user)
    response = client.post(f"/specifications/{version.micro_credential_id}/edit", data=_form(title_en="Renamed"))
    assert response.status_code == 302
    db.session.expire_all()
    credential = db.session.get(MicroCredential, version.micro_credential_id)
    assert [v.title_en for v in credential.versions] == ["Renamed"]


def test_edit_of_frozen_version_creates_a_new_version_and_leaves_the_old_one_unchanged(client, hei):
    """A version used by an application is frozen: an edit makes version 2, version 1 never changes."""
    institution, user = hei
    version = make_specification(institution, frozen=True)
    before = services.version_content(version)
    login(client, user)
    response = client.post(f"/specifications/{version.micro_credential_id}/edit",
                           data=_form(title_en="Data literacy (revised)", ects="5", notional_hours="140"))
    assert response.status_code == 302
    db.session.expire_all()
    credential = db.session.get(MicroCredential, version.micro_credential_id)
    assert [v.number for v in credential.versions] == [1, 2]
    old, new = credential.versions
    assert services.version_content(old) == before
    assert old.frozen_at is not None and new.frozen_at is None
    assert (new.title_en, new.ects, new.status) == ("Data literacy (revised)", Decimal("5"), SpecificationStatus.DRAFT)


def test_edit_of_published_version_creates_a_new_version(hei):
    """A published version is public at a permanent URL, so an edit goes into a new draft version."""
    institution, user = hei
    version = make_specification(institution, published=True)
    new = services.update_specification(user, version.micro_credential,
                                        complete_data(ects=Decimal("7"), notional_hours=190))
    db.session.commit()
    assert new.number == 2 and version.ects == Decimal("6") and version.status == SpecificationStatus.PUBLISHED


def test_saving_a_locked_version_unchanged_creates_no_new_version(hei):
    """Saving a frozen version without a change does not add an identical version."""
    institution, user = hei
    version = make_specification(institution, frozen=True)
    same = services.update_specification(user, version.micro_credential, services.version_content(version))
    assert same is version and len(version.micro_credential.versions) == 1


def test_freeze_is_recorded_once(hei):
    """Freezing sets frozen_at once and writes one audit entry, however often it is called."""
    institution, user = hei
    version = make_specification(institution)
    services.freeze_specification_version(user, version)
    first = version.frozen_at
    services.freeze_specification_version(user, version)
    db.session.commit()
    assert version.frozen and version.frozen_at == first
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "specification.freeze")).all()
    assert len(entries) == 1


def test_publish_complete_version_makes_it_public(client, hei):
    """Publishing a complete draft marks it published with a date and a public URL."""
    institution, user = hei
    version = make_specification(institution)
    login(client, user)
    confirmation = client.post(f"/specifications/{version.micro_credential_id}/v1/publish")
    assert confirmation.status_code == 200 and "can no longer be changed" in confirmation.get_data(as_text=True)
    response = client.post(f"/specifications/{version.micro_credential_id}/v1/publish", data={"confirmed": "yes"})
    assert response.status_code == 302
    db.session.refresh(version)
    assert version.status == SpecificationStatus.PUBLISHED and version.published_at is not None
    assert client.get(f"/catalogue/{version.micro_credential_id}/v1").status_code == 200


def test_publish_incomplete_version_is_refused_with_the_missing_elements(client, hei):
    """An incomplete draft cannot be published; the page names what is missing (HTTP 409)."""
    institution, user = hei
    version = services.create_specification(user, institution, incomplete_data())
    db.session.commit()
    login(client, user)
    response = client.post(f"/specifications/{version.micro_credential_id}/v1/publish")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "it cannot be published before these elements are filled in" in page
    assert "Learning outcomes" in page
    db.session.refresh(version)
    assert version.status == SpecificationStatus.DRAFT


def test_publish_refuses_a_version_that_is_not_a_draft(hei):
    """A published version cannot be published again."""
    institution, user = hei
    version = make_specification(institution, published=True)
    with pytest.raises(TransitionRefused, match="“Publish” is not possible while this version is “published”."):
        services.publish_specification_version(user, version)


def test_publish_refuses_an_older_version(hei):
    """Only the newest version can be published."""
    institution, user = hei
    version = make_specification(institution, frozen=True)
    services.update_specification(user, version.micro_credential, complete_data(title_en="Newer"))
    with pytest.raises(DomainError, match="Only the latest version can be published."):
        services.publish_specification_version(user, version)


def test_withdraw_marks_published_versions_withdrawn_and_keeps_them_readable(client, hei):
    """Withdrawal needs a reason; the public page stays, marked withdrawn."""
    institution, user = hei
    version = make_specification(institution, published=True)
    login(client, user)
    response = client.post(f"/specifications/{version.micro_credential_id}/withdraw",
                           data={"reason": "No longer offered from 2027.", "confirmed": "yes"})
    assert response.status_code == 302
    db.session.refresh(version)
    assert version.status == SpecificationStatus.WITHDRAWN and version.withdrawal_reason == "No longer offered from 2027."
    page = client.get(f"/catalogue/{version.micro_credential_id}/v1")
    assert page.status_code == 200
    assert "This micro-credential has been withdrawn" in page.get_data(as_text=True)


def test_withdraw_without_reason_is_refused(client, hei):
    """Withdrawal without a reason is refused with a clear message (HTTP 409)."""
    institution, user = hei
    version = make_specification(institution, published=True)
    login(client, user)
    response = client.post(f"/specifications/{version.micro_credential_id}/withdraw", data={"reason": "  "})
    assert response.status_code == 409
    assert "Give the reason for withdrawing this micro-credential." in response.get_data(as_text=True)


def test_withdraw_of_unpublished_specification_is_refused(hei):
    """A draft that was never published cannot be withdrawn."""
    institution, user = hei
    version = make_specification(institution)
    with pytest.raises(DomainError, match="Only a published micro-credential can be withdrawn."):
        services.withdraw_specification(user, version.micro_credential, "reason")


def test_specification_page_shows_completeness_bar_and_history(client, hei):
    """The specification page shows a <progress> completeness bar and every version."""
    institution, user = hei
    version = make_specification(institution, frozen=True)
    services.update_specification(user, version.micro_credential, complete_data(title_en="Second"))
    db.session.commit()
    login(client, user)
    page = client.get(f"/specifications/{version.micro_credential_id}").get_data(as_text=True)
    assert '<progress max="100" value="100"' in page
    assert "v1" in page and "v2" in page
    assert client.get(f"/specifications/{version.micro_credential_id}/v1").status_code == 200
    assert client.get(f"/specifications/{version.micro_credential_id}/v9").status_code == 404


def test_is_public_is_one_rule_in_python_and_in_sql(hei):
    """Published and withdrawn versions are public, drafts never; the object and a query read the same rule."""
    institution, user = hei
    draft = make_specification(institution)
    published = make_specification(institution, published=True)
    withdrawn = make_specification(institution, published=True)
    services.withdraw_specification(user, withdrawn.micro_credential, "Programme closed.")
    db.session.commit()
    assert [draft.is_public, published.is_public, withdrawn.is_public] == [False, True, True]
    public_ids = set(db.session.scalars(select(SpecificationVersion.id).where(SpecificationVersion.is_public)))
    assert public_ids == {published.id, withdrawn.id}
