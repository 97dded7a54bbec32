"""Pilot permissions, one module per area, re-exported here so every can_* becomes a template global."""
from qa_portal.pilots.permissions.institutions import (  # noqa: F401
    can_manage_institutions,
    can_view_institution,
    can_view_own_institution,
    is_hei_member,
    is_officer,
    member_institution_ids,
    visible_institutions,
)
from qa_portal.pilots.permissions.specifications import (  # noqa: F401
    can_create_specification,
    can_edit_specification,
    can_list_specifications,
    can_view_specification,
    visible_specifications,
)
