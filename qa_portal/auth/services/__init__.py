"""Account services, one module per area; the names other packages use are re-exported here."""
from qa_portal.auth.services.accounts import (  # noqa: F401
    change_password, create_user, find_user_by_email, issue_set_password_link, normalise_email, set_locale,
    set_password_with_token, set_user_active, update_user,
)
from qa_portal.auth.services.sign_in import SignInResult, sign_in, sign_out, throttled_until  # noqa: F401
