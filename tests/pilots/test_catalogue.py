"""The public catalogue: published specifications only, search and filters, permanent version pages."""
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.models import QaStatus
from qa_portal.pilots.services import specifications as services
from tests.factories import make_institution, make_user
from tests.pilots.factories import complete_data, incomplete_data, make_specification, request_ctx  # noqa: F401

pytestmark = pytest.mark.usefixtures("request_ctx")


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block."""
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


def test_catalogue_is_public_and_lists_only_published_specifications(client):
    """Anyone sees published specifications without signing in; drafts are not listed."""
    institution = make_institution("YSU", "Yerevan State University")
    make_specification(institution, published=True, title_en="Published course")
    make_specification(institution, title_en="Draft course")
    response = client.get("/catalogue")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Published course" in page and "Draft course" not in page


def test_catalogue_lists_latest_published_version_once(client):
    """A micro-credential with two published versions is listed once, at its latest version."""
    version = make_specification(make_institution(), published=True, title_en="Version one title")
    second = services.update_specification(None, version.micro_credential, complete_data(title_en="Version two title"))
    services.publish_specification_version(make_user(Role.OFFICER), second)
    db.session.commit()
    page = client.get("/catalogue").get_data(as_text=True)
    assert "Version two title" in page and "Version one title" not in page


def test_catalogue_hides_withdrawn_micro_credentials_from_the_list(client):
    """A withdrawn micro-credential leaves the list but its page stays readable."""
    version = make_specification(make_institution(), published=True, title_en="Old course")
    services.withdraw_specification(make_user(Role.OFFICER), version.micro_credential, "Discontinued.")
    db.session.commit()
    assert "Old course" not in client.get("/catalogue").get_data(as_text=True)
    assert client.get(f"/catalogue/{version.micro_credential_id}/v1").status_code == 200


@pytest.mark.parametrize(("query", "expected"), [
    ("q=data", {"Data literacy"}),
    ("q=DATA", {"Data literacy"}),
    ("q=Կիբեռ", {"Cyber hygiene"}),
    ("eqf=6", {"Data literacy"}),
    ("eqf=na", {"Cyber hygiene"}),
    ("field=06", {"Data literacy", "Cyber hygiene"}),
    ("field=0613", {"Data literacy"}),
    ("field=0413", {"Green procurement"}),
    ("ects_min=5", {"Data literacy", "Green procurement"}),
    ("ects_max=4", {"Cyber hygiene"}),
    ("ects_min=4&ects_max=6", {"Data literacy"}),
    ("qa=quality_assured", {"Green procurement"}),
    ("qa=not_reviewed", {"Data literacy", "Cyber hygiene"}),
    ("ects_min=abc", {"Data literacy", "Cyber hygiene", "Green procurement"}),
])
def test_catalogue_search_and_filters(client, query, expected):
    """Title search (both languages, any case) and the institution, EQF, field, ECTS and QA-status filters."""
    ysu, asue = make_institution("YSU"), make_institution("ASUE")
    make_specification(ysu, published=True, title_en="Data literacy")
    make_specification(ysu, published=True, title_en="Cyber hygiene", title_hy="Կիբեռհիգիենա", ects=Decimal("3"),
                       notional_hours=80, eqf_level=None, eqf_not_applicable=True, qf_ehea_cycle=None,
                       isced_f_code="0612")
    green = make_specification(asue, published=True, title_en="Green procurement", ects=Decimal("8"),
                               notional_hours=220, isced_f_code="0413", eqf_level=7, qf_ehea_cycle="second")
    services.set_qa_status(None, green.micro_credential, QaStatus.QUALITY_ASSURED)
    db.session.commit()
    page = client.get(f"/catalogue?{query}").get_data(as_text=True)
    shown = {title for title in ("Data literacy", "Cyber hygiene", "Green procurement") if f">{title}</a>" in page}
    assert shown == expected


def test_catalogue_filters_by_institution(client):
    """The institution filter keeps that institution's micro-credentials only."""
    ysu, asue = make_institution("YSU"), make_institution("ASUE")
    make_specification(ysu, published=True, title_en="At YSU")
    make_specification(asue, published=True, title_en="At ASUE")
    page = client.get(f"/catalogue?institution={asue.id}").get_data(as_text=True)
    assert "At ASUE" in page and "At YSU" not in page


