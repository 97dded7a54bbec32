"""Configuration classes; values come from the environment and from instance/config.py."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_list(name: str, default: str) -> tuple[str, ...]:
    """A comma-separated setting as a tuple of trimmed, non-empty values ("" gives an empty tuple)."""
    return tuple(value.strip() for value in os.environ.get(name, default).split(",") if value.strip())


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'qa_portal.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # A read replica of DATABASE_URL for the registry API's read-only requests (core/replica.py); unset: none.
    QA_DATABASE_REPLICA_URL = os.environ.get("QA_DATABASE_REPLICA_URL") or None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = _env_int("QA_MAX_UPLOAD_MB", 20) * 1024 * 1024
    UPLOAD_DIR = os.environ.get("QA_UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    # Archive uploads (DOCX, XLSX, ODT) are zip files: bounds on what their central directory may declare, so a zip
    # bomb is refused before anything is inflated.
    QA_UPLOAD_MAX_ENTRIES = _env_int("QA_UPLOAD_MAX_ENTRIES", 10_000)
    QA_UPLOAD_MAX_UNCOMPRESSED = _env_int("QA_UPLOAD_MAX_UNCOMPRESSED_MB", 200) * 1024 * 1024
    QA_UPLOAD_MAX_RATIO = _env_int("QA_UPLOAD_MAX_RATIO", 100)

    # The portal's public address: every absolute URL (API paging, Link headers, DEQAR report and file URLs,
    # set-password links, letters) is built from it, never from the request's Host header. Production refuses to
    # start without it; elsewhere it defaults to the development server's address (core/urls.py).
    QA_PUBLIC_BASE_URL = os.environ.get("QA_PUBLIC_BASE_URL", "")

    # Sessions: a row per signed-in browser (user_sessions), ended by sign-out, password change, deactivation, role
    # change, a second-factor reset or "Sign out everywhere else"; and after this long idle or in all.
    QA_SESSION_IDLE_MINUTES = _env_int("QA_SESSION_IDLE_MINUTES", 60)
    QA_SESSION_MAX_HOURS = _env_int("QA_SESSION_MAX_HOURS", 12)
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (Werkzeug's ProxyFix); with 0 those
    # headers are ignored and the client address is the connection's.
    QA_TRUSTED_PROXIES = _env_int("QA_TRUSTED_PROXIES", 0)

    # Sign-in throttling per (account, client address) in the database: the first QA_LOGIN_FREE_FAILURES failures
    # within the window cost nothing, each further one makes that pair wait twice as long (from the base delay up
    # to the cap); the account's owner elsewhere is never refused. Failures from one address across accounts are
    # limited through Flask-Limiter (password spraying).
    QA_LOGIN_FREE_FAILURES = _env_int("QA_LOGIN_FREE_FAILURES", 5)
    QA_LOGIN_WINDOW_MINUTES = _env_int("QA_LOGIN_WINDOW_MINUTES", 60)
    QA_LOGIN_BASE_DELAY_SECONDS = _env_int("QA_LOGIN_BASE_DELAY_SECONDS", 30)
    QA_LOGIN_MAX_DELAY_SECONDS = _env_int("QA_LOGIN_MAX_DELAY_SECONDS", 900)
    QA_LOGIN_ADDRESS_LIMIT = os.environ.get("QA_LOGIN_ADDRESS_LIMIT", "50 per 15 minutes")

    # Two-factor sign-in (TOTP, RFC 6238): the roles that must use it (comma-separated role values), and the name
    # authenticator apps show for the account.
    QA_2FA_REQUIRED_ROLES = _env_list("QA_2FA_REQUIRED_ROLES", "")
    QA_2FA_ISSUER = os.environ.get("QA_2FA_ISSUER", "QA Portal")
    RATELIMIT_STORAGE_URI = os.environ.get("QA_RATELIMIT_STORAGE_URI", "memory://")
    # Production refuses memory:// (each process would count alone) unless this is set for a single-process install.
    QA_ALLOW_LOCAL_RATE_LIMITS = os.environ.get("QA_ALLOW_LOCAL_RATE_LIMITS", "") in ("1", "true", "yes")
    RATELIMIT_KEY_PREFIX = os.environ.get("QA_RATELIMIT_KEY_PREFIX", "qa-portal")  # several apps may share a Redis
    RATELIMIT_HEADERS_ENABLED = False
    # If Redis is unreachable the per-address limit is skipped (and logged) rather than failing every
    # sign-in; the per-account throttle lives in the database and still holds.
    RATELIMIT_SWALLOW_ERRORS = True

    # The daily maintenance pass removes failed sign-ins older than this (never younger than the throttle window).
    QA_LOGIN_FAILURE_RETENTION_DAYS = _env_int("QA_LOGIN_FAILURE_RETENTION_DAYS", 30)

    # One JSON line per request on stderr (logger qa_portal.request); slower requests are logged at WARNING.
    QA_REQUEST_LOG_TO_STDERR = True
    QA_SLOW_REQUEST_MS = _env_int("QA_SLOW_REQUEST_MS", 1000)

    QA_SET_PASSWORD_MAX_AGE_HOURS = _env_int("QA_SET_PASSWORD_MAX_AGE_HOURS", 72)
    QA_PASSWORD_MIN_LENGTH = 12
    QA_HSTS = False

    # Expert panels: how far back an ended affiliation with the institution still counts as a conflict,
    # how long members have to score once the desk review starts, how long the institution has to check
    # the draft report's factual accuracy (working days, Monday to Friday).
    QA_COI_LOOKBACK_YEARS = _env_int("QA_COI_LOOKBACK_YEARS", 5)
    QA_SCORING_DAYS = _env_int("QA_SCORING_DAYS", 21)
    QA_FACTUAL_CHECK_WORKING_DAYS = _env_int("QA_FACTUAL_CHECK_WORKING_DAYS", 10)
    # Issue 15: the institution's window to object to a proposed panel (working days after the last proposal),
    # and how recent a chair's training must be (years before the desk review starts).
    QA_OBJECTION_WINDOW_WORKING_DAYS = _env_int("QA_OBJECTION_WINDOW_WORKING_DAYS", 5)
    QA_CHAIR_TRAINING_YEARS = _env_int("QA_CHAIR_TRAINING_YEARS", 3)
    # Decisions (issue 7): the agency's letterhead on decision letters (one line each), and the days after
    # publication within which the institution may appeal.
    QA_AGENCY_LETTERHEAD = os.environ.get(
        "QA_AGENCY_LETTERHEAD",
        "National Center for Professional Education Quality Assurance (ANQA)\n"
        "Micro-GEAR micro-credential quality assurance pilot\nYerevan, Armenia",
    )
    QA_APPEAL_WINDOW_DAYS = _env_int("QA_APPEAL_WINDOW_DAYS", 30)
    # The council decides as a body (decisions/services/meetings.py): the quorum of present, non-recused members
    # (0: a majority of the council members not recused from the case; a meeting may set its own number), and the
    # majority a proposal needs: "present" (more than half of the present, non-recused members vote for it) or
    # "votes_cast" (more votes for than against; abstentions not counted).
    QA_COUNCIL_QUORUM = _env_int("QA_COUNCIL_QUORUM", 0)
    QA_COUNCIL_MAJORITY = os.environ.get("QA_COUNCIL_MAJORITY", "present")
    QA_APPEAL_DECISION_DAYS = _env_int("QA_APPEAL_DECISION_DAYS", 90)

    # Registry export API (/api/v1) and the DEQAR report objects it serves (reference/deqar.md §1, §6).
    QA_API_RATE_LIMIT = os.environ.get("QA_API_RATE_LIMIT", "600 per minute")
    QA_DEQAR_AGENCY = os.environ.get("QA_DEQAR_AGENCY", "ANQA")  # acronym or DEQAR agency id, as a string
    QA_DEQAR_AGENCY_ID = os.environ.get("QA_DEQAR_AGENCY_ID", "70")
    QA_DEQAR_ACTIVITY_ID = os.environ.get("QA_DEQAR_ACTIVITY_ID", "171")  # a programme-type ESG activity
    QA_DEQAR_REPORT_STATUS = os.environ.get("QA_DEQAR_REPORT_STATUS", "voluntary")

    # Credentials (issue 20): the agency's Ed25519 signing keys (outside the web root, private key mode 600), the
    # size limit of what /verify accepts, and DEQAR's Submission API v2 that `flask registry push` sends reports to.
    QA_SIGNING_KEY_DIR = os.environ.get("QA_SIGNING_KEY_DIR", str(INSTANCE_DIR / "keys"))
    QA_REQUIRE_SIGNING_KEY = False
    QA_VERIFY_MAX_KB = _env_int("QA_VERIFY_MAX_KB", 256)
    # Example credentials /verify offers to try (.json or .jwt files; the demo writes its learner badge there).
    QA_VERIFY_EXAMPLES_DIR = os.environ.get("QA_VERIFY_EXAMPLES_DIR", str(INSTANCE_DIR / "verify-examples"))
    QA_DEQAR_API_URL = os.environ.get("QA_DEQAR_API_URL", "https://backend.sandbox.deqar.eu/submissionapi/v2/")
    QA_DEQAR_TOKEN = os.environ.get("QA_DEQAR_TOKEN", "")
    QA_DEQAR_PUSH_ATTEMPTS = _env_int("QA_DEQAR_PUSH_ATTEMPTS", 4)
    QA_DEQAR_PUSH_BACKOFF_SECONDS = float(os.environ.get("QA_DEQAR_PUSH_BACKOFF_SECONDS", "2"))
    QA_DEQAR_TIMEOUT_SECONDS = _env_int("QA_DEQAR_TIMEOUT_SECONDS", 30)

    # Notifications (issue 17): the SMTP server the mail worker sends the outbox through — smtp://user:password@host:587
    # (STARTTLS), smtps://user:password@host:465 (implicit TLS), smtp://host:25?starttls=off for a local relay only;
    # unset, messages stay in the outbox (readable at /admin/outbox). Retries back off from 1 minute, doubling, up to
    # QA_MAIL_MAX_ATTEMPTS; reminders go QA_REMINDER_DAYS before (negative) and after (positive) each due date.
    QA_SMTP_URL = os.environ.get("QA_SMTP_URL", "")
    QA_MAIL_FROM = os.environ.get("QA_MAIL_FROM", "QA Portal <no-reply@qa-portal.local>")
    QA_SMTP_TIMEOUT_SECONDS = _env_int("QA_SMTP_TIMEOUT_SECONDS", 30)
    QA_MAIL_MAX_ATTEMPTS = _env_int("QA_MAIL_MAX_ATTEMPTS", 10)
    QA_MAIL_BATCH_SIZE = _env_int("QA_MAIL_BATCH_SIZE", 50)
    QA_MAIL_POLL_SECONDS = _env_int("QA_MAIL_POLL_SECONDS", 10)
    QA_REMINDER_DAYS = tuple(int(day) for day in _env_list("QA_REMINDER_DAYS", "-7,-1,1,7"))

    BABEL_DEFAULT_LOCALE = "en"
    # The agency's time zone: every date and time is shown in it (core/dates.py), with the zone named.
    QA_TIMEZONE = os.environ.get("QA_TIMEZONE", "Asia/Yerevan")
    BABEL_DEFAULT_TIMEZONE = QA_TIMEZONE
    QA_LOCALES = {"en": "English", "hy": "Հայերեն"}
    QA_DEMO_ALLOWED = True


class Development(Config):
    """Local development: SQLite in instance/, debug pages."""

    DEBUG = True


class Testing(Config):
    """The test suite: a throwaway database and fast password hashing."""

    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("QA_TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    QA_FAST_PASSWORD_HASH = True
    QA_REQUEST_LOG_TO_STDERR = False  # tests read the request log through pytest's log capture
    QA_SIGNING_KEY_DIR = ""  # no signing key unless a test generates one (tests/credentials/conftest.py)
    QA_VERIFY_EXAMPLES_DIR = ""
    QA_SMTP_URL = ""  # messages stay in the outbox unless a test starts its own SMTP server


class Production(Config):
    """Production: PostgreSQL, secure __Host- cookies, HSTS, Redis for rate limits, two-factor sign-in for staff."""

    # __Host-: the browser accepts it only over HTTPS, for Path=/ and without a Domain, so no sibling host sets it.
    SESSION_COOKIE_NAME = "__Host-qa_session"
    SESSION_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    QA_HSTS = True
    QA_DEMO_ALLOWED = False
    QA_2FA_REQUIRED_ROLES = _env_list("QA_2FA_REQUIRED_ROLES", "admin,officer,council,appeals")
    QA_REQUIRE_SIGNING_KEY = True  # the app refuses to start without the agency's signing key (flask keys generate)
    RATELIMIT_STORAGE_URI = os.environ.get(
        "QA_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0"
    )


CONFIGS = {"development": Development, "testing": Testing, "production": Production}
