"""No lost edits on a standard set's content: two officers saving the same standard, criterion or scale level from
the same revision — the second gets the conflict page (409) with both texts, the first stays saved."""
import pytest
from sqlalchemy import update

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.standards.models import Criterion, VersionStatus
from tests.factories import login, make_user
from tests.reviews.test_concurrent_save import competing_save  # noqa: F401  (the fixture)
from tests.standards.factories import make_version


def _reload(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


@pytest.mark.parametrize("kind", ["standard", "criterion", "level"])
def test_two_saves_from_the_same_revision_end_in_the_conflict_page_with_both_texts(app, client, kind):
    version = make_version(VersionStatus.DRAFT)
    standard = version.standards[0]
    row, url, data, text_field = {
        "standard": (standard, f"/manage/standards/standards/{standard.id}/edit",
                     {"code": standard.code, "title": "T", "esg_refs": ["1.2"], "principle_refs": ["3"]}, "statement"),
        "criterion": (standard.criteria[0], f"/manage/standards/criteria/{standard.criteria[0].id}/edit",
                      {"code": standard.criteria[0].code, "mandatory": "y"}, "text"),
        "level": (version.levels[0], f"/manage/standards/levels/{version.levels[0].id}/edit",
                  {"code": version.levels[0].code, "label": version.levels[0].label}, "description"),
    }[kind]
    model, row_id, base = type(row), row.id, str(row.revision)
    login(client, make_user(Role.OFFICER))
    first = client.post(url, data={**data, text_field: "The first officer's words.", "revision": base})
    assert first.status_code == 302
    response = client.post(url, data={**data, text_field: "The second officer's words.", "revision": base})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Edit conflict" in html
    assert "The first officer&#39;s words." in html and "The second officer&#39;s words.</textarea>" in html
    assert getattr(_reload(model, row_id), text_field) == "The first officer's words."


@pytest.mark.committing  # the competing save commits on its own connection
def test_a_criterion_saved_at_the_same_moment_is_a_conflict_not_a_500(app, client, competing_save):  # noqa: F811
    version = make_version(VersionStatus.DRAFT)
    criterion = version.standards[0].criteria[0]
    login(client, make_user(Role.OFFICER))
    competing_save(update(Criterion).where(Criterion.id == criterion.id)
                   .values(text="The first officer's words.", revision=criterion.revision + 1))
    response = client.post(f"/manage/standards/criteria/{criterion.id}/edit",
                           data={"code": criterion.code, "text": "Mine.", "revision": str(criterion.revision)})
    assert response.status_code == 409
    assert _reload(Criterion, criterion.id).text == "The first officer's words."
