"""Completeness: the share of mandatory elements present and the list of those missing."""
import pytest

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.services import specifications as services
from qa_portal.pilots.models.specification_rules import MANDATORY_ELEMENTS, completeness, is_complete
from tests.factories import login, make_institution, make_user
from tests.pilots.factories import complete_data, make_specification, request_ctx  # noqa: F401

pytestmark = pytest.mark.usefixtures("request_ctx")


def test_completeness_of_complete_specification_is_100_with_nothing_missing():
    """Every mandatory element present: 100% and an empty list."""
    version = make_specification(make_institution())
    assert completeness(version) == (100, []) and is_complete(version)


def test_completeness_lists_annex_i_and_seed_elements():
    """The mandatory list covers EU Annex I's specification elements and the seed's description template."""
    labels = {str(element.label) for element in MANDATORY_ELEMENTS}
    assert {"Title", "Country(ies) of the issuer", "Awarding body(ies)", "Learning outcomes",
            "Notional workload (ECTS)", "Level (EQF, or not applicable)", "Type of assessment",
            "Form of participation", "Type of quality assurance", "Short description",
            "Field of study (ISCED-F)", "Mode of learning", "Stackability and further learning"} == labels


@pytest.mark.parametrize(("blank", "label"), [
    ({"awarding_bodies": []}, "Awarding body(ies)"),
    ({"issuer_countries": []}, "Country(ies) of the issuer"),
    ({"short_description": ""}, "Short description"),
    ({"outcomes": []}, "Learning outcomes"),
    ({"ects": None}, "Notional workload (ECTS)"),
    ({"eqf_level": None, "qf_ehea_cycle": None}, "Level (EQF, or not applicable)"),
    ({"isced_f_code": ""}, "Field of study (ISCED-F)"),
    ({"assessment_type": None}, "Type of assessment"),
    ({"participation_form": None}, "Form of participation"),
    ({"learning_mode": None}, "Mode of learning"),
    ({"stackability": None}, "Stackability and further learning"),
    ({"qa_type": ""}, "Type of quality assurance"),
])
def test_completeness_names_each_missing_element(blank, label):
    """Leaving out one mandatory element gives 92% (12 of 13) and names that element."""
    version = make_specification(make_institution(), **blank)
    assert completeness(version) == (92, [label])
    assert not is_complete(version)


def test_completeness_accepts_eqf_not_applicable_as_a_level():
    """"Not applicable" counts as a stated level."""
    version = make_specification(make_institution(), eqf_level=None, eqf_not_applicable=True, qf_ehea_cycle=None)
    assert completeness(version) == (100, [])


def test_completeness_of_title_only_draft():
    """A draft with only a title and a description is 15% complete (2 of 13)."""
    institution = make_institution()
    version = services.create_specification(None, institution, {"title_en": "Draft", "short_description": "x"})
    db.session.commit()
    percent, missing = completeness(version)
    assert percent == 15 and len(missing) == 11


def test_completeness_bar_shows_in_the_list(client):
    """The specification list shows each specification's completeness as a <progress> bar."""
    institution = make_institution()
    make_specification(institution)
    make_specification(institution, title_en="Half done", qa_type="", ects=None)
    login(client, make_user(Role.HEI, institution=institution))
    page = client.get("/specifications").get_data(as_text=True)
    assert '<progress max="100" value="100"' in page and '<progress max="100" value="84"' in page
    assert "Half done" in page
    assert complete_data()["title_en"] in page
