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
    can_publish_specification_version,
    can_view_specification,
    can_withdraw_specification_version,
    visible_specifications,
)
from qa_portal.pilots.permissions.calls import (  # noqa: F401
    can_apply_to_call,
    can_close_call,
    can_complete_selection,
    can_decide_selection,
    can_edit_application,
    can_edit_call,
    can_list_calls,
    can_list_own_applications,
    can_manage_calls,
    can_open_call,
    can_score_application,
    can_submit_application,
    can_view_application,
    can_view_call,
    can_view_selection,
    can_withdraw_application,
    visible_applications,
    visible_calls,
)
