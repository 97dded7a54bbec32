"""Who reads which versions, and who may draft, consult, approve, withdraw, comment and answer."""
import pytest
from flask_login import AnonymousUserMixin

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.standards import permissions as perms
from qa_portal.standards.models import VersionStatus
from tests.factories import make_user
from tests.standards.factories import make_comment, make_version

ALL = list(VersionStatus)


def _visible_statuses(user) -> set[VersionStatus]:
    return {version.status for version in db.session.scalars(perms.visible_standard_versions(user))}


def _one_of_each():
    versions = {status: make_version(status) for status in ALL}
    never_approved = make_version(VersionStatus.DRAFT)
    never_approved.status, never_approved.withdrawn_reason = VersionStatus.WITHDRAWN, "Abandoned draft."
    db.session.commit()
    return versions, never_approved


def test_anonymous_visitors_see_published_versions_only(app):
    """Approved, superseded and withdrawn-after-approval versions are public; drafts and consultations are not."""
    versions, never_approved = _one_of_each()
    visible = set(db.session.scalars(perms.visible_standard_versions(AnonymousUserMixin())))
    assert visible == {versions[VersionStatus.APPROVED], versions[VersionStatus.SUPERSEDED],
                       versions[VersionStatus.WITHDRAWN]}
    assert never_approved not in visible
    assert set(db.session.scalars(perms.published_standard_versions())) == visible


@pytest.mark.parametrize("roles", [(), (Role.HEI,), (Role.EXPERT,), (Role.COUNCIL,), (Role.ADMIN,)])
def test_signed_in_users_also_see_versions_in_consultation(app, roles):
    """Any signed-in user reads versions in consultation besides the published ones, never drafts."""
    _one_of_each()
    assert _visible_statuses(make_user(*roles)) == {
        VersionStatus.CONSULTATION, VersionStatus.APPROVED, VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN}


def test_officers_see_every_version(app):
    """Officers read drafts too."""
    _one_of_each()
    assert _visible_statuses(make_user(Role.OFFICER)) == set(ALL)


@pytest.mark.parametrize(("roles", "allowed"), [
    ((Role.OFFICER,), True), ((Role.ADMIN,), False), ((Role.HEI,), False), ((Role.EXPERT,), False),
    ((Role.COUNCIL,), False), ((), False),
])
def test_only_officers_draft_and_decide(app, roles, allowed):
    """Drafting, consultation, approval, withdrawal and answering comments belong to officers."""
    user = make_user(*roles)
    version = make_version(VersionStatus.CONSULTATION)
    comment = make_comment(version, user)
    checks = [perms.can_manage_standards(user), perms.can_edit_standard_version(user, version),
              perms.can_open_consultation(user, version), perms.can_approve_standard_version(user, version),
              perms.can_withdraw_standard_version(user, version),
              perms.can_answer_consultation_comment(user, comment)]
    assert checks == [allowed] * len(checks)


def test_every_active_signed_in_user_may_comment(app):
    """Commenting needs an active account, nothing more; anonymous visitors and deactivated users may not."""
    version = make_version(VersionStatus.CONSULTATION)
    assert perms.can_comment_on_standard_version(make_user(), version)
    assert not perms.can_comment_on_standard_version(AnonymousUserMixin(), version)
    assert not perms.can_comment_on_standard_version(make_user(active=False), version)


@pytest.mark.parametrize("status", ALL)
def test_consultation_page_readable_by_stakeholders_only_in_consultation(app, status):
    """A stakeholder reads a version's consultation page only while it is in consultation; officers always."""
    version = make_version(status)
    assert perms.can_view_consultation(make_user(Role.HEI), version) == (status == VersionStatus.CONSULTATION)
    assert perms.can_view_consultation(make_user(Role.OFFICER), version)
