"""Auth services, one module per area (accounts, sessions, sign_in, two_factor, passwords, tokens); the names views and
other packages use are re-exported here."""
from qa_portal.auth.services.accounts import (  # noqa: F401
    change_password, create_user, find_user_by_email, issue_set_password_link, normalise_email, set_locale,
    set_password_with_token, set_user_active, update_user,
)
from qa_portal.auth.services.sessions import (  # noqa: F401
    SessionCheck, SessionRefusal, check_session, token_hash, end_session, end_sessions, renew_session, sign_out_everywhere_else,
    start_session, two_factor_required, visible_sessions,
)
from qa_portal.auth.services.sign_in import (  # noqa: F401
    SignInResult, purge_expired_login_failures, seconds_to_wait, sign_in,
)
from qa_portal.auth.services.two_factor import (  # noqa: F401
    SecondFactorResult, begin_enrolment, confirm_enrolment, provisioning_uri, renew_recovery_codes, reset_two_factor,
    turn_off_two_factor, unused_recovery_codes, verify_second_factor,
)
