"""Who may see, write and publish micro-credential specifications."""
from sqlalchemy import Select, false, select

from qa_portal.auth.models import Role
from qa_portal.pilots.models import MicroCredential, SpecificationVersion
from qa_portal.pilots.permissions.institutions import is_hei_member, is_officer, member_institution_ids


def can_list_specifications(user) -> bool:
    """Officers and HEI quality units see a list of specifications."""
    return is_officer(user) or (
        user.is_authenticated and user.has_role(Role.HEI) and bool(member_institution_ids(user))
    )


def can_create_specification(user) -> bool:
    """HEI users with an institution write specifications; officers may too, for any institution."""
    return can_list_specifications(user)


def can_view_specification(user, credential: MicroCredential) -> bool:
    """Officers see every specification; HEI users see their own institution's."""
    return is_officer(user) or is_hei_member(user, credential.institution_id)


def can_edit_specification(user, credential: MicroCredential) -> bool:
    """Officers and the owning institution's HEI users edit and publish a specification."""
    return is_officer(user) or is_hei_member(user, credential.institution_id)


def can_publish_specification_version(user, version: SpecificationVersion) -> bool:
    """Whoever edits a specification publishes its versions (the workflow: the latest draft, once complete)."""
    return can_edit_specification(user, version.micro_credential)


def can_withdraw_specification_version(user, version: SpecificationVersion) -> bool:
    """Whoever edits a specification withdraws its published versions, with a reason."""
    return can_edit_specification(user, version.micro_credential)


def visible_specifications(user) -> Select:
    """The micro-credentials the user may see: all for officers, their institution's for HEI users."""
    query = select(MicroCredential)
    if is_officer(user):
        return query
    if user.is_authenticated and user.has_role(Role.HEI):
        return query.where(MicroCredential.institution_id.in_(member_institution_ids(user)))
    return query.where(false())
