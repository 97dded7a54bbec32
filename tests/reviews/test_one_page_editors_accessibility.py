"""The one-page editors pass the structural accessibility checks in both languages: the SER standard page (with a
conflict shown), a member's scoring page and the chair's consensus grid."""
import pytest

from qa_portal.reviews.models import PanelRole
from tests.core.test_accessibility import assert_accessible
from tests.factories import login
from tests.reviews.factories import hei_user_for, make_case, write_entry
from tests.reviews.test_scoring import desk_review_case, judge_all


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_the_ser_standard_page_is_accessible(app, client, locale):
    case = make_case(criteria=3)
    standard = case.standard_version.standards[0]
    write_entry(case, standard.criteria[0])
    login(client, hei_user_for(case))
    client.post("/language", data={"locale": locale})
    url = f"/cases/{case.id}/ser/standards/{standard.id}"
    assert_accessible(url, client.get(url).get_data(as_text=True))
    data = {"save": "all"}
    for criterion in standard.criteria:
        data.update({f"c{criterion.id}-narrative": "", f"c{criterion.id}-level": "",
                     f"c{criterion.id}-justification": "", f"c{criterion.id}-version": ""})
    data.update({f"c{standard.criteria[0].id}-narrative": "Mine.", f"c{standard.criteria[0].id}-version": "99"})
    conflict = client.post(url, data=data)
    assert conflict.status_code == 409
    assert_accessible(url, conflict.get_data(as_text=True))


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_the_scoring_page_and_the_consensus_grid_are_accessible(app, client, locale):
    case, panel = desk_review_case()
    judge_all(panel[PanelRole.ACADEMIC], level_index=2, submit=True)
    member_client = app.test_client()
    login(member_client, panel[PanelRole.STUDENT].user)
    member_client.post("/language", data={"locale": locale})
    url = f"/cases/{case.id}/scoring"
    assert_accessible(url, member_client.get(url).get_data(as_text=True))
    judge_all(panel[PanelRole.CHAIR], submit=True)
    login(client, panel[PanelRole.CHAIR].user)
    client.post("/language", data={"locale": locale})
    url = f"/cases/{case.id}/scoring/summary"
    assert_accessible(url, client.get(url).get_data(as_text=True))
