"""Auth services, one module per area: accounts (users, sign-in, passwords set and changed), passwords (hashing
and policy), tokens (set-password links). The account services are importable from here:
`from qa_portal.auth import services; services.create_user(...)`."""
from qa_portal.auth.services.accounts import (  # noqa: F401
    SignInResult,
    change_password,
    create_user,
    find_user_by_email,
    issue_set_password_link,
    normalise_email,
    set_locale,
    set_password_with_token,
    set_user_active,
    sign_in,
    sign_out,
    throttled_until,
    update_user,
)
