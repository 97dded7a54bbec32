"""Review cases open from a completed selection, with frozen specification and standard versions."""
from sqlalchemy import select

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.pilots.models import ApplicationStatus, CallStatus, SelectionOutcome
from qa_portal.pilots.services.selection import complete_selection
from qa_portal.reviews.models import Case, CaseState
from qa_portal.standards.models import StandardVersion, VersionStatus
from tests.factories import make_institution, make_user
from tests.pilots.calls_factories import make_application, make_call, make_decision, make_specification


def _selected_case(app):
    institution = make_institution()
    spec = make_specification(institution)
    call = make_call(CallStatus.CLOSED)
    application = make_application(call, institution, [spec], status=ApplicationStatus.SUBMITTED)
    make_decision(application, SelectionOutcome.SELECTED)
    with app.test_request_context():
        complete_selection(make_user(Role.OFFICER), call)
    db.session.commit()
    return db.session.scalar(select(Case)), spec, call


def test_case_opened_in_ser_in_preparation_with_reference(app):
    """The subscriber opens the case in its first state with a yearly reference."""
    case, _spec, _call = _selected_case(app)
    assert case.state == CaseState.SER_IN_PREPARATION
    assert case.reference.startswith("MC-") and len(case.reference) == len("MC-2026-001")


def test_case_versions_stay_frozen_when_the_hei_edits_or_a_new_standard_version_is_approved(app):
    """Later edits to the specification or a newly approved standard version leave the case's versions unchanged."""
    case, spec, call = _selected_case(app)
    frozen_spec_version_id = case.specification_links[0].specification_version_id
    frozen_standard_version_id = case.standard_version_id
    with app.test_request_context():
        from qa_portal.pilots.services.specifications import update_specification, version_content

        data = version_content(spec.latest_version)
        data["title_en"] = "Renamed after selection"
        update_specification(make_user(Role.HEI, institution=spec.institution), spec, data)
    newer = StandardVersion(standard_set_id=call.standard_version.standard_set_id, number=2,
                            status=VersionStatus.APPROVED, approved_at=call.standard_version.approved_at)
    db.session.add(newer)
    db.session.commit()
    db.session.refresh(case)
    assert spec.latest_version.id != frozen_spec_version_id
    assert case.specification_links[0].specification_version_id == frozen_spec_version_id
    assert case.specification_links[0].specification_version.title_en != "Renamed after selection"
    assert case.standard_version_id == frozen_standard_version_id


def test_pilots_never_imports_reviews():
    """pilots is upstream of reviews: no pilots module imports qa_portal.reviews."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2] / "qa_portal" / "pilots"
    offenders = [str(p) for p in root.rglob("*.py") if "qa_portal.reviews" in p.read_text()]
    assert offenders == []