def test_catalogue_is_paginated(client):
    """Twenty per page, with a link to the next page."""
    institution = make_institution()
    for n in range(23):
        make_specification(institution, published=True, title_en=f"Course {n:02d}")
    first = client.get("/catalogue").get_data(as_text=True)
    assert "Course 19" in first and "Course 20" not in first and "page=2" in first
    second = client.get("/catalogue?page=2").get_data(as_text=True)
    assert "Course 22" in second and "Course 00" not in second


def _catalogue_queries(client) -> int:
    with count_queries() as statements:
        assert client.get("/catalogue").status_code == 200
    return len(statements)


def test_catalogue_runs_the_same_number_of_queries_for_2_and_20_specifications(client):
    """The list page eager-loads: the number of SQL statements does not grow with the number of rows."""
    institutions = [make_institution() for _ in range(4)]
    for n in range(2):
        make_specification(institutions[n], published=True, title_en=f"Course {n:02d}")
    few = _catalogue_queries(client)
    for n in range(2, 20):
        make_specification(institutions[n % 4], published=True, title_en=f"Course {n:02d}")
    many = _catalogue_queries(client)
    assert few >= 2 and few == many
    assert "Course 19" in client.get("/catalogue").get_data(as_text=True)


def test_catalogue_version_page_shows_every_element_and_history(client):
    """A version's public page shows every element, the field name and the public version history."""
    version = make_specification(make_institution("YSU", "Yerevan State University"), published=True)
    second = services.update_specification(None, version.micro_credential, complete_data(title_en="Revised"))
    services.publish_specification_version(make_user(Role.OFFICER), second)
    db.session.commit()
    page = client.get(f"/catalogue/{version.micro_credential_id}/v1").get_data(as_text=True)
    for text in ("Data literacy for public administration", "Yerevan State University", "Clean and document a public data set.",
                 "6 ECTS", "EQF 6", "0613 — Software and applications development and analysis", "Blended",
                 "Part-time", "Supervised online or onsite with identity verification", "Assessment-based certificate",
                 "MA in Public Administration", "Armenian", "Internal QA of the university", "Version history",
                 "A newer version of this micro-credential exists", "http://data.europa.eu/esco/skill/"):
        assert text in page, text
    assert ">v2</a>" in page


def test_catalogue_entry_redirects_to_latest_published_version(client):
    """/catalogue/<id> leads to the newest published version."""
    version = make_specification(make_institution(), published=True)
    second = services.update_specification(None, version.micro_credential, complete_data(title_en="Revised"))
    services.publish_specification_version(make_user(Role.OFFICER), second)
    db.session.commit()
    response = client.get(f"/catalogue/{version.micro_credential_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/catalogue/{version.micro_credential_id}/v2")


def test_catalogue_never_shows_drafts(client):
    """A draft version, or a micro-credential that was never published, answers 404 publicly."""
    draft = services.create_specification(None, make_institution(), incomplete_data())
    published = make_specification(make_institution(), published=True)
    services.update_specification(None, published.micro_credential, complete_data(title_en="Unpublished v2"))
    db.session.commit()
    assert client.get(f"/catalogue/{draft.micro_credential_id}").status_code == 404
    assert client.get(f"/catalogue/{draft.micro_credential_id}/v1").status_code == 404
    assert client.get(f"/catalogue/{published.micro_credential_id}/v2").status_code == 404
    assert "Unpublished v2" not in client.get(f"/catalogue/{published.micro_credential_id}/v1").get_data(as_text=True)


def test_published_version_url_keeps_working_after_revision(client):
    """v1's permanent page still shows v1's content after v2 is published."""
    version = make_specification(make_institution(), published=True, title_en="Original title")
    second = services.update_specification(None, version.micro_credential, complete_data(title_en="New title"))
    services.publish_specification_version(make_user(Role.OFFICER), second)
    db.session.commit()
    page = client.get(f"/catalogue/{version.micro_credential_id}/v1").get_data(as_text=True)
    assert "Original title" in page and client.get(f"/catalogue/{version.micro_credential_id}/v2").status_code == 200


def test_signed_in_users_also_see_the_catalogue(client):
    """The catalogue works the same for a signed-in user."""
    from tests.factories import login

    make_specification(make_institution(), published=True, title_en="Visible to all")
    login(client, make_user(Role.HEI))
    assert "Visible to all" in client.get("/catalogue").get_data(as_text=True)
